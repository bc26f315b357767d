/*
 * ere: a pattern (the input up to its first NUL) compiled and matched
 * against the rest.  Neither crashes nor takes more than linear time;
 * with glibc, a pattern of POSIX's syntax both compile matches a line
 * (up to its NUL or LF: --expect's lines have no LF, and glibc's "$"
 * matches before one) as regexec says.  Not compared, as the syntax
 * leaves them undefined: "{" (a byte here unless a count follows), "\"
 * before a byte that is not special (glibc has its own escapes),
 * repetitions side by side ("a**"), and empty branches and groups
 * ("(|a)", "()"); nor more than 8 of "*+?", nor "^" after the start
 * (glibc's "(^a)+$" matches "aa", as its "(^a){2}" does: a bug).  Those are where glibc's
 * regcomp pays in time and memory that double with each repetition
 * ("((a+)+)+..." 20 deep: 3.8 s and 830 MiB; "^(|)+++++|" more than the
 * fuzzer's 10 s; the engine here: programs of a few dozen instructions).
 */
#include "ere.h"
#include "fuzz.h"		/* <stdio.h>, which says whether __GLIBC__ */

#ifdef __GLIBC__
#include <regex.h>
#endif

#ifdef __GLIBC__
static int
comparable(const char *pattern)
{
	const char *p;
	int repetitions = 0;

	if (strchr(pattern, '{') != NULL || strstr(pattern, "()") != NULL ||
	    strstr(pattern, "(|") != NULL || strstr(pattern, "||") != NULL ||
	    strstr(pattern, "|)") != NULL || pattern[0] == '|' ||
	    (pattern[0] != '\0' && pattern[strlen(pattern) - 1] == '|'))
		return 0;
	for (p = pattern; (p = strpbrk(p, "*+?")) != NULL; p++)
		if (++repetitions > 8 ||
		    (p[1] != '\0' && strchr("*+?", p[1]) != NULL))
			return 0;
	/* an anchor after the start; "[^" negates, "\^" is a byte */
	for (p = pattern; (p = strchr(p, '^')) != NULL; p++)
		if (p > pattern && p[-1] != '[' && p[-1] != '\\')
			return 0;
	for (p = pattern; (p = strchr(p, '\\')) != NULL; p += 2)
		if (p[1] == '\0' || strchr(".[]()*+?}|^$\\", p[1]) == NULL)
			return 0;
	return 1;
}

static void
compare(struct ere *re, const char *pattern, char *line)
{
	regex_t posix;

	line[strcspn(line, "\n")] = '\0';
	if (!comparable(pattern) ||
	    regcomp(&posix, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return;
	FUZZ_CHECK(ere_match(re, line, strlen(line)) ==
	    (regexec(&posix, line, 0, NULL, 0) == 0));
	regfree(&posix);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[ERE_WHY_MAX], *pattern = fuzz_string(data, size), *line;
	size_t skip = strlen(pattern) + (strlen(pattern) < size);
	struct ere *re;

	line = malloc(size - skip + 1);
	FUZZ_CHECK(line != NULL);
	memcpy(line, data + skip, size - skip);
	line[size - skip] = '\0';
	if ((re = ere_compile(pattern, why)) == NULL)
		FUZZ_CHECK(why[0] != '\0' && strlen(why) < ERE_WHY_MAX);
	else {
		(void)ere_match(re, line, size - skip);
#ifdef __GLIBC__
		compare(re, pattern, line);
#endif
	}
	ere_free(re);
	free(pattern);
	free(line);
	return 0;
}
