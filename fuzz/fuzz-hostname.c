/*
 * check_hostname against the rules it states: 1 to 253 bytes (a final
 * dot not counted, unless it is all there is), split by dots into
 * labels of 1 to 63 bytes.
 */
#include "fuzz.h"
#include "parse.h"

static int
reference(const char *s)
{
	size_t len = strlen(s), i, label = 0;

	if (len > 1 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			label++;
			continue;
		}
		if (label == 0 || label > 63)
			return 0;
		label = 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *errstr = NULL;
	int rc;

	rc = check_hostname(s, &errstr);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == reference(s));
	if (rc == -1)
		FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
	free(s);
	return 0;
}
