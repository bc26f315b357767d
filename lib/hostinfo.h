/*
 * Pure core.  A host's name, aliases and addresses, as the gethostby*_r
 * family gives them (Python's gethostbyname_ex and gethostbyaddr
 * triple).
 */
#ifndef SOCKUTILS_HOSTINFO_H
#define SOCKUTILS_HOSTINFO_H

#include <netdb.h>
#include <stdio.h>

#include "parse.h"

struct hostinfo {
	struct hostent	 he;
	char		*buf;	/* the storage he points into */
	size_t		 size;
};

/*
 * Look up name for family, and a non-ASCII name not found as written
 * in its IDNA form; returns 0, or an h_errno value.
 */
int	hostinfo_byname(struct hostinfo *hi, const char *name, int family);

/* Look up the names of ip; returns 0, or an h_errno value. */
int	hostinfo_byaddr(struct hostinfo *hi, const struct ip_address *ip);

/*
 * What hostinfo_byaddr gives for ip when the DNS names it name (glibc's
 * hostent: the name, no alias, ip): 0, or an h_errno value.
 */
int	hostinfo_named(struct hostinfo *hi, const char *name,
	    const struct ip_address *ip);

void	hostinfo_free(struct hostinfo *hi);

/*
 * Lines "name N", "alias A"..., "address X"...: the addresses of hi,
 * or, when res is not NULL, those of res instead (of both families,
 * each once, in the resolver's order).
 */
void	hostinfo_print_text(FILE *f, const struct hostinfo *hi,
	    const struct addrinfo *res);

/*
 * {"name":N,"aliases":[...],"addresses":[...]} and a newline, the
 * addresses as hostinfo_print_text takes them.
 */
void	hostinfo_print_json(FILE *f, const struct hostinfo *hi,
	    const struct addrinfo *res);

#endif
