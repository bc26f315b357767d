/*
 * dn_format and tls_alpn_wire, the certificate-field and TLS encoding
 * code that is ours.  The input, split at NUL bytes, is the attribute
 * values of a name (each type "CN"): the text fits its buffer, ends
 * with its NUL, holds no control byte, and every special character in
 * it is escaped; cut short, it ends with "...".  The input as an ALPN
 * list: every length byte the encoding gives covers a name with no
 * comma, and the names add up to the input.
 */
#include "certinfo.h"
#include "fuzz.h"
#include "tls.h"

#define ATTRS_MAX	16

/* Checks the text of the n attributes of v written in size bytes. */
static void
check_dn(const struct dn_attr *v, size_t n, size_t size)
{
	char buf[512];
	size_t len, i;

	dn_format(v, n, buf, size);
	len = strlen(buf);
	FUZZ_CHECK(len < size);
	for (i = 0; i < len; i++) {
		FUZZ_CHECK((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f);
		/* a special character is escaped, or separates */
		if (buf[i] == ';' || buf[i] == '<' || buf[i] == '>' ||
		    buf[i] == '"' || buf[i] == '+')
			FUZZ_CHECK(i > 0 && buf[i - 1] == '\\');
	}
}

static void
check_alpn(const char *list)
{
	unsigned char out[2048];
	const char *errstr;
	size_t i, names = 0;
	int len;

	if ((len = tls_alpn_wire(list, out, sizeof(out), &errstr)) == -1)
		return;
	for (i = 0; i < (size_t)len; i += 1 + out[i]) {
		FUZZ_CHECK(out[i] > 0 && i + 1 + out[i] <= (size_t)len);
		FUZZ_CHECK(memchr(out + i + 1, ',', out[i]) == NULL);
		names += out[i];
	}
	FUZZ_CHECK(i == (size_t)len);
	/* the names, and a comma between each two (one length byte each) */
	FUZZ_CHECK(strlen(list) == names + ((size_t)len - names) - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dn_attr v[ATTRS_MAX];
	const uint8_t *p = data, *end = data + size, *nul;
	size_t n = 0;
	char *s;

	while (p <= end && n < ATTRS_MAX) {
		nul = memchr(p, '\0', (size_t)(end - p));
		v[n].type = "CN";
		v[n].value = p;
		v[n].len = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		n++;
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	check_dn(v, n, 512);
	check_dn(v, n, 24);
	s = fuzz_string(data, size);
	check_alpn(s);
	free(s);
	return 0;
}
