/*
 * parse_number, for several ranges, against a reference: it accepts
 * exactly the strings of decimal digits whose value is in the range,
 * and gives that value.
 */
#include <limits.h>

#include "fuzz.h"
#include "parse.h"

static const struct {
	long long	lo, hi;
} ranges[] = {
	{ 0, 65535 },
	{ 1, 65535 },
	{ 1, 100 },
	{ 0, LLONG_MAX },
	{ LLONG_MIN, LLONG_MAX },
	{ 1000, 1000 },
};

/* The value of a string of digits; false if none or beyond LLONG_MAX. */
static int
reference(const char *s, long long *value)
{
	long long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!fuzz_is_digit(*s) || v > (LLONG_MAX - (*s - '0')) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	*value = v;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *errstr;
	long long v, want = 0;
	size_t i;
	int rc, ok;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		errstr = NULL;
		rc = parse_number(s, ranges[i].lo, ranges[i].hi, &v, &errstr);
		ok = reference(s, &want) && want >= ranges[i].lo &&
		    want <= ranges[i].hi;
		FUZZ_CHECK(rc == 0 || rc == -1);
		FUZZ_CHECK((rc == 0) == ok);
		if (rc == 0)
			FUZZ_CHECK(errstr == NULL && v == want);
		else
			FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
	}
	free(s);
	return 0;
}
