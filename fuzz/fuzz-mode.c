/*
 * parse_mode, against a reference: it accepts exactly one or more octal
 * digits whose value is at most 0777, whatever the leading zeros.
 */
#include "fuzz.h"
#include "parse.h"

/* The value, or -1 if malformed or over 0777. */
static long
reference(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		if ((v = v * 8 + (*s - '0')) > 0777)
			return -1;
	}
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *errstr;
	unsigned int mode;
	long want = reference(s);
	int rc;

	rc = parse_mode(s, &mode, &errstr);
	FUZZ_CHECK((rc == 0) == (want != -1));
	if (rc == 0)
		FUZZ_CHECK(errstr == NULL && mode == (unsigned int)want);
	else
		FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
	free(s);
	return 0;
}
