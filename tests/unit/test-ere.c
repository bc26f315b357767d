#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <regex.h>
#endif

#include "ere.h"
#include "tap.h"

/*
 * Allocations that fail on request: tests/meson.build links this test
 * with --wrap for calloc and reallocarray, so that ere.c's calls come
 * here.  With allocs_left at 0 the next one fails; at -1, none does.
 */
static int allocs_left = -1;

/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): ld's --wrap names */
void	*__real_calloc(size_t n, size_t size);
void	*__real_reallocarray(void *p, size_t n, size_t size);
void	*__wrap_calloc(size_t n, size_t size);
void	*__wrap_reallocarray(void *p, size_t n, size_t size);

static bool
allocation_fails(void)
{
	if (allocs_left == -1 || allocs_left-- > 0)
		return false;
	errno = ENOMEM;
	return true;
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return allocation_fails() ? NULL : __real_calloc(n, size);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return allocation_fails() ? NULL : __real_reallocarray(p, n, size);
}
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* A pattern, a line, and whether the line has a match. */
struct row {
	const char	*pattern;
	const char	*line;
	bool		 match;
};

/*
 * Patterns of POSIX's extended syntax, each with lines it matches or
 * not.  With glibc, whose regex is the reference, each answer is also
 * checked against regexec: a wrong row fails there, not only here.
 */
static const struct row posix[] = {
	{ "abc", "xxabcxx", true },
	{ "abc", "abxc", false },
	{ "", "anything", true },
	{ "^HTTP/1\\.[01] 200", "HTTP/1.1 200 OK", true },
	{ "^HTTP/1\\.[01] 200", "HTTP/1.2 200 OK", false },
	{ "^HTTP/1\\.[01] 200", "xHTTP/1.1 200 OK", false },
	{ "^\\+PONG$", "+PONG", true },
	{ "^\\+PONG$", "+PONGS", false },
	{ "a.c", "abc", true },
	{ "a.c", "ac", false },
	{ "ab*c", "ac", true },
	{ "ab*c", "abbbc", true },
	{ "ab+c", "ac", false },
	{ "ab+c", "abbc", true },
	{ "ab?c", "abc", true },
	{ "ab?c", "abbc", false },
	{ "^a{3}$", "aaa", true },
	{ "^a{3}$", "aa", false },
	{ "^a{3}$", "aaaa", false },
	{ "^a{2,}$", "a", false },
	{ "^a{2,}$", "aaaaaa", true },
	{ "^a{1,3}$", "aaa", true },
	{ "^a{1,3}$", "aaaa", false },
	{ "^a{0,1}b$", "b", true },
	{ "^(ab){2}$", "abab", true },
	{ "^(ab){2}$", "aba", false },
	{ "^(a|b){2,3}c$", "abac", true },
	{ "^(a|b){2,3}c$", "abbac", false },
	{ "^(a|bc|def)+$", "bcadefa", true },
	{ "^(a|bc|def)+$", "bcadefd", false },
	{ "cat|dog", "hotdog", true },
	{ "cat|dog", "cow", false },
	{ "^(cat|dog)$", "dog", true },
	{ "^(cat|dog)$", "dogs", false },
	{ "^(a*)*$", "aaa", true },
	{ "^(a*)+b$", "b", true },
	{ "^(a?){3}a{3}$", "aaa", true },
	{ "(a|)b", "b", true },
	{ "^()x$", "x", true },
	{ "a**", "b", true },
	{ "[abc]", "xbx", true },
	{ "[abc]", "xyz", false },
	{ "[^abc]", "abc", false },
	{ "[^abc]", "abcd", true },
	{ "^[a-z0-9]+$", "abc123", true },
	{ "^[a-z0-9]+$", "abC123", false },
	{ "[]a]", "]", true },
	{ "[^]a]", "]", false },
	{ "[a-]", "-", true },
	{ "[-a]", "-", true },
	{ "[a\\]", "\\", true },
	{ "^[[:digit:]]+$", "2026", true },
	{ "^[[:digit:]]+$", "20x6", false },
	{ "^[[:alpha:][:space:]]+$", "OK ok", true },
	{ "^[[:upper:]]", "ok", false },
	{ "[[:punct:]]", "a.b", true },
	{ "^[[:xdigit:]]+$", "c0ffee", true },
	{ "^[[:xdigit:]]+$", "coffee", false },
	{ "[[:blank:]]", "a\tb", true },
	{ "[[:cntrl:]]", "abc", false },
	{ "^[[:print:]]+$", "a b", true },
	{ "^[[:graph:]]+$", "a b", false },
	{ "^[[:lower:]]+$", "abc", true },
	{ "^[[:alnum:]]+$", "a1B2", true },
	{ "[[.-.]]", "a-b", true },
	{ "[[=a=]]", "bab", true },
	{ "a$|^b", "ba", true },
	{ "x$|^y", "ab", false },
	{ "\\.", "a.b", true },
	{ "\\.", "ab", false },
	{ "\\(\\)\\*\\+\\?\\[\\{\\|\\^\\$\\\\", "()*+?[{|^$\\", true },
	{ "(((((((((a)))))))))", "a", true },
	{ "a)", "a)", true },
	{ "^(a))$", "a)", true },
	{ "^)$", "x", false },
	{ "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$", "192.0.2.1", true },
	{ "^[0-9]{1,3}(\\.[0-9]{1,3}){3}$", "192.0.2", false },
	{ "^(a|ab)(c|bcd)(d*)$", "abcd", true },
	{ "(wee|week)(knights|night)", "weeknights", true },
	{ "^SSH-2\\.0-", "SSH-2.0-OpenSSH_9.2", true },
};

/* What only ere.h's syntax has, or words differently from glibc. */
static const struct row ours[] = {
	{ "^\\d+$", "2026", true },
	{ "^\\d+$", "d", false },
	{ "\\D", "123", false },
	{ "^\\w+$", "a_1", true },
	{ "\\W", "a_1", false },
	{ "\\s", "a b", true },
	{ "^\\S+$", "a\tb", false },
	{ "\\bcat\\b", "a cat.", true },
	{ "\\bcat\\b", "concat", false },
	{ "\\Bcat", "concat", true },
	{ "\\<cat", "concat", false },
	{ "cat\\>", "concat", true },
	{ "cat\\>", "cats", false },
	{ "{\"ok\":true}", "{\"ok\":true}", true },
	{ "a{x", "a{x", true },
	{ "a{,2}", "a{,2}", true },
	{ "^.{3}$", "\xff\x80\x01", true },
	{ "^[^a]$", "\xe9", true },
	{ "^[[:alpha:]]$", "\xe9", false },
	{ "^\\w$", "\xe9", false },
};

static const struct {
	const char	*pattern;
	const char	*why;
} refused[] = {
	{ "(", "unmatched (" },
	{ "(a|b", "unmatched (" },
	{ "[a", "unmatched [" },
	{ "[]", "unmatched [" },
	{ "*a", "nothing to repeat" },
	{ "a|+b", "nothing to repeat" },
	{ "(?a)", "nothing to repeat" },
	{ "a{2", "unmatched {" },
	{ "a{2,", "unmatched {" },
	{ "a{2x}", "invalid count in {}" },
	{ "a{2,x}", "invalid count in {}" },
	{ "a{3,2}", "invalid count in {}" },
	{ "a{256}", "count in {} over 255" },
	{ "[z-a]", "invalid range" },
	{ "[a-[:digit:]]", "invalid range" },
	{ "[[:alpah:]]", "invalid character class" },
	{ "[[:alpha:]", "unmatched [" },
	{ "[[:alpha:", "unmatched [" },
	{ "[[.ab.]]", "invalid collating element" },
	{ "a\\", "trailing backslash" },
	{ "(a)\\1", "unknown escape \\1" },
	{ "\\q", "unknown escape \\q" },
	{ "(((.{255}){255}){255})", "too big (counts written out)" },
};

static bool
ere_says(const char *pattern, const char *line, size_t len)
{
	char why[ERE_WHY_MAX];
	struct ere *re = ere_compile(pattern, why);
	bool match;

	if (re == NULL) {
		printf("# %s: %s\n", pattern, why);
		return false;
	}
	match = ere_match(re, line, len);
	ere_free(re);
	return match;
}

#ifdef __GLIBC__
static bool
glibc_says(const char *pattern, const char *line)
{
	regex_t re;
	bool match;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}
#endif

/* Each row of rows; with reference, glibc's answer too. */
static void
check_rows(const struct row *rows, size_t n, bool reference)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ok(ere_says(rows[i].pattern, rows[i].line,
		    strlen(rows[i].line)) == rows[i].match, "/%s/ %s \"%s\"",
		    rows[i].pattern, rows[i].match ? "matches" :
		    "does not match", rows[i].line);
#ifdef __GLIBC__
		if (reference)
			ok(glibc_says(rows[i].pattern, rows[i].line) ==
			    rows[i].match, "as glibc's regexec says");
#endif
	}
}

static void
test_refused(void)
{
	char why[ERE_WHY_MAX];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		why[0] = '\0';
		ok(ere_compile(refused[i].pattern, why) == NULL,
		    "/%s/ is refused", refused[i].pattern);
		is_str(why, refused[i].why, "with the reason");
	}
}

static void
test_bytes(void)
{
	static char line[1 << 20];
	char why[ERE_WHY_MAX], deep[2 * 300 + 2];
	struct ere *re;

	ok(ere_says("a.c", "a\0c", 3), "a NUL is a byte: . matches it");
	ok(ere_says("^ab$", "ab\0", 2), "the length, not a NUL, ends a line");
	ok(!ere_says("^ab$", "ab\0", 3), "and a NUL inside is not the end");
	/* what is exponential for a backtracking matcher is linear here */
	memset(line, 'a', sizeof(line));
	ok((re = ere_compile("^(a|a)*(a*)*b", why)) != NULL, "compiles");
	ok(!ere_match(re, line, sizeof(line)), "a MiB of a's: no b, no match");
	ok(!ere_match(re, line, 0), "and an empty line");
	ere_free(re);
	ok((re = ere_compile("(a|b)*c{2,4}$", why)) != NULL &&
	    ere_match(re, "abcc", 4) && !ere_match(re, "abc", 3) &&
	    ere_match(re, "abcccc", 6) && ere_match(re, "abccccc", 7),
	    "one expression matched again and again");
	ere_free(re);
	memset(deep, '(', 256);
	deep[256] = 'x';
	memset(deep + 257, ')', 256);
	deep[513] = '\0';
	ok(ere_says(deep, "x", 1), "256 groups nested are taken");
	memset(deep, '(', 257);
	deep[257] = '\0';
	ok(ere_compile(deep, why) == NULL && strcmp(why,
	    "groups nested too deep") == 0, "257 are refused");
	ere_free(NULL);
}

/*
 * Each allocation of a compile failing in turn: NULL with ENOMEM, so
 * that the tools exit 71 and not 64, and nothing leaked (ASan).
 */
static void
test_out_of_memory(void)
{
	char why[ERE_WHY_MAX];
	struct ere *re;
	int failing = 0;
	bool each = true;

	for (;;) {
		allocs_left = failing;
		errno = 0;
		re = ere_compile("^(a|[bc]){2,3}(d[ef])*$", why);
		allocs_left = -1;
		if (re != NULL)
			break;
		if (errno != ENOMEM || strcmp(why, strerror(ENOMEM)) != 0)
			each = false;
		failing++;
	}
	ok(failing >= 4 && each, "each of %d allocations failing: ENOMEM",
	    failing);
	ok(ere_match(re, "abdedf", 6), "and then the compile that succeeds");
	ere_free(re);
	errno = 0;
	ok(ere_compile("a{2,1}", why) == NULL && errno == EINVAL,
	    "a malformed pattern: EINVAL");
}

int
main(void)
{
	check_rows(posix, sizeof(posix) / sizeof(posix[0]), true);
	check_rows(ours, sizeof(ours) / sizeof(ours[0]), false);
	test_refused();
	test_bytes();
	test_out_of_memory();
	return tap_done();
}
