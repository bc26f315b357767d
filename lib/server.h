/*
 * Reporting layer.  Serving many stream connections at once, in one
 * poll loop: each is accepted as it arrives, gets its reply at once,
 * has its own idle bound and byte limit, and what it sends goes to
 * stdout through linemerge.h (whole lines while several are open) or,
 * with json, as connlog.h's objects.  At most max_conns are open; the
 * rest wait in the kernel's accept queue.  Out of descriptors, accepting
 * pauses until a connection closes.  Stop signals (signals.h) are held
 * the whole time: one ends the loop once what every peer had sent
 * (read already, or still queued in its socket) is written.  Before it
 * is served, a connection goes through its setup steps (setup.h) in the
 * same loop, each bounding itself, so that one that waits holds up no
 * other.  With a TLS server (tls.h), the first is the handshake (within
 * the dial's timeout), and the connection is served through the session
 * once it is done; one whose handshake fails is told and closed.  With
 * a target to forward to, the next is the dial there (forward.h), and
 * the connection is relayed both ways (relay.h's flows) instead; one
 * whose dial fails is closed at once.  A peer's
 * failure and the -v lines go to stderr, as the listener's own.
 */
#ifndef SOCKUTILS_SERVER_H
#define SOCKUTILS_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dial.h"
#include "io.h"
#include "listen.h"
#include "target.h"
#include "tls.h"

/* As many as ncat -k serves at once; --max-conns says otherwise. */
#define SERVER_MAX_CONNS_DEFAULT	100
/* The most --max-conns takes: far beyond any descriptor limit's default. */
#define SERVER_MAX_CONNS_MAX		1000000
/* count: accept connections until killed */
#define SERVER_UNCOUNTED		0

struct server {
	struct listen_set listeners;	/* listening stream sockets */
	long long	 max_conns;	/* open at once, at least 1 */
	long long	 count;		/* accepted and ended, or SERVER_UNCOUNTED */
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_recv;	/* per connection, or RELAY_UNLIMITED */
	const char	*reply;		/* sent to each connection, or NULL */
	size_t		 replylen;
	int		 reply_fd;	/* or replylen bytes of this file, or -1 */
	bool		 json;		/* -j: connlog.h's objects */
	enum escape_mode escape;	/* what is received, without json */
	bool		 verbose;
	/*
	 * --forward: each connection is relayed both ways to a connection
	 * to this target, dialed with dial (nothing is received to stdout
	 * then, no reply sent), or NULL.
	 */
	const struct target_spec *forward;
	struct dial_options dial;	/* its timeout_ms bounds a handshake */
	struct tls_server *tls;		/* serve TLS, or NULL */
};

/*
 * Serves connections on sv->listeners, closing them once sv->count have
 * been accepted, until that many have ended (or for ever).  Returns
 * the exit status: the first failure's, EX_TEMPFAIL when no connection
 * came within idle_ms while none was open.
 */
int	server_run(const struct server *sv);

#endif
