/* lib/operands: operands and the lines of stdin as one stream of items. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "operands.h"
#include "tap.h"

#define ITEMS_MAX	16
#define ITEM_BYTES	64

struct seen {
	char	item[ITEMS_MAX][ITEM_BYTES];
	char	why[ITEMS_MAX][ITEM_BYTES];
	bool	deadline[ITEMS_MAX];
	int	n;
};

static void
collect(const char *item, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	struct seen *s = ctx;

	if (s->n == ITEMS_MAX)
		return;
	strlcpy(s->item[s->n], item, ITEM_BYTES);
	strlcpy(s->why[s->n], invalid != NULL ? invalid : "", ITEM_BYTES);
	s->deadline[s->n] = dl->set;
	s->n++;
}

/* stdin from a pipe holding len bytes of s. */
static void
stdin_of(const char *s, size_t len)
{
	int p[2];

	if (pipe(p) == -1 || write(p[1], s, len) != (ssize_t)len ||
	    dup2(p[0], STDIN_FILENO) == -1)
		abort();
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	static const char lines[] = "  a.test \t\r\n\n \nb.test\0junk\nlast";
	static char long_input[OPERAND_LINE_MAX + 64];
	char *argv[] = { "one", "-", "two", "-" };
	struct seen s;

	memset(&s, 0, sizeof(s));
	stdin_of(lines, sizeof(lines) - 1);
	ok(operands_each(argv, 4, NO_LIMIT, collect, &s) == 0,
	    "operands and stdin read");
	ok(s.n == 5, "five items (%d): blank lines skipped, one - read", s.n);
	is_str(s.item[0], "one", "the first operand first");
	is_str(s.item[1], "a.test", "then stdin's lines, blanks dropped");
	is_str(s.item[2], "b.test", "a line with a NUL: what comes before");
	is_str(s.why[2], "line with a NUL byte", "refused as such");
	is_str(s.item[3], "last", "a last line without a newline");
	is_str(s.item[4], "two", "then the next operand");
	ok(!s.deadline[0] && s.why[0][0] == '\0', "no deadline, all valid");

	memset(&s, 0, sizeof(s));
	memset(long_input, 'x', OPERAND_LINE_MAX + 50);
	memcpy(long_input + OPERAND_LINE_MAX + 50, "\nok\n", sizeof("\nok\n"));
	stdin_of(long_input, OPERAND_LINE_MAX + 54);
	ok(operands_each(argv + 1, 1, 500, collect, &s) == 0 && s.n == 2,
	    "an over-long line and the next");
	ok(strncmp(s.item[0], "xxxx", 4) == 0 &&
	    strcmp(s.item[0] + strlen(s.item[0]) - 3, "...") == 0,
	    "the over-long line as its first bytes and ...");
	is_str(s.why[0], "line longer than 4096 bytes", "refused as such");
	is_str(s.item[1], "ok", "the next line goes on");
	ok(s.deadline[0] && s.deadline[1], "each with its deadline");

	ok(operands_several(argv, 1) == false &&
	    operands_several(argv + 1, 1) && operands_several(argv, 2),
	    "several: more than one operand, or -");
	close(STDIN_FILENO);
	memset(&s, 0, sizeof(s));
	ok(operands_each(argv + 1, 1, NO_LIMIT, collect, &s) == -1,
	    "a stdin that cannot be read: -1");
	return tap_done();
}
