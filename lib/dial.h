/*
 * Pure core.  The Happy Eyeballs dialer (RFC 8305): every address of
 * a host tried with the families interleaved, many hosts at once in
 * one poll loop, queued for descriptors, and retries on a backoff
 * until a deadline for a script that waits for a port to open.
 */
#ifndef SOCKUTILS_DIAL_H
#define SOCKUTILS_DIAL_H

#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "step.h"
#include "timing.h"

/* A connect's bound where the user sets none (-t sets it). */
#define CONNECT_TIMEOUT_DEFAULT_MS	10000

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
	bool			 check_only;	/* close each connection once made */
	bool			 nonblocking;	/* hand it on non-blocking */
	bool			 until_one;	/* stop when one has connected */
};

struct dial {
	const struct addrinfo	*addrs;		/* in: stream addresses */
	int			(*ready)(void *); /* in: before each try: 0, or
						   -1 and errno, or NULL */
	void			*ready_arg;
	void			*user;		/* in: the feed's, handed back */
	const struct addrinfo	*connected;	/* out: the address it connected
						   to, or NULL */
	long long		 ms;		/* out: from its first try to its end */
	struct sockaddr_storage	 local;		/* out: with check_only, the
						   local end it had */
	int			 fd;		/* out: connected socket, or -1 */
	int			 error;		/* out: errno of the last failure */
	enum step		 step;		/* out: the call that failed */
	unsigned short		 port;		/* in: host order */
	bool			 waited_out;	/* out: retried until wait passed */
};

/* Where dial_stream takes its dials from, and hands them back to. */
struct dial_feed {
	size_t	  count;	/* how many next gives, at most */
	/* Fills the in fields of d; false when there are no more. */
	bool	(*next)(void *ctx, struct dial *d);
	/* d is over, in the order next gave it; its fd is ended's now. */
	void	(*ended)(void *ctx, struct dial *d);
	void	 *ctx;
};

/*
 * Connects each dial of the feed to one of its addresses, many at once.
 * The addresses of a dial are tried in dial_order, the next one started
 * CONNECT_ATTEMPT_DELAY_MS after the previous or as soon as that fails;
 * the first to connect wins and the others are closed.  A try of all
 * addresses ends o->timeout_ms after it began.  With o->retry, a dial
 * whose try failed in a way that may change (connect_retryable) tries
 * again, on the backoff of dial_next_backoff, until wait_ms have passed
 * since dial_stream began (a Unix socket whose backlog is full, until
 * o->timeout_ms even without o->retry).  Each dial ends with connected set (and fd a
 * connected socket unless o->check_only, blocking unless o->nonblocking),
 * or with error, step
 * and waited_out saying why not.  With o->until_one, once one has
 * connected the others end at once with their last error (ECANCELED if
 * they had none yet).
 *
 * Dials wait for descriptors rather than fail for the want of one: at
 * most the soft limit less a reserve are in use at once, fewer once
 * socket(2) runs out first; only a dial that finds none while no other
 * holds any fails with EMFILE.  At most DIAL_WINDOW (4096) dials are
 * between the first not yet ended and the last taken from the feed, so
 * memory does not grow with the feed: a dial that does not answer holds
 * back the end of those after it, and the tries of those past the window.
 */
void	dial_stream(const struct dial_feed *f, const struct dial_options *o);

/*
 * dial_stream in steps, for a caller with a poll loop of its own (the
 * server dials each connection's target while it relays the others):
 * dial_stream is these in a loop.  dialer_new starts on the feed's
 * dials (NULL without memory).  dialer_step moves them on (attempts
 * timed out, the next addresses started, the dials that ended handed to
 * the feed) and says what to poll: *n descriptors at *pfd (the dialer's
 * own, valid until the next call), until the time it returns (NO_LIMIT:
 * only an answer moves it on; now or before: step again at once).
 * dialer_answers takes back what poll saw on them, the same n in the
 * same order; a dialer_step must follow.  dialer_over once every dial
 * has been handed back.  dialer_free closes what is still in flight.
 */
struct dialer;

struct dialer *dialer_new(const struct dial_feed *f,
	    const struct dial_options *o);
long long dialer_step(struct dialer *dr, const struct pollfd **pfd,
	    size_t *n);
void	dialer_answers(struct dialer *dr, const struct pollfd *polled);
bool	dialer_over(const struct dialer *dr);
void	dialer_free(struct dialer *dr);

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
