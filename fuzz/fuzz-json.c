/*
 * json_bytes and utf8_sequence_len.  utf8_sequence_len agrees at every
 * offset with a validator written from the Unicode standard's table of
 * well-formed byte sequences (Table 3-7).  json_bytes writes one JSON
 * string that a strict parser takes: quoted, valid UTF-8, no raw
 * control character or DEL, only JSON's escapes, no lone surrogate;
 * and it decodes to the input with each byte that begins no valid
 * sequence replaced by U+FFFD.
 */
#include "fuzz.h"
#include "json.h"

static int
tail(uint8_t c, uint8_t lo, uint8_t hi)
{
	return c >= lo && c <= hi;
}

/* Length of the well-formed sequence at s, or 0 (Table 3-7). */
static size_t
well_formed(const uint8_t *s, size_t n)
{
	uint8_t lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] <= 0x7f)
		return 1;
	if (tail(s[0], 0xc2, 0xdf))
		need = 2;
	else if (tail(s[0], 0xe0, 0xef)) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (tail(s[0], 0xf0, 0xf4)) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need || !tail(s[1], lo, hi))
		return 0;
	for (i = 2; i < need; i++)
		if (!tail(s[i], 0x80, 0xbf))
			return 0;
	return need;
}

static int
hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends code point cp (below U+10000) to out as UTF-8. */
static size_t
put_utf8(uint8_t *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (uint8_t)(0xe0 | cp >> 12);
	out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	out[2] = (uint8_t)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * Parses the JSON string in j (all of it) strictly, into out; returns
 * the decoded length.  Any departure from the grammar fails a check.
 */
static size_t
decode(const uint8_t *j, size_t n, uint8_t *out)
{
	size_t i, k, len = 0;
	unsigned int cp;
	int d;

	FUZZ_CHECK(n >= 2 && j[0] == '"' && j[n - 1] == '"');
	for (i = 1; i < n - 1;) {
		FUZZ_CHECK(j[i] >= 0x20 && j[i] != 0x7f && j[i] != '"');
		if (j[i] != '\\') {
			k = well_formed(j + i, n - 1 - i);
			FUZZ_CHECK(k > 0);
			memcpy(out + len, j + i, k);
			len += k;
			i += k;
			continue;
		}
		FUZZ_CHECK(i + 1 < n - 1);
		switch (j[i + 1]) {
		case '"': case '\\': case '/':
			out[len++] = j[i + 1];
			break;
		case 'b': out[len++] = '\b'; break;
		case 'f': out[len++] = '\f'; break;
		case 'n': out[len++] = '\n'; break;
		case 'r': out[len++] = '\r'; break;
		case 't': out[len++] = '\t'; break;
		case 'u':
			FUZZ_CHECK(i + 5 < n - 1);
			for (cp = 0, k = 2; k < 6; k++) {
				FUZZ_CHECK((d = hex(j[i + k])) >= 0);
				cp = cp << 4 | (unsigned int)d;
			}
			/* json_bytes never needs a surrogate pair */
			FUZZ_CHECK(cp < 0xd800 || cp > 0xdfff);
			len += put_utf8(out + len, cp);
			i += 4;
			break;
		default:
			FUZZ_CHECK(!"an escape JSON does not have");
		}
		i += 2;
	}
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *want, *got;
	char *json = NULL;
	size_t i, n, wlen = 0, jlen, glen;
	FILE *f;

	/* U+FFFD is three bytes for one: the most any byte grows */
	want = malloc(size * 3 + 1);
	got = malloc(size * 3 + 1);
	FUZZ_CHECK(want != NULL && got != NULL);
	for (i = 0; i < size; i += n) {
		n = utf8_sequence_len(data + i, size - i);
		FUZZ_CHECK(n == well_formed(data + i, size - i));
		if (n == 0) {
			memcpy(want + wlen, "\xef\xbf\xbd", 3);
			wlen += 3;
			n = 1;
		} else {
			memcpy(want + wlen, data + i, n);
			wlen += n;
		}
	}

	f = open_memstream(&json, &jlen);
	FUZZ_CHECK(f != NULL);
	json_bytes(f, data, size);
	FUZZ_CHECK(fclose(f) == 0);
	FUZZ_CHECK(strlen(json) == jlen);	/* no raw NUL */
	glen = decode((const uint8_t *)json, jlen, got);
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0);
	free(json);
	free(want);
	free(got);
	return 0;
}
