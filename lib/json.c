#include <string.h>

#include "json.h"

size_t
utf8_sequence_len(const unsigned char *s, size_t avail)
{
	size_t need, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (avail < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

void
json_bytes(FILE *f, const unsigned char *s, size_t len)
{
	size_t i, n;

	putc('"', f);
	for (i = 0; i < len; i += n) {
		n = utf8_sequence_len(s + i, len - i);
		if (n == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (n > 1)
			fwrite(s + i, 1, n, f);
		else if (s[i] == '"' || s[i] == '\\')
			fprintf(f, "\\%c", s[i]);
		else if (s[i] == '\n')
			fputs("\\n", f);
		else if (s[i] == '\t')
			fputs("\\t", f);
		else if (s[i] == '\r')
			fputs("\\r", f);
		else if (s[i] < 0x20 || s[i] == 0x7f)
			fprintf(f, "\\u%04x", s[i]);
		else
			putc(s[i], f);
	}
	putc('"', f);
}

void
json_string(FILE *f, const char *s)
{
	json_bytes(f, (const unsigned char *)s, strlen(s));
}

void
json_key(FILE *f, const char *key, int first)
{
	if (!first)
		putc(',', f);
	json_string(f, key);
	putc(':', f);
}

void
json_string_array(FILE *f, char *const *v, long n)
{
	long i;

	putc('[', f);
	for (i = 0; n < 0 ? v[i] != NULL : i < n; i++) {
		if (i > 0)
			putc(',', f);
		json_string(f, v[i]);
	}
	putc(']', f);
}

void
json_endpoint(FILE *f, const struct endpoint *e, int first)
{
	if (e->host != NULL) {
		json_key(f, "host", first);
		json_string(f, e->host);
		json_key(f, "port", 0);
		fprintf(f, "%u", e->port);
		return;
	}
	json_key(f, "path", first);
	if (e->path != NULL)
		json_string(f, e->path);
	else
		fputs("null", f);
}

void
json_sockaddr(FILE *f, const struct sockaddr *sa, socklen_t len, int first)
{
	struct endpoint e = { 0 };
	char host[ADDRSTR_MAX], name[ENDPOINT_MAX];

	if (sa->sa_family == AF_UNIX) {
		if (!sockaddr_unnamed(sa, len))
			e.path = sockaddr_endpoint(sa, len, name);
		json_endpoint(f, &e, first);
		return;
	}
	json_key(f, "address", first);
	json_string(f, sockaddr_host(sa, host));
	json_key(f, "port", 0);
	fprintf(f, "%u", sockaddr_port(sa));
}
