/*
 * What the fuzz harnesses share.  Each fuzz-NAME.c defines the libFuzzer
 * entry point for one parser or encoder of lib/ and checks properties
 * of its answer beyond "no crash"; a property that fails aborts, which
 * libFuzzer reports as a crash with the input saved.
 */
#ifndef SOCKUTILS_FUZZ_H
#define SOCKUTILS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* data up to its first NUL, as a string to free. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t len = nul != NULL ? (size_t)(nul - data) : size;
	char *s = malloc(len + 1);

	FUZZ_CHECK(s != NULL);
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

static inline int
fuzz_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

#endif
