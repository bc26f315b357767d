/*
 * Pure core.  The endpoints a user named, resolved and connected to:
 * many at once, within one timeout and one --wait, each ending with a
 * connected socket or the exit status and the reason it failed (what
 * report.h prints).
 */
#ifndef SOCKUTILS_TARGET_H
#define SOCKUTILS_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"
#include "dial.h"
#include "unix.h"

struct target {
	struct endpoint	 ep;			/* in */
	char		*name;			/* in: endpoint_string(&ep) */
	struct unix_addr un;			/* in: ep.path's address */
	int		 fd;			/* out: connected, or -1 */
	char		 address[ADDRSTR_MAX];	/* out: the address connected to */
	int		 status;		/* out: exit status, 0 if connected */
	const char	*step;			/* out: the call that failed, NULL
						   when the lookup did */
	const char	*reason;		/* out: why, or NULL */
	int		 error;			/* out: errno of a failed dial */
	bool		 waited_out;		/* out: --wait passed first */
	long long	 ms;			/* out: connecting took */
};

/*
 * Resolves the hosts of the n targets for family (at once, within
 * o->timeout_ms and o->wait_ms) and connects to each (to its un, for a
 * Unix path) with dial_all,
 * all within o->wait_ms if that is set.  A target that fails gets its
 * exit status, step and reason.
 */
void	connect_targets(struct target *v, size_t n, int family,
	    const struct dial_options *o);

#endif
