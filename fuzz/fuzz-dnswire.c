/*
 * dns_answer_read: any bytes as the answer to a query for a.test (A,
 * AAAA and PTR, with the bytes' own id), never read past them; an
 * address or a name only from a NOERROR answer of exactly one record,
 * the address bytes of it, the name a plain one; nothing but a mismatch
 * from a message shorter than the question.
 */
#include "dnswire.h"
#include "fuzz.h"

static void
check(const uint8_t *data, size_t size, uint16_t type)
{
	unsigned char query[DNS_QUERY_MAX];
	struct dns_record rec;
	size_t qlen, alen = type == DNS_TYPE_A ? 4 : 16;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	enum dns_answer a;

	qlen = dns_query(query, id, "a.test", type);
	a = dns_answer_read(data, size, query, qlen, &rec);
	FUZZ_CHECK(a >= DNS_MISMATCH && a <= DNS_ODD);
	FUZZ_CHECK(a == DNS_MISMATCH || size >= qlen);
	FUZZ_CHECK(a != DNS_ADDRESS || type != DNS_TYPE_PTR);
	FUZZ_CHECK(a != DNS_NAME || type == DNS_TYPE_PTR);
	if (a == DNS_ADDRESS || a == DNS_NAME)
		FUZZ_CHECK(data[6] == 0 && data[7] == 1 &&
		    (data[3] & 0xf) == 0);
	if (a == DNS_ADDRESS)
		FUZZ_CHECK(memmem(data, size, rec.addr, alen) != NULL);
	if (a == DNS_NAME)
		FUZZ_CHECK(dns_name_plain(rec.name) &&
		    rec.name[strlen(rec.name) - 1] != '.');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, DNS_TYPE_A);
	check(data, size, DNS_TYPE_AAAA);
	check(data, size, DNS_TYPE_PTR);
	FUZZ_CHECK(dns_answer_id(data, size) == (size < 12 ? -1 :
	    data[0] << 8 | data[1]));
	return 0;
}
