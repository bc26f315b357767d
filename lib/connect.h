/*
 * The connecting side: every address of a host tried Happy Eyeballs
 * style (RFC 8305), several hosts at once in one poll loop, and retries
 * until a deadline for a script that waits for a port to open.
 */
#ifndef SOCKUTILS_CONNECT_H
#define SOCKUTILS_CONNECT_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "address.h"
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
	long long		 timeout_ms;	/* one try of all addresses; -1: none */
	long long		 wait_ms;	/* retry until then; -1: do not */
};

struct dial {
	const struct addrinfo	*addrs;		/* in: stream addresses */
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
 * The addresses of a dial are tried with the families interleaved, the
 * next one started CONNECT_ATTEMPT_DELAY_MS after the previous or as
 * soon as that fails; the first to connect wins and the others are
 * closed.  A try of all addresses ends after o->timeout_ms.  With
 * o->wait_ms, a dial whose try failed in a way that may change
 * (refused, unreachable, timed out) tries again, after 5 ms doubling
 * to 250 ms (every 5 ms after a refusal), until wait_ms have passed.
 * Each dial ends with fd a connected blocking socket, or -1 with error,
 * step and waited_out saying why.
 */
void	dial_all(struct dial *v, size_t n, const struct dial_options *o);

/* Whether a connect that failed with errnum may succeed later. */
bool	connect_retryable(int errnum);

/* A HOST PORT a user named, resolved and connected to. */
#define TARGET_ERROR_MAX	512
struct target {
	const char	*host;			/* in */
	unsigned short	 port;			/* in */
	int		 fd;			/* out: connected, or -1 */
	char		 address[ADDRSTR_MAX];	/* out: the address connected to */
	int		 status;		/* out: exit status, 0 if connected */
	char		 error[TARGET_ERROR_MAX]; /* out: "connect HOST PORT: why" */
	const char	*reason;		/* out: the why alone, or NULL */
	long long	 ms;			/* out: connecting took */
};

/*
 * Resolves the hosts of the n targets for family (at once, within
 * o->timeout_ms and o->wait_ms) and connects to each with dial_all,
 * all within o->wait_ms if that is set.  A
 * target that fails gets its exit status and the message to print.
 */
void	connect_targets(struct target *v, size_t n, int family,
	    const struct dial_options *o);

#endif
