/*
 * bind_address, for each family and a few ports: an accepted address
 * has the asked family and port, takes the same strict forms as
 * parse_ip (plus an IPv6 scope), and prints (sockaddr_host) and parses
 * back to the same socket address; parse_ip's addresses are accepted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "address.h"
#include "fuzz.h"
#include "listen.h"
#include "parse.h"

static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
static const unsigned short ports[] = { 0, 1, 65535 };

/* The host part of a socket address, for comparison. */
static const void *
host_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET6) {
		*len = sizeof(struct in6_addr);
		return &((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
	*len = sizeof(struct in_addr);
	return &((const struct sockaddr_in *)ss)->sin_addr;
}

static void
check(const char *addr, int family, unsigned short port)
{
	struct sockaddr_storage ss, again;
	struct ip_address ip;
	char text[ADDRSTR_MAX], *host;
	const char *errstr = NULL, *iperr;
	const void *bytes;
	size_t len;
	int rc, strict;

	memset(&ip, 0, sizeof(ip));
	strict = addr != NULL && parse_ip(addr, &ip, &iperr) == 0 &&
	    (family == AF_UNSPEC || family == ip.family);
	rc = bind_address(addr, family, port, &ss, &errstr);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
		FUZZ_CHECK(!strict);
		return;
	}
	FUZZ_CHECK(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
	FUZZ_CHECK(family == AF_UNSPEC || ss.ss_family == family);
	FUZZ_CHECK(sockaddr_port((struct sockaddr *)&ss) == port);
	bytes = host_bytes(&ss, &len);
	if (addr == NULL) {
		FUZZ_CHECK(strcmp(sockaddr_host((struct sockaddr *)&ss,
		    text), family == AF_INET6 ? "::1" : "127.0.0.1") == 0);
		return;
	}
	/* the address without its scope ("fe80::1%lo") is strict */
	if ((host = strdup(addr)) == NULL)
		abort();
	if (ss.ss_family == AF_INET6)
		host[strcspn(host, "%")] = '\0';
	FUZZ_CHECK(parse_ip(host, &ip, &iperr) == 0);
	FUZZ_CHECK(ip.family == ss.ss_family &&
	    memcmp(&ip.u, bytes, len) == 0);
	free(host);
	/* printed and parsed again, the same socket address */
	sockaddr_host((struct sockaddr *)&ss, text);
	FUZZ_CHECK(bind_address(text, family, port, &again, &errstr) == 0);
	FUZZ_CHECK(memcmp(&ss, &again,
	    sockaddr_len((struct sockaddr *)&ss)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	size_t f, p;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (p = 0; p < sizeof(ports) / sizeof(ports[0]); p++)
			check(s, families[f], ports[p]);
	if (size == 0)
		for (f = 0; f < sizeof(families) / sizeof(families[0]); f++)
			check(NULL, families[f], 8080);
	free(s);
	return 0;
}
