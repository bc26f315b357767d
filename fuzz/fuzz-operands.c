/*
 * operands_each on "-", with the input as standard input, against a
 * reference: one item per line that is not blank, its blanks dropped,
 * in order; a line with a NUL byte or over OPERAND_LINE_MAX bytes
 * (newline included) refused as such, and every other line as written.
 */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"
#include "operands.h"

/* What one write to a pipe holds without a reader. */
#define INPUT_MAX	60000

struct expect {
	const uint8_t	*data;
	size_t		 size, at;	/* the input, and how far it is checked */
	int		 items;
};

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The next item the reference sees from e->at: true with it in *s, *len. */
static bool
next_item(struct expect *e, const uint8_t **s, size_t *len, bool *too_long)
{
	const uint8_t *line, *nl;
	size_t full, n;

	while (e->at < e->size) {
		line = e->data + e->at;
		nl = memchr(line, '\n', e->size - e->at);
		full = nl != NULL ? (size_t)(nl - line) + 1 : e->size - e->at;
		e->at += full;
		*too_long = full > OPERAND_LINE_MAX;
		if (*too_long) {
			*s = line;
			*len = full;
			return true;
		}
		n = full;
		while (n > 0 && blank(*line)) {
			line++;
			n--;
		}
		while (n > 0 && blank(line[n - 1]))
			n--;
		if (n > 0) {
			*s = line;
			*len = n;
			return true;
		}
	}
	return false;
}

static void
check(const char *item, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	struct expect *e = ctx;
	const uint8_t *s;
	size_t len;
	bool too_long, has_nul;

	(void)dl;
	FUZZ_CHECK(next_item(e, &s, &len, &too_long));
	e->items++;
	if (too_long) {
		FUZZ_CHECK(invalid != NULL &&
		    strcmp(invalid, "line longer than 4096 bytes") == 0);
		FUZZ_CHECK(strlen(item) <= 32 + 3 &&
		    strcmp(item + strlen(item) - 3, "...") == 0);
		return;
	}
	has_nul = memchr(s, '\0', len) != NULL;
	FUZZ_CHECK(has_nul == (invalid != NULL));
	if (has_nul)
		FUZZ_CHECK(strcmp(invalid, "line with a NUL byte") == 0 &&
		    strlen(item) < len &&
		    memcmp(item, s, strlen(item)) == 0);
	else
		FUZZ_CHECK(strlen(item) == len && memcmp(item, s, len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "-" };
	struct expect e = { data, size < INPUT_MAX ? size : INPUT_MAX, 0, 0 };
	const uint8_t *s;
	size_t len;
	bool too_long;
	int p[2], saved;

	FUZZ_CHECK(pipe(p) == 0 && (saved = dup(STDIN_FILENO)) != -1);
	FUZZ_CHECK(write(p[1], data, e.size) == (ssize_t)e.size);
	close(p[1]);
	FUZZ_CHECK(dup2(p[0], STDIN_FILENO) != -1);
	close(p[0]);
	FUZZ_CHECK(operands_each(argv, 1, NO_LIMIT, check, &e) == 0);
	FUZZ_CHECK(!next_item(&e, &s, &len, &too_long));
	FUZZ_CHECK(dup2(saved, STDIN_FILENO) != -1);
	close(saved);
	return 0;
}
