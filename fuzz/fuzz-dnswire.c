/*
 * dns_answer_read: any bytes as the answer to a query for a.test (A and
 * AAAA, with the bytes' own id), never read past them; an address only
 * from a NOERROR answer of exactly one record, and bytes of it; nothing
 * but a mismatch from a message shorter than the question.
 */
#include "dnswire.h"
#include "fuzz.h"

static void
check(const uint8_t *data, size_t size, uint16_t type)
{
	unsigned char query[DNS_QUERY_MAX], addr[16];
	size_t qlen, alen = type == DNS_TYPE_A ? 4 : 16;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	enum dns_answer a;

	qlen = dns_query(query, id, "a.test", type);
	a = dns_answer_read(data, size, query, qlen, addr);
	FUZZ_CHECK(a >= DNS_MISMATCH && a <= DNS_ODD);
	FUZZ_CHECK(a == DNS_MISMATCH || size >= qlen);
	if (a == DNS_ADDRESS)
		FUZZ_CHECK(data[6] == 0 && data[7] == 1 &&
		    (data[3] & 0xf) == 0 && memmem(data, size, addr, alen) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, DNS_TYPE_A);
	check(data, size, DNS_TYPE_AAAA);
	FUZZ_CHECK(dns_answer_id(data, size) == (size < 12 ? -1 :
	    data[0] << 8 | data[1]));
	return 0;
}
