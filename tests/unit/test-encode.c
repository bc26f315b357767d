#include <stdio.h>
#include <stdlib.h>

#include "encode.h"
#include "tap.h"

static void
check_base64(const char *in, size_t len, const char *want)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	json_base64(f, (const unsigned char *)in, len);
	fclose(f);
	is_str(buf, want, "base64 of %zu bytes", len);
	free(buf);
}

int
main(void)
{
	/* RFC 4648, section 10 */
	check_base64("", 0, "\"\"");
	check_base64("f", 1, "\"Zg==\"");
	check_base64("fo", 2, "\"Zm8=\"");
	check_base64("foo", 3, "\"Zm9v\"");
	check_base64("foob", 4, "\"Zm9vYg==\"");
	check_base64("fooba", 5, "\"Zm9vYmE=\"");
	check_base64("foobar", 6, "\"Zm9vYmFy\"");
	check_base64("\xff\xfe\xfd\x00", 4, "\"//79AA==\"");

	ok(utf8_valid((const unsigned char *)"", 0), "empty is UTF-8");
	ok(utf8_valid((const unsigned char *)"a\0b", 3), "NULs are UTF-8");
	ok(utf8_valid((const unsigned char *)"gr\xc3\xbc\xc3\x9f" "e", 6),
	    "two-byte sequences");
	ok(!utf8_valid((const unsigned char *)"ab\xff", 3), "a stray byte");
	ok(!utf8_valid((const unsigned char *)"\xc3", 1), "a cut sequence");
	ok(!utf8_valid((const unsigned char *)"\xed\xa0\x80", 3),
	    "a surrogate");
	return tap_done();
}
