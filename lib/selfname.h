/*
 * Pure core.  The host's own name, and how Debian's hostname(1) asks
 * the resolver and the interfaces about it, for hostname.h to print.
 */
#ifndef SOCKUTILS_SELFNAME_H
#define SOCKUTILS_SELFNAME_H

#include <ifaddrs.h>
#include <limits.h>
#include <netdb.h>
#include <stdbool.h>

/* Linux names are at most 64 bytes (HOST_NAME_MAX). */
#define SELFNAME_SIZE	(HOST_NAME_MAX + 1)

/* gethostname into name, always ended; returns 0, or -1 with errno. */
int	selfname_get(char name[SELFNAME_SIZE]);

/*
 * getaddrinfo of name asked as Debian asks it (any family, datagram
 * sockets, AI_CANONNAME), so that the canonical name and the order of
 * the addresses are the same; no IDNA and no deduplication, which
 * Debian does not do either.  Returns getaddrinfo's value.
 */
int	selfname_lookup(const char *name, struct addrinfo **res);

/* The canonical name of res (glibc always sets it), or else name. */
const char *selfname_canonical(const struct addrinfo *res, const char *name);

/*
 * Whether -I and -A show the interface address ifa: IPv4 and IPv6 of an
 * interface that is up, not loopback, not IPv6 link-local.
 */
bool	selfname_interface_shown(const struct ifaddrs *ifa);

#endif
