/*
 * parse_duration, for several minimums, against a reference: it accepts
 * exactly DIGITS[.DIGITS] (digits on at least one side of the point) up
 * to 100000 s and at least the minimum, with the value truncated to the
 * millisecond, and "inf" as NO_LIMIT; and an accepted value printed back
 * as seconds.millis parses to itself.
 */
#include "fuzz.h"
#include "parse.h"
#include "timing.h"

#define MAX_SECONDS	100000LL

static const long long minimums[] = { 0, 1, 1000, MAX_SECONDS * 1000 };

/* The value in ms; 0 if malformed, -1 if more than MAX_SECONDS + 1. */
static int
reference(const char *s, long long *ms)
{
	long long whole = 0, frac = 0, scale = 100;
	int digits = 0;

	if (strcmp(s, "inf") == 0) {
		*ms = NO_LIMIT;
		return 1;
	}
	for (; fuzz_is_digit(*s); s++, digits++)
		if ((whole = whole * 10 + (*s - '0')) > MAX_SECONDS)
			whole = MAX_SECONDS + 1;
	if (*s == '.')
		for (s++; fuzz_is_digit(*s); s++, digits++, scale /= 10)
			frac += (*s - '0') * scale;
	if (*s != '\0' || digits == 0)
		return 0;
	if (whole > MAX_SECONDS)
		return -1;
	*ms = whole * 1000 + frac;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), again[64];
	const char *errstr;
	long long ms, want = 0, ms2;
	size_t i;
	int rc, ref;

	ref = reference(s, &want);
	for (i = 0; i < sizeof(minimums) / sizeof(minimums[0]); i++) {
		errstr = NULL;
		rc = parse_duration(s, minimums[i], &ms, &errstr);
		FUZZ_CHECK(rc == 0 || rc == -1);
		FUZZ_CHECK((rc == 0) == (ref == 1 && want >= minimums[i]));
		if (rc == -1) {
			FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
			continue;
		}
		FUZZ_CHECK(errstr == NULL && ms == want);
		if (ms == NO_LIMIT)
			continue;
		snprintf(again, sizeof(again), "%lld.%03lld", ms / 1000,
		    ms % 1000);
		FUZZ_CHECK(parse_duration(again, minimums[i], &ms2,
		    &errstr) == 0 && ms2 == ms);
	}
	free(s);
	return 0;
}
