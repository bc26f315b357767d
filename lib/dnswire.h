/*
 * Pure core, prints nothing.  The DNS messages of lib/stub.c: an A or
 * AAAA query for a name, or a PTR query for an address's name, as
 * glibc's stub resolver writes it (recursion desired, no EDNS), and what
 * its answer says, in the few shapes whose meaning to getaddrinfo or
 * gethostbyaddr is plain; every other shape is DNS_ODD, which the caller
 * leaves to the C library itself.
 */
#ifndef SOCKUTILS_DNSWIRE_H
#define SOCKUTILS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A query's largest size: the header, a name of 255 bytes, its type and class. */
#define DNS_QUERY_MAX	(12 + 255 + 4)

#define DNS_TYPE_A	1
#define DNS_TYPE_PTR	12
#define DNS_TYPE_AAAA	28

/* A name's text: 253 bytes at most without the last dot, and a NUL. */
#define DNS_NAME_TEXT	254
/* An IPv6 address's reverse name: 32 nibbles and their dots, "ip6.arpa". */
#define DNS_REVERSE_TEXT	(64 + 8 + 1)

/*
 * Whether the stub may ask for name: ASCII letters, digits, hyphens and
 * underscores in labels of 1 to 63 bytes, 253 at most in all, maybe
 * ending in a dot.  Other names are getaddrinfo's alone (IDNA, escapes,
 * numeric forms).
 */
bool	dns_name_plain(const char *name);

/*
 * Writes the query for name (dns_name_plain) of type with id into
 * buf (DNS_QUERY_MAX bytes); returns its length.
 */
size_t	dns_query(unsigned char *buf, uint16_t id, const char *name,
	    uint16_t type);

/*
 * The name whose PTR record names addr (4 bytes for AF_INET, 16 for
 * AF_INET6) into buf, as glibc writes it: "d.c.b.a.in-addr.arpa", or
 * the nibbles, lowest first, and "ip6.arpa".
 */
void	dns_reverse_name(char buf[DNS_REVERSE_TEXT], int family,
	    const unsigned char *addr);

/* The answer's id, or -1 if msg is too short to be one. */
int	dns_answer_id(const unsigned char *msg, size_t len);

enum dns_answer {
	DNS_MISMATCH,	/* not the answer to this query: ignore it */
	DNS_ADDRESS,	/* exactly one record, the address asked for */
	DNS_NAME,	/* exactly one record, the PTR asked for, its target
			   a plain name (dns_name_plain, no last dot) */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_NODATA,	/* the name exists, with no record at all */
	DNS_SERVFAIL,	/* the server failed, for now */
	DNS_ODD,	/* anything else: getaddrinfo's to judge */
};

/* What a DNS_ADDRESS or DNS_NAME answer holds. */
struct dns_record {
	unsigned char	addr[16];		/* 4 or 16 bytes */
	char		name[DNS_NAME_TEXT];
};

/*
 * What msg, an answer to query (of qlen bytes), says, with what its one
 * record holds in rec.
 */
enum dns_answer dns_answer_read(const unsigned char *msg, size_t len,
	    const unsigned char *query, size_t qlen, struct dns_record *rec);

#endif
