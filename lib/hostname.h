/*
 * Reporting layer, with one user, tools/hostname.c.  The host name, and
 * what the resolver and the interfaces say of it (selfname.h, its pure
 * core), printed byte for byte as Debian's hostname(1) 3.23 prints it, one
 * function per flag, so that scripts written for it read the same.
 * Each writes to f and returns an exit status: 0, or EX_* after a
 * message "hostname: what: why" on stderr.
 */
#ifndef SOCKUTILS_HOSTNAME_H
#define SOCKUTILS_HOSTNAME_H

#include <stdio.h>

/* The name as gethostname gives it (no flag). */
int	hostname_show(FILE *f);

/* The name up to its first dot (-s). */
int	hostname_show_short(FILE *f);

/* Its canonical name, from getaddrinfo with AI_CANONNAME (-f). */
int	hostname_show_fqdn(FILE *f);

/* The canonical name after its first dot; nothing at all without one (-d). */
int	hostname_show_domain(FILE *f);

/* Its addresses in getaddrinfo's order, separated by spaces (-i). */
int	hostname_show_addresses(FILE *f);

/* Its aliases as gethostbyname gives them, separated by spaces (-a). */
int	hostname_show_aliases(FILE *f);

/*
 * The IPv4 and IPv6 addresses of the interfaces that are up, except
 * loopback ones and IPv6 link-local ones, each followed by a space (-I).
 */
int	hostname_show_interface_addresses(FILE *f);

/* The name of each of those addresses that has one, the same way (-A). */
int	hostname_show_interface_names(FILE *f);

#endif
