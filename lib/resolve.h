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
	const char	*name;		/* in */
	const char	*invalid;	/* in: why name is not looked up */
	struct addrinfo	*res;		/* out, for the caller to free */
	int		 gai_error;	/* out: 0 or EAI_* */
	int		 sys_errno;	/* out: errno for EAI_SYSTEM */
	bool		 timed_out;	/* out: the deadline passed first */
};

typedef void lookup_done_fn(struct lookup *l, void *ctx);

struct resolve_stream;

/*
 * Looks names up for family (stream socket addresses) as they are
 * added, on the bounded pool of lib/pool.h, and calls done(l, ctx) for
 * each, one at a time from one thread, as soon as it and all before it
 * are answered, or with in_order false as soon as it is.  done owns
 * l->res.  NULL with errno set.
 */
struct resolve_stream *resolve_stream_new(int family, bool in_order,
	    lookup_done_fn *done, void *ctx);

/*
 * Adds name (copied), not looked up if invalid says why, to be answered
 * by dl; waits while the window is full.  Returns 0, or -1 with errno
 * when out of memory.
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

#endif
