/*
 * Pure core.  The Happy Eyeballs dialer (RFC 8305): every address of
 * a host tried with the families interleaved, several hosts at once in
 * one poll loop, and retries on a backoff until a deadline for a
 * script that waits for a port to open.
 */
#ifndef SOCKUTILS_DIAL_H
#define SOCKUTILS_DIAL_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "timing.h"

/* RFC 8305's Connection Attempt Delay: the next address starts then. */
#define CONNECT_ATTEMPT_DELAY_MS	250

/* --wait: the first retry after this, doubling up to the cap. */
#define CONNECT_RETRY_FIRST_MS		5
#define CONNECT_RETRY_MAX_MS		250
/*
 * A refusal costs the host one reset and nobody any waiting, so a port
 * that is refused is tried again at least this often: it is noticed
 * within milliseconds of opening.
 */
#define CONNECT_REFUSED_MAX_MS		5

struct dial_options {
	const struct sockaddr	*source;	/* bound first (port 0), or NULL */
	long long		 timeout_ms;	/* one try of all addresses, or
						   NO_LIMIT */
	bool			 retry;		/* --wait: retry until wait_ms */
	long long		 wait_ms;
};

struct dial {
	const struct addrinfo	*addrs;		/* in: stream addresses */
	int			(*ready)(void *); /* in: before each try: 0, or
						   -1 and errno, or NULL */
	void			*ready_arg;
	unsigned short		 port;		/* in: host order */
	int			 fd;		/* out: connected socket, or -1 */
	const struct addrinfo	*connected;	/* out: the address it connected to */
	int			 error;		/* out: errno of the last failure */
	const char		*step;		/* out: "socket", "bind", "connect" */
	bool			 waited_out;	/* out: retried until wait passed */
	long long		 ms;		/* out: until connected or given up */
};

/*
 * Connects each of the n dials to one of its addresses, all at once.
 * The addresses of a dial are tried in dial_order, the next one
 * started CONNECT_ATTEMPT_DELAY_MS after the previous or as soon as
 * that fails; the first to connect wins and the others are closed.  A
 * try of all addresses ends after o->timeout_ms.  With o->retry, a
 * dial whose try failed in a way that may change (connect_retryable)
 * tries again, on the backoff of dial_next_backoff, until wait_ms have
 * passed (a Unix socket whose backlog is full, until o->timeout_ms even
 * without o->retry).  Each dial ends with fd a connected blocking socket, or -1
 * with error, step and waited_out saying why.
 */
void	dial_all(struct dial *v, size_t n, const struct dial_options *o);

/*
 * The n addresses of res in the order they are tried: the resolver's,
 * but alternating between families, starting with the first address's
 * (RFC 8305 section 4).  Returns an array to free, or NULL.
 */
const struct addrinfo **dial_order(const struct addrinfo *res, size_t *n);

/*
 * The pause before the retry after next, for an attempt that failed
 * with errnum after a pause of backoff: twice as long, at most
 * CONNECT_RETRY_MAX_MS (CONNECT_REFUSED_MAX_MS after a refusal).
 */
long long dial_next_backoff(long long backoff, int errnum);

/* Whether a connect that failed with errnum may succeed later. */
bool	connect_retryable(int errnum);

#endif
