/*
 * Pure core.  Parsers for what users type: numbers, ports, durations,
 * host names and address literals.  Each returns 0 on success, or -1
 * with *errstr set to a short reason ("too large", "invalid") for the
 * message "tool: WHAT VALUE: REASON".
 */
#ifndef SOCKUTILS_PARSE_H
#define SOCKUTILS_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>

/* A decimal number from lo to hi: digits only, no sign, no spaces. */
int	parse_number(const char *s, long long lo, long long hi,
	    long long *value, const char **errstr);

/*
 * Whether s is written as a number, perhaps a negative one: a digit, or
 * '-' and a digit (a service name never starts so; a port always does).
 */
bool	looks_numeric(const char *s);

/* The largest port: 16 bits in TCP and UDP headers. */
#define PORT_MAX	65535

/*
 * A port: a number from (allow_zero ? 0 : 1) to PORT_MAX, or a service
 * name known for protocol proto ("tcp", "udp"), looked up in services.
 */
int	parse_port(const char *s, const char *proto, bool allow_zero,
	    unsigned short *port, const char **errstr);

/*
 * A duration in seconds, with up to three decimals ("2", "0.25"), at
 * least min_ms and at most 100000 s (a day and a bit), or "inf" for
 * none (NO_LIMIT, timing.h); the result in milliseconds.
 */
int	parse_duration(const char *s, long long min_ms, long long *ms,
	    const char **errstr);


/* File permissions in octal, 0 to 0777 ("0660", "660"): --mode. */
int	parse_mode(const char *s, unsigned int *mode, const char **errstr);

/* A host name DNS can carry: 1 to 253 bytes, labels 1 to 63 bytes. */
int	check_hostname(const char *s, const char **errstr);

/* A numeric IPv4 or IPv6 address, strictly (inet_pton). */
struct ip_address {
	int	family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
};

int	parse_ip(const char *s, struct ip_address *ip, const char **errstr);

/* Size of the address in ip, for gethostbyaddr and friends. */
unsigned int ip_address_len(const struct ip_address *ip);

#endif
