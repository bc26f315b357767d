#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dnswire.h"
#include "tap.h"

static const char *const answer_names[] = {
	"mismatch", "address", "name", "nxdomain", "nodata", "servfail", "odd",
};

/* An answer to the query q (qlen bytes): its header's flags and counts. */
static size_t
answer_start(unsigned char *msg, const unsigned char *q, size_t qlen,
    unsigned flags, unsigned ancount)
{
	memcpy(msg, q, qlen);
	msg[2] = (unsigned char)(flags >> 8);
	msg[3] = (unsigned char)flags;
	msg[6] = 0;
	msg[7] = (unsigned char)ancount;
	return qlen;
}

/*
 * Appends a record at at: owner (NULL: a pointer to the question's
 * name), type, class, a TTL of 0 and rdata.
 */
static size_t
record(unsigned char *msg, size_t at, const unsigned char *owner,
    size_t ownerlen, unsigned type, unsigned class,
    const unsigned char *rdata, size_t rdlen)
{
	static const unsigned char to_question[] = { 0xc0, 12 };

	if (owner == NULL) {
		owner = to_question;
		ownerlen = sizeof(to_question);
	}
	memcpy(msg + at, owner, ownerlen);
	at += ownerlen;
	msg[at++] = (unsigned char)(type >> 8);
	msg[at++] = (unsigned char)type;
	msg[at++] = (unsigned char)(class >> 8);
	msg[at++] = (unsigned char)class;
	memset(msg + at, 0, 4);		/* TTL */
	at += 4;
	msg[at++] = (unsigned char)(rdlen >> 8);
	msg[at++] = (unsigned char)rdlen;
	memcpy(msg + at, rdata, rdlen);
	return at + rdlen;
}

static const char *
read_as(const unsigned char *msg, size_t len, const unsigned char *q,
    size_t qlen, struct dns_record *rec)
{
	return answer_names[dns_answer_read(msg, len, q, qlen, rec)];
}

static void
test_names(void)
{
	char long_label[70], long_name[300];

	ok(dns_name_plain("a.test"), "letters and a dot");
	ok(dns_name_plain("A-1_x.test."), "hyphens, digits, an underscore, a last dot");
	ok(!dns_name_plain(""), "not the empty name");
	ok(!dns_name_plain("."), "not the root alone");
	ok(!dns_name_plain("a..test"), "not an empty label");
	ok(!dns_name_plain(".a"), "not a leading dot");
	ok(!dns_name_plain("a.test.."), "not two last dots");
	ok(!dns_name_plain("caf\xc3\xa9.test"), "not a UTF-8 name (IDNA's)");
	ok(!dns_name_plain("a b"), "not a blank");
	ok(!dns_name_plain("a\\.b"), "not an escape");
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	ok(!dns_name_plain(long_label), "not a label of 64 bytes");
	long_label[63] = '\0';
	ok(dns_name_plain(long_label), "a label of 63 bytes");
	memset(long_name, 'a', 254);
	for (size_t i = 1; i < 254; i += 2)
		long_name[i] = '.';
	long_name[253] = '\0';
	ok(dns_name_plain(long_name), "a name of 253 bytes");
	long_name[253] = 'a';
	long_name[254] = '\0';
	ok(!dns_name_plain(long_name), "not one of 254");
}

static void
test_query(void)
{
	static const unsigned char want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 4, 't', 'e', 's', 't', 0, 0, 28, 0, 1,
	};
	unsigned char buf[DNS_QUERY_MAX];
	size_t len;

	len = dns_query(buf, 0x1234, "a.test", DNS_TYPE_AAAA);
	ok(len == sizeof(want) && memcmp(buf, want, len) == 0,
	    "an AAAA query: id, recursion desired, one question, no EDNS");
	len = dns_query(buf, 0x1234, "a.test.", DNS_TYPE_AAAA);
	ok(len == sizeof(want) && memcmp(buf, want, len) == 0,
	    "a last dot asks for the same name");
	ok(dns_answer_id(buf, len) == 0x1234, "the id read back");
	ok(dns_answer_id(buf, 11) == -1, "no id in 11 bytes");
}

static void
test_answers(void)
{
	static const unsigned char v4[] = { 192, 0, 2, 1 };
	static const unsigned char other_owner[] = { 1, 'b', 4, 't', 'e', 's', 't', 0 };
	static const unsigned char upper_owner[] = { 1, 'A', 4, 'T', 'E', 'S', 'T', 0 };
	unsigned char q[DNS_QUERY_MAX], msg[512];
	struct dns_record rec;
	unsigned char loop[] = { 0xc0, 0 };
	size_t qlen, len;

	qlen = dns_query(q, 7, "a.test", DNS_TYPE_A);
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "address", "one A record");
	ok(memcmp(rec.addr, v4, 4) == 0, "its address");
	is_str(read_as(msg, len - 1, q, qlen, &rec), "odd",
	    "its address cut short");

	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, upper_owner, sizeof(upper_owner), DNS_TYPE_A,
	    1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "address",
	    "the owner in other case");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, other_owner, sizeof(other_owner), DNS_TYPE_A,
	    1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "another owner");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, 5, 1, other_owner, sizeof(other_owner));
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "a CNAME");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 3, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "another class");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, 3);
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "an A of 3 bytes");
	len = answer_start(msg, q, qlen, 0x8180, 2);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "two addresses: getaddrinfo sorts them");

	len = answer_start(msg, q, qlen, 0x8183, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "nxdomain", "NXDOMAIN");
	len = answer_start(msg, q, qlen, 0x8183, 1);
	len = record(msg, len, NULL, 0, 5, 1, other_owner, sizeof(other_owner));
	is_str(read_as(msg, len, q, qlen, &rec), "nxdomain",
	    "NXDOMAIN after a CNAME");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "nodata", "no record");
	len = answer_start(msg, q, qlen, 0x8182, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "servfail", "SERVFAIL");
	len = answer_start(msg, q, qlen, 0x8185, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "REFUSED");
	len = answer_start(msg, q, qlen, 0x8380, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "truncated");
	len = answer_start(msg, q, qlen, 0x9180, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "another opcode");

	len = answer_start(msg, q, qlen, 0x0100, 0);
	is_str(read_as(msg, len, q, qlen, &rec), "mismatch", "a query, not an answer");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[1] = 8;
	is_str(read_as(msg, len, q, qlen, &rec), "mismatch", "another id");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[13] = 'b';
	is_str(read_as(msg, len, q, qlen, &rec), "mismatch", "another name");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[13] = 'A';
	is_str(read_as(msg, len, q, qlen, &rec), "nodata",
	    "the name in other case (0x20)");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[qlen - 3] = 28;
	is_str(read_as(msg, len, q, qlen, &rec), "mismatch", "another type");
	(void)answer_start(msg, q, qlen, 0x8180, 0);
	is_str(read_as(msg, qlen - 1, q, qlen, &rec), "mismatch",
	    "the question cut short");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[5] = 2;
	is_str(read_as(msg, len, q, qlen, &rec), "mismatch", "two questions");

	len = answer_start(msg, q, qlen, 0x8180, 1);
	loop[1] = (unsigned char)len;		/* a pointer to itself */
	len = record(msg, len, loop, sizeof(loop), DNS_TYPE_A, 1, v4,
	    sizeof(v4));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "an owner that points at itself ends");
}

static void
test_reverse(void)
{
	static const unsigned char v4[] = { 192, 0, 2, 10 };
	static const unsigned char v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0xab };
	char buf[DNS_REVERSE_TEXT];

	dns_reverse_name(buf, AF_INET, v4);
	is_str(buf, "10.2.0.192.in-addr.arpa", "an IPv4 address's reverse name");
	dns_reverse_name(buf, AF_INET6, v6);
	is_str(buf, "b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "8.b.d.0.1.0.0.2.ip6.arpa", "an IPv6 address's: nibbles, lowest first");
	ok(strlen(buf) + 1 == DNS_REVERSE_TEXT, "the longest there is");
}

static void
test_ptr(void)
{
	/* a.test; b-1 and a pointer to the question's "arpa", at 31 */
	static const unsigned char target[] = { 1, 'a', 4, 't', 'e', 's', 't', 0 };
	static const unsigned char packed[] = { 3, 'b', '-', '1', 0xc0, 31 };
	static const unsigned char odd_byte[] = { 3, 'a', '.', 'b', 0 };
	static const unsigned char root[] = { 0 };
	static const unsigned char trailing[] = { 1, 'a', 0, 0 };
	unsigned char q[DNS_QUERY_MAX], msg[512], upper[sizeof(target)];
	unsigned char long_name[256];
	struct dns_record rec;
	size_t qlen, len;

	qlen = dns_query(q, 9, "10.2.0.192.in-addr.arpa", DNS_TYPE_PTR);
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, target, sizeof(target));
	is_str(read_as(msg, len, q, qlen, &rec), "name", "one PTR record");
	is_str(rec.name, "a.test", "its name, without the last dot");
	memcpy(upper, target, sizeof(target));
	upper[1] = 'A';
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, upper, sizeof(upper));
	is_str(read_as(msg, len, q, qlen, &rec), "name", "a name in capitals");
	is_str(rec.name, "A.test", "kept as the server wrote it");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, packed, sizeof(packed));
	is_str(read_as(msg, len, q, qlen, &rec), "name", "a compressed name");
	is_str(rec.name, "b-1.arpa", "read through its pointer");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, odd_byte,
	    sizeof(odd_byte));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "a dot inside a label: glibc escapes it");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, root, sizeof(root));
	is_str(read_as(msg, len, q, qlen, &rec), "odd", "the root");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, trailing,
	    sizeof(trailing));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "a byte after the name in its record");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, target,
	    sizeof(target) - 1);
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "a name cut short by its record");
	/* three labels of 63 and one of 62: 254 bytes of text, one too many */
	memset(long_name, 'a', sizeof(long_name));
	long_name[0] = long_name[64] = long_name[128] = 63;
	long_name[192] = 62;
	long_name[255] = 0;
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, long_name,
	    sizeof(long_name));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "a name of 254 bytes of text, where it may not fit");
	len = answer_start(msg, q, qlen, 0x8180, 2);
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, target, sizeof(target));
	len = record(msg, len, NULL, 0, DNS_TYPE_PTR, 1, target, sizeof(target));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "two PTR records: the C library's to choose");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, 5, 1, target, sizeof(target));
	is_str(read_as(msg, len, q, qlen, &rec), "odd",
	    "a CNAME (RFC 2317's delegation)");
}

int
main(void)
{
	test_names();
	test_query();
	test_answers();
	test_reverse();
	test_ptr();
	return tap_done();
}
