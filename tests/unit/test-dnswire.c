#include <stdio.h>
#include <string.h>

#include "dnswire.h"
#include "tap.h"

static const char *const answer_names[] = {
	"mismatch", "address", "nxdomain", "nodata", "servfail", "odd",
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
    size_t qlen, unsigned char addr[16])
{
	return answer_names[dns_answer_read(msg, len, q, qlen, addr)];
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
	unsigned char q[DNS_QUERY_MAX], msg[512], addr[16];
	unsigned char loop[] = { 0xc0, 0 };
	size_t qlen, len;

	qlen = dns_query(q, 7, "a.test", DNS_TYPE_A);
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "address", "one A record");
	ok(memcmp(addr, v4, 4) == 0, "its address");
	is_str(read_as(msg, len - 1, q, qlen, addr), "odd",
	    "its address cut short");

	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, upper_owner, sizeof(upper_owner), DNS_TYPE_A,
	    1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "address",
	    "the owner in other case");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, other_owner, sizeof(other_owner), DNS_TYPE_A,
	    1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "odd", "another owner");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, 5, 1, other_owner, sizeof(other_owner));
	is_str(read_as(msg, len, q, qlen, addr), "odd", "a CNAME");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 3, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "odd", "another class");
	len = answer_start(msg, q, qlen, 0x8180, 1);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, 3);
	is_str(read_as(msg, len, q, qlen, addr), "odd", "an A of 3 bytes");
	len = answer_start(msg, q, qlen, 0x8180, 2);
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	len = record(msg, len, NULL, 0, DNS_TYPE_A, 1, v4, sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "odd",
	    "two addresses: getaddrinfo sorts them");

	len = answer_start(msg, q, qlen, 0x8183, 0);
	is_str(read_as(msg, len, q, qlen, addr), "nxdomain", "NXDOMAIN");
	len = answer_start(msg, q, qlen, 0x8183, 1);
	len = record(msg, len, NULL, 0, 5, 1, other_owner, sizeof(other_owner));
	is_str(read_as(msg, len, q, qlen, addr), "nxdomain",
	    "NXDOMAIN after a CNAME");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	is_str(read_as(msg, len, q, qlen, addr), "nodata", "no record");
	len = answer_start(msg, q, qlen, 0x8182, 0);
	is_str(read_as(msg, len, q, qlen, addr), "servfail", "SERVFAIL");
	len = answer_start(msg, q, qlen, 0x8185, 0);
	is_str(read_as(msg, len, q, qlen, addr), "odd", "REFUSED");
	len = answer_start(msg, q, qlen, 0x8380, 0);
	is_str(read_as(msg, len, q, qlen, addr), "odd", "truncated");
	len = answer_start(msg, q, qlen, 0x9180, 0);
	is_str(read_as(msg, len, q, qlen, addr), "odd", "another opcode");

	len = answer_start(msg, q, qlen, 0x0100, 0);
	is_str(read_as(msg, len, q, qlen, addr), "mismatch", "a query, not an answer");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[1] = 8;
	is_str(read_as(msg, len, q, qlen, addr), "mismatch", "another id");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[13] = 'b';
	is_str(read_as(msg, len, q, qlen, addr), "mismatch", "another name");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[13] = 'A';
	is_str(read_as(msg, len, q, qlen, addr), "nodata",
	    "the name in other case (0x20)");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[qlen - 3] = 28;
	is_str(read_as(msg, len, q, qlen, addr), "mismatch", "another type");
	(void)answer_start(msg, q, qlen, 0x8180, 0);
	is_str(read_as(msg, qlen - 1, q, qlen, addr), "mismatch",
	    "the question cut short");
	len = answer_start(msg, q, qlen, 0x8180, 0);
	msg[5] = 2;
	is_str(read_as(msg, len, q, qlen, addr), "mismatch", "two questions");

	len = answer_start(msg, q, qlen, 0x8180, 1);
	loop[1] = (unsigned char)len;		/* a pointer to itself */
	len = record(msg, len, loop, sizeof(loop), DNS_TYPE_A, 1, v4,
	    sizeof(v4));
	is_str(read_as(msg, len, q, qlen, addr), "odd",
	    "an owner that points at itself ends");
}

int
main(void)
{
	test_names();
	test_query();
	test_answers();
	return tap_done();
}
