/*
 * join_words: the input split at its NUL bytes is the words; the
 * payload is them joined by single spaces, with or without a final
 * newline, and its length says so.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "io.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, **words, *buf, *p;
	size_t i, n = 0, len, want, off;
	int nl;

	/* the words, each ended by a NUL: one more than there are NULs */
	copy = malloc(size + 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	words = malloc((size + 1) * sizeof(*words));
	FUZZ_CHECK(words != NULL);
	if (size > 0)
		for (p = copy; p <= copy + size; p += strlen(p) + 1)
			words[n++] = p;

	for (nl = 0; nl < 2; nl++) {
		want = n > 0 ? size : 0;	/* NULs become spaces */
		want += (size_t)nl;
		buf = join_words(words, (int)n, nl, &len);
		FUZZ_CHECK(buf != NULL && len == want);
		for (i = off = 0; i < n; i++) {
			if (i > 0)
				FUZZ_CHECK(buf[off++] == ' ');
			FUZZ_CHECK(memcmp(buf + off, words[i],
			    strlen(words[i])) == 0);
			off += strlen(words[i]);
		}
		if (nl)
			FUZZ_CHECK(buf[off++] == '\n');
		FUZZ_CHECK(off == len);
		free(buf);
	}
	free(words);
	free(copy);
	return 0;
}
