/*
 * idna_applies and idna_to_ascii: a name needs IDNA exactly when it has
 * a byte past ASCII, and its IDNA form, when it has one, is ASCII that
 * needs none.
 */
#include "fuzz.h"
#include "idna.h"

static int
has_high_byte(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *ascii;

	FUZZ_CHECK(idna_applies(s) == has_high_byte(s));
	if ((ascii = idna_to_ascii(s)) != NULL)
		FUZZ_CHECK(!idna_applies(ascii));
	free(ascii);
	free(s);
	return 0;
}
