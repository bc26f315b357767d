#include "encode.h"
#include "json.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool
utf8_valid(const unsigned char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n)
		if ((n = utf8_sequence_len(s + i, len - i)) == 0)
			return false;
	return true;
}

void
json_base64(FILE *f, const unsigned char *s, size_t len)
{
	unsigned long v;
	size_t i;

	putc('"', f);
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)s[i] << 16 | s[i + 1] << 8 | s[i + 2];
		putc(b64[v >> 18], f);
		putc(b64[v >> 12 & 0x3f], f);
		putc(b64[v >> 6 & 0x3f], f);
		putc(b64[v & 0x3f], f);
	}
	if (i < len) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)s[i + 1] << 8;
		putc(b64[v >> 18], f);
		putc(b64[v >> 12 & 0x3f], f);
		putc(i + 1 < len ? b64[v >> 6 & 0x3f] : '=', f);
		putc('=', f);
	}
	putc('"', f);
}
