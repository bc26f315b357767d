/*
 * Pure core.  What -4 and -6 mean, the same in every tool of the suite:
 * -4 alone IPv4, -6 alone IPv6, both together both families, in the
 * order the resolver gives (RFC 6724 and gai.conf), and neither the
 * tool's own default.
 */
#ifndef SOCKUTILS_FAMILY_H
#define SOCKUTILS_FAMILY_H

#include <stdbool.h>

/* The family to ask for: AF_INET, AF_INET6, AF_UNSPEC, or neither. */
int	family_wanted(bool want4, bool want6, int neither);

#endif
