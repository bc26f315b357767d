/*
 * parse_ip: an accepted address prints (inet_ntop) and parses back to
 * itself; IPv4 is only the strict dotted quad (no inet_aton forms such
 * as 127.1 or 0x7f.0.0.1); nothing with brackets, a scope or a blank.
 */
#include <arpa/inet.h>

#include "fuzz.h"
#include "parse.h"

/* Four decimal parts 0 to 255 without leading zeros, by dots. */
static int
dotted_quad(const char *s)
{
	int part, digits, value;

	for (part = 0; part < 4; part++) {
		if (part > 0 && *s++ != '.')
			return 0;
		for (digits = value = 0; fuzz_is_digit(*s); s++, digits++)
			if (digits < 3)
				value = value * 10 + (*s - '0');
		if (digits == 0 || digits > 3 || value > 255 ||
		    (digits > 1 && s[-digits] == '0'))
			return 0;
	}
	return *s == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), text[INET6_ADDRSTRLEN];
	struct ip_address ip, again;
	const char *errstr = NULL;

	memset(&ip, 0, sizeof(ip));
	if (parse_ip(s, &ip, &errstr) == -1) {
		FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
		FUZZ_CHECK(!dotted_quad(s));
		free(s);
		return 0;
	}
	FUZZ_CHECK(ip.family == AF_INET || ip.family == AF_INET6);
	FUZZ_CHECK(ip_address_len(&ip) == (ip.family == AF_INET ? 4 : 16));
	FUZZ_CHECK((ip.family == AF_INET) == dotted_quad(s));
	FUZZ_CHECK(strpbrk(s, "[]% \t\n/") == NULL);
	FUZZ_CHECK(inet_ntop(ip.family, &ip.u, text, sizeof(text)) != NULL);
	memset(&again, 0, sizeof(again));
	FUZZ_CHECK(parse_ip(text, &again, &errstr) == 0);
	FUZZ_CHECK(again.family == ip.family &&
	    memcmp(&again.u, &ip.u, ip_address_len(&ip)) == 0);
	free(s);
	return 0;
}
