#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"

/* What f wrote since it was opened, as a string (the caller frees it). */
static char *
written(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

static void
check_bytes(const char *in, size_t len, const char *want, const char *what)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	json_bytes(f, (const unsigned char *)in, len);
	is_str(written(f, &buf), want, "%s", what);
	free(buf);
}

int
main(void)
{
	char *buf = NULL;
	size_t size;
	FILE *f;
	char *v[] = { "a", "b\"", NULL };

	check_bytes("plain", 5, "\"plain\"", "plain ASCII");
	check_bytes("q\"b\\", 4, "\"q\\\"b\\\\\"", "quote and backslash");
	check_bytes("\n\t\r\x01\x7f", 5, "\"\\n\\t\\r\\u0001\\u007f\"",
	    "control characters");
	check_bytes("a\0b", 3, "\"a\\u0000b\"", "a NUL byte");
	check_bytes("\xe7\x94\xb5", 3, "\"\xe7\x94\xb5\"", "UTF-8 kept");
	check_bytes("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"",
	    "a 4-byte sequence kept");
	check_bytes("\xff", 1, "\"\\ufffd\"", "an invalid byte");
	check_bytes("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"", "an overlong form");
	check_bytes("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"",
	    "a surrogate");
	check_bytes("\xe7\x94", 2, "\"\\ufffd\\ufffd\"", "a cut sequence");
	check_bytes("\xf4\x90\x80\x80", 4,
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "beyond U+10FFFF");

	f = open_memstream(&buf, &size);
	putc('{', f);
	json_key(f, "k", 1);
	json_string_array(f, v, -1);
	json_key(f, "n", 0);
	json_string_array(f, v, 1);
	putc('}', f);
	is_str(written(f, &buf), "{\"k\":[\"a\",\"b\\\"\"],\"n\":[\"a\"]}",
	    "an object of arrays");
	free(buf);
	return tap_done();
}
