/* A few lines of TAP for the unit tests: ./dev test counts the lines. */
#ifndef SOCKUTILS_TAP_H
#define SOCKUTILS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

#define ok(cond, ...) do {						\
	int tap_ok = (cond);	/* evaluated once */			\
	tap_count++;							\
	if (!tap_ok)							\
		tap_failed++;						\
	printf("%sok %d - ", tap_ok ? "" : "not ", tap_count);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *tap_got = (got), *tap_want = (want);		\
	ok(strcmp(tap_got, tap_want) == 0, __VA_ARGS__);		\
	if (strcmp(tap_got, tap_want) != 0)				\
		printf("# got '%s', want '%s'\n", tap_got, tap_want);	\
} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

#endif
