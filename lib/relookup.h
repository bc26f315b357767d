/*
 * Pure core.  --wait for names: the names whose lookup failed for now
 * (a DNS server failing or silent, as one still starting up is) looked
 * up again, on the dialer's backoff, until the wait is over.
 */
#ifndef SOCKUTILS_RELOOKUP_H
#define SOCKUTILS_RELOOKUP_H

#include <stddef.h>

#include "resolve.h"

/*
 * Looks the n lookups of lk that failed for now up again for family,
 * each time within timeout_ms (NO_LIMIT: no bound of its own) and never
 * past wait_ms after start, until they are answered or the wait is
 * over.  The last answer of each stands.
 */
void	relookup(struct lookup *lk, size_t n, int family,
	    long long timeout_ms, long long wait_ms, long long start);

/*
 * How long the lookup started at now may take: timeout_ms (NO_LIMIT: no
 * bound of its own), and never past end; 0 once end has passed.
 */
long long relookup_bound(long long timeout_ms, long long end, long long now);

#endif
