/*
 * Pure core.  The endpoints a user named, resolved and connected to:
 * many at once, within one timeout and one --wait, each ending with a
 * connection or the exit status and the reason it failed (what report.h
 * prints), handed on one at a time in the order they were named.
 */
#ifndef SOCKUTILS_TARGET_H
#define SOCKUTILS_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "address.h"
#include "dial.h"
#include "portlist.h"
#include "unix.h"

/*
 * A HOST and the ports a user named there, each a target of its own;
 * or (host NULL) a Unix socket path, one target.
 */
struct target_spec {
	const char		*host;
	struct port_list	 ports;
	const char		*path;
	struct unix_addr	 un;		/* path's address */
	struct addrinfo		*res;		/* host's addresses, looked up
						   once (target_spec_resolve),
						   or NULL: at each dial */
};

/* One HOST PORT, checked or connected to. */
struct target {
	struct endpoint	 ep;
	const char	*name;			/* endpoint_string(&ep), while
						   the callback runs */
	const struct unix_addr *un;		/* ep.path's address */
	bool		 open;			/* it accepted a connection */
	int		 fd;			/* connected, or -1 (check_only) */
	char		 address[ADDRSTR_MAX];	/* the address connected to */
	char		 local[ENDPOINT_MAX];	/* our end of that connection */
	int		 status;		/* exit status, 0 if open */
	enum step	 step;			/* the call that failed,
						   STEP_NONE when the lookup did */
	const char	*reason;		/* why, or NULL */
	int		 error;			/* errno of a failed dial */
	bool		 waited_out;		/* --wait passed first */
	long long	 ms;			/* its lookup and connecting took */
};

typedef void target_fn(const struct target *t, void *ctx);

/*
 * Resolves the hosts of the n specs for family (each name once, all
 * at once, within o->timeout_ms and o->wait_ms) and connects to each
 * of their ports with dial_stream, all within o->wait_ms if that is
 * set.  Each target goes to checked(t, ctx) as soon as it and those
 * before it are over, in the order of the specs and their ports: open
 * (t->fd its socket unless o->check_only, the callee's), or failed with
 * its exit status, step and reason.
 */
void	connect_targets(const struct target_spec *v, size_t n, int family,
	    const struct dial_options *o, target_fn *checked, void *ctx);

/*
 * connect_targets for a caller with a poll loop of its own: the lookups
 * are made here (on lib/pool.h's threads, within o->timeout_ms, or the
 * wait's), the dials are left to target_dialer's steps (dial.h), each
 * target handed to checked as the dialer hands its dial back.  NULL
 * without memory.  target_dial_free ends what is not over.
 */
struct target_dial;

struct target_dial *target_dial_new(const struct target_spec *v, size_t n,
	    int family, const struct dial_options *o, target_fn *checked,
	    void *ctx);
struct dialer *target_dialer(struct target_dial *td);
void	target_dial_free(struct target_dial *td);

/*
 * Looks spec's host up now, for family, within o->timeout_ms, so that
 * its dials take these addresses with no lookup of their own (a server
 * dials in a poll loop that a lookup would hold up).  Returns 0, or
 * the lookup's exit status with *t saying why (report.h's target_warn).
 * A Unix path has nothing to look up.  target_spec_free frees them.
 */
int	target_spec_resolve(struct target_spec *spec, int family,
	    const struct dial_options *o, struct target *t);

#endif
