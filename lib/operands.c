#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "operands.h"

/* How much of an over-long line a message quotes. */
#define LONG_LINE_SHOWN	32

#define STRINGIFY(x)	#x
#define NUMBER_STR(x)	STRINGIFY(x)

static const char blanks[] = " \t\r\n";

/*
 * Passes the line s of len bytes (the first of a longer one if too_long)
 * on as an item, without the blanks around it.
 */
static void
each_line(const char *s, size_t len, bool too_long, long long timeout_ms,
    operand_fn *each, void *ctx)
{
	char item[OPERAND_LINE_MAX + sizeof("...")];
	const char *invalid = NULL;
	struct deadline dl;

	deadline_start(&dl, timeout_ms);
	while (len > 0 && strchr(blanks, *s) != NULL && *s != '\0') {
		s++;
		len--;
	}
	if (too_long) {
		len = strnlen(s, len < LONG_LINE_SHOWN ? len : LONG_LINE_SHOWN);
		memcpy(item, s, len);
		memcpy(item + len, "...", sizeof("..."));
		each(item, "line longer than " NUMBER_STR(OPERAND_LINE_MAX) " bytes",
		    &dl, ctx);
		return;
	}
	while (len > 0 && s[len - 1] != '\0' &&
	    strchr(blanks, s[len - 1]) != NULL)
		len--;
	if (len == 0)
		return;
	memcpy(item, s, len);
	item[len] = '\0';
	if (memchr(s, '\0', len) != NULL)
		invalid = "line with a NUL byte";
	each(item, invalid, &dl, ctx);
}

static int
each_stdin_line(long long timeout_ms, operand_fn *each, void *ctx)
{
	struct line_reader lr;
	const char *line;
	size_t len;
	int rc;

	if (line_reader_init(&lr, STDIN_FILENO, OPERAND_LINE_MAX) == -1)
		return -1;
	while ((rc = line_reader_next(&lr, &line, &len)) != 0) {
		if (rc == -1)
			break;
		each_line(line, len, rc == -2, timeout_ms, each, ctx);
		if (rc == -2 && (rc = line_reader_skip(&lr)) == -1)
			break;
	}
	line_reader_free(&lr);
	return rc;
}

int
operands_each(char *const argv[], int argc, long long timeout_ms,
    operand_fn *each, void *ctx)
{
	struct deadline start;
	bool read_stdin = false;
	int i;

	deadline_start(&start, timeout_ms);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0)
			each(argv[i], NULL, &start, ctx);
		else if (!read_stdin) {
			read_stdin = true;
			if (each_stdin_line(timeout_ms, each, ctx) == -1)
				return -1;
		}
	}
	return 0;
}

bool
operands_several(char *const argv[], int argc)
{
	return argc > 1 || (argc == 1 && strcmp(argv[0], "-") == 0);
}
