#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dnswire.h"
#include "parse.h"

#define HEADER_BYTES	12
#define FLAG_QR		0x8000
#define FLAG_TC		0x0200
#define FLAG_RD		0x0100
#define RCODE_NOERROR	0
#define RCODE_SERVFAIL	2
#define RCODE_NXDOMAIN	3
#define CLASS_IN	1
/* a name's labels and pointers: no more hops than a message has bytes */
#define POINTER_HOPS	128

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static bool
label_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool
dns_name_plain(const char *name)
{
	const char *errstr, *p;

	/* the lengths as DNS carries them, the bytes the stub's own */
	if (check_hostname(name, &errstr) == -1)
		return false;
	for (p = name; *p != '\0'; p++)
		if (*p != '.' && !label_byte(*p))
			return false;
	return true;
}

size_t
dns_query(unsigned char *buf, uint16_t id, const char *name, uint16_t type)
{
	unsigned char *p = buf + HEADER_BYTES, *len_at;

	memset(buf, 0, HEADER_BYTES);
	put16(buf, id);
	put16(buf + 2, FLAG_RD);
	put16(buf + 4, 1);
	while (*name != '\0') {
		len_at = p++;
		while (*name != '\0' && *name != '.')
			*p++ = (unsigned char)*name++;
		*len_at = (unsigned char)(p - len_at - 1);
		if (*name == '.')
			name++;
	}
	*p++ = 0;
	put16(p, type);
	put16(p + 2, CLASS_IN);
	return (size_t)(p + 4 - buf);
}

void
dns_reverse_name(char buf[DNS_REVERSE_TEXT], int family,
    const unsigned char *addr)
{
	static const char nibble[] = "0123456789abcdef";
	char *p = buf;
	int i;

	if (family == AF_INET) {
		(void)snprintf(buf, DNS_REVERSE_TEXT, "%u.%u.%u.%u.in-addr.arpa",
		    addr[3], addr[2], addr[1], addr[0]);
		return;
	}
	for (i = 15; i >= 0; i--) {
		*p++ = nibble[addr[i] & 0xf];
		*p++ = '.';
		*p++ = nibble[addr[i] >> 4];
		*p++ = '.';
	}
	memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
}

int
dns_answer_id(const unsigned char *msg, size_t len)
{
	return len < HEADER_BYTES ? -1 : (int)get16(msg);
}

/* The offset past the name at off, or 0 if it runs out of msg. */
static size_t
name_skip(const unsigned char *msg, size_t len, size_t off)
{
	while (off < len) {
		if (msg[off] == 0)
			return off + 1;
		if ((msg[off] & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if ((msg[off] & 0xc0) != 0)
			return 0;
		off += 1 + (size_t)msg[off];
	}
	return 0;
}

/*
 * The next label of the name at *off, following pointers: its length
 * byte's offset, with *off past the label; -1 if malformed.
 */
static long
label_next(const unsigned char *msg, size_t len, size_t *off, int *hops)
{
	size_t at = *off;

	while (at < len && (msg[at] & 0xc0) == 0xc0) {
		if (at + 1 >= len || ++*hops > POINTER_HOPS)
			return -1;
		at = ((size_t)(msg[at] & 0x3f) << 8) | msg[at + 1];
	}
	if (at >= len || (msg[at] & 0xc0) != 0 || at + 1 + msg[at] > len)
		return -1;
	*off = at + 1 + msg[at];
	return (long)at;
}

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Whether the names at a and b are the same, letters' case aside. */
static bool
names_equal(const unsigned char *msg, size_t len, size_t a, size_t b)
{
	long la, lb;
	int hops = 0;
	size_t i, n;

	for (;;) {
		if ((la = label_next(msg, len, &a, &hops)) == -1 ||
		    (lb = label_next(msg, len, &b, &hops)) == -1 ||
		    msg[la] != msg[lb])
			return false;
		n = msg[la];
		if (n == 0)
			return true;
		for (i = 1; i <= n; i++)
			if (fold(msg[la + i]) != fold(msg[lb + i]))
				return false;
	}
}

/* Whether msg's one question is the query's (the name's case aside). */
static bool
same_question(const unsigned char *msg, size_t len,
    const unsigned char *query, size_t qlen)
{
	size_t i;

	if (len < qlen)
		return false;
	for (i = HEADER_BYTES; i < qlen; i++)
		if (fold(msg[i]) != fold(query[i]))
			return false;
	/* the type and class exactly: the name's bytes end before them */
	return memcmp(msg + qlen - 4, query + qlen - 4, 4) == 0;
}

/*
 * The name at off as text into buf (DNS_NAME_TEXT bytes); false unless
 * it is a plain one (dns_name_plain), which needs no escapes.
 */
static bool
name_text(const unsigned char *msg, size_t len, size_t off, char *buf)
{
	char *p = buf;
	long label;
	int hops = 0;
	size_t i, n;

	for (;;) {
		if ((label = label_next(msg, len, &off, &hops)) == -1)
			return false;
		if ((n = msg[label]) == 0)
			break;
		if (p != buf)
			*p++ = '.';
		/*
		 * the label and the NUL must fit: pointers can spell a name
		 * longer than a message's 255 bytes
		 */
		if ((size_t)(p - buf) + n + 1 > DNS_NAME_TEXT)
			return false;
		for (i = 1; i <= n; i++) {
			/* none that glibc's text would escape */
			if (!label_byte((char)msg[label + i]))
				return false;
			*p++ = (char)msg[label + i];
		}
	}
	*p = '\0';
	/* the lengths, as a name asked for has them */
	return p != buf && dns_name_plain(buf);
}

/*
 * The one record of msg's answer, at off: the address asked for, or the
 * name a PTR record holds?
 */
static enum dns_answer
one_record(const unsigned char *msg, size_t len, size_t off,
    unsigned qtype, struct dns_record *rec)
{
	size_t end = name_skip(msg, len, off), rdlen;

	if (end == 0 || end + 10 > len ||
	    !names_equal(msg, len, off, HEADER_BYTES))
		return DNS_ODD;
	rdlen = get16(msg + end + 8);
	if (get16(msg + end) != qtype || get16(msg + end + 2) != CLASS_IN ||
	    end + 10 + rdlen > len)
		return DNS_ODD;
	end += 10;
	if (qtype == DNS_TYPE_PTR)
		/* the target may point anywhere in msg, not past its record */
		return name_skip(msg, end + rdlen, end) == end + rdlen &&
		    name_text(msg, len, end, rec->name) ? DNS_NAME : DNS_ODD;
	if (rdlen != (qtype == DNS_TYPE_A ? 4 : 16))
		return DNS_ODD;
	memcpy(rec->addr, msg + end, rdlen);
	return DNS_ADDRESS;
}

enum dns_answer
dns_answer_read(const unsigned char *msg, size_t len,
    const unsigned char *query, size_t qlen, struct dns_record *rec)
{
	unsigned flags;

	if (len < HEADER_BYTES || get16(msg) != get16(query))
		return DNS_MISMATCH;
	flags = get16(msg + 2);
	if (!(flags & FLAG_QR) || get16(msg + 4) != 1 ||
	    !same_question(msg, len, query, qlen))
		return DNS_MISMATCH;
	/* another opcode, or truncated */
	if ((flags & 0x7800) != 0 || (flags & FLAG_TC))
		return DNS_ODD;
	switch (flags & 0xf) {
	case RCODE_NOERROR:
		break;
	case RCODE_SERVFAIL:
		return DNS_SERVFAIL;
	case RCODE_NXDOMAIN:
		return DNS_NXDOMAIN;
	default:
		return DNS_ODD;
	}
	switch (get16(msg + 6)) {
	case 0:
		return DNS_NODATA;
	case 1:
		return one_record(msg, len, qlen, get16(query + qlen - 4),
		    rec);
	default:
		return DNS_ODD;
	}
}
