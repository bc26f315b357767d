/*
 * Pure core, returns errors, prints nothing.  Name to addresses:
 * getaddrinfo with internationalized names, and many names looked up at
 * once, as they come, each by its deadline.
 */
#ifndef SOCKUTILS_RESOLVE_H
#define SOCKUTILS_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

#include "hostinfo.h"
#include "timing.h"

/*
 * getaddrinfo(name, service) for family and socktype, with flags.  A
 * name with non-ASCII bytes that is not found as written (a UTF-8 name
 * in the hosts file is) is tried again in its IDNA ("xn--") form.
 * Returns 0 or an EAI_* code; *res is deduplicated.
 */
int	resolve_host(const char *name, const char *service, int family,
	    int socktype, int flags, struct addrinfo **res);

struct lookup {
	const char	*name;		/* in: a host name, or an address */
	const char	*invalid;	/* in: why name is not looked up */
	struct addrinfo	*res;		/* out, by name: for the caller to free */
	struct hostinfo	 hi;		/* out, by address: its names */
	int		 gai_error;	/* out, by name: 0 or EAI_* */
	int		 herr;		/* out, by address: 0 or h_errno */
	int		 sys_errno;	/* out: errno for EAI_SYSTEM, NETDB_INTERNAL */
	bool		 by_address;	/* name is an address, for its names */
	bool		 timed_out;	/* out: the deadline passed first */
};

typedef void lookup_done_fn(struct lookup *l, void *ctx);

/* How a stream of lookups goes. */
struct lookup_options {
	int	family;		/* by name: the addresses' (stream sockets) */
	bool	by_address;	/* the names are addresses (gethostbyaddr) */
	bool	in_order;	/* reported in input order, not as answered */
	/*
	 * --wait: a name that does not exist (yet) is looked up again too,
	 * until its deadline, and without a deadline for ever.
	 */
	bool	wait;
};

/*
 * Without a deadline and without wait, a name is looked up until this
 * many lookups have failed for now (those given up as lost not counted).
 */
#define LOOKUP_TRIES	3

struct resolve_stream;

/*
 * Looks names up as they are added, on the bounded pool of lib/pool.h,
 * and calls done(l, ctx) for each, one at a time from one thread, as
 * soon as it and all before it are answered, or without o->in_order as
 * soon as it is.  A temporary failure (75) is looked up again while the
 * name's deadline leaves time (LOOKUP_TRIES failures without one), the
 * pool's window shrinking; with o->wait, a name that does not exist
 * (68) too.  done owns l->res and l->hi.  NULL with errno set.
 */
struct resolve_stream *resolve_stream_new(const struct lookup_options *o,
	    lookup_done_fn *done, void *ctx);

/*
 * Adds name (copied), not looked up if invalid says why (nor if it is
 * no address, by address), to be answered by dl; waits while the
 * window is full.  Returns 0, or -1 with errno when out of memory.
 */
int	resolve_stream_add(struct resolve_stream *rs, const char *name,
	    const char *invalid, const struct deadline *dl);

/* Waits until every name added is reported, then frees rs. */
void	resolve_stream_end(struct resolve_stream *rs);

/*
 * Resolves the n names of v for family as a stream, and calls
 * done(v + i, ctx) for each in input order as soon as it and all before
 * it are answered.  Once dl passes, the rest are reported with
 * timed_out set.
 */
void	resolve_names(struct lookup *v, size_t n, int family,
	    const struct deadline *dl, lookup_done_fn *done, void *ctx);

/*
 * A done that does nothing: the answers stay in the lookups, for the
 * caller of resolve_names to read once it returns.
 */
lookup_done_fn lookup_keep;

/* Why the lookup l failed: its invalid reason, "timed out", or the resolver's. */
const char *lookup_strerror(const struct lookup *l);

/* The exit status for l: 64 invalid, 75 timed out, else by the error. */
int	lookup_exit_status(const struct lookup *l);

/* Whether l failed: invalid, timed out, or by the resolver's word. */
bool	lookup_failed(const struct lookup *l);

/* Frees what l's answer holds. */
void	lookup_free_answer(struct lookup *l);

#endif
