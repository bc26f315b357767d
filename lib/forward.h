/*
 * Pure core.  One forwarded connection: the accepted client, the
 * connection dialed to the target for it (target.h: names, Happy
 * Eyeballs, Unix paths), and the two flows between them (relay.h),
 * until both directions are done.  A half-close travels across; a
 * reset, or any failure, on one side is passed on to the other as a
 * reset.  The caller polls and reports; this prints nothing.
 */
#ifndef SOCKUTILS_FORWARD_H
#define SOCKUTILS_FORWARD_H

#include <stdbool.h>

#include "address.h"
#include "dial.h"
#include "relay.h"
#include "setup.h"
#include "stream.h"
#include "target.h"

struct forward {
	struct stream	 client, target;
	struct relay_flow up;		/* client to target */
	struct relay_flow down;		/* target to client */
	struct target	 dialed;	/* the dial's outcome; name its own */
	char		 target_name[ENDPOINT_MAX]; /* the address that answered */
	const char	*end;		/* how it ended, once over */
	/* a failure: the call, the side's name, its errno */
	const char	*step;
	const char	*who;
	int		 error;
	struct stream	 accepted;	/* the client's: the caller's until
					   the relay starts */
	struct target_dial *dial;	/* while dialing, or NULL */
	struct dial_options opts;	/* its: the caller's, non-blocking */
};

/*
 * Starts the dial of spec for the client connection (a non-blocking
 * socket, or a TLS session over one: tls.h) with o, to the addresses
 * spec's host had when target_spec_resolve looked it up (else it is
 * looked up now, on lib/pool.h's threads, within o->timeout_ms: the
 * caller waits), then forward_dial_step moves the dial on.  Returns 0, or
 * -1 with errno (memory); forward_close frees fw either way.
 */
int	forward_dial(struct forward *fw, const struct stream *client,
	    const struct target_spec *spec, const struct dial_options *o);

/*
 * The dial as a setup step (setup.h), arg the forward: SETUP_DONE once
 * the target answered and the relay is ready (the client is fw's then),
 * SETUP_FAILED with fw->dialed saying why (errno in fw->error for a
 * failure of our own, dialed.status 0 then).  The dial bounds itself by
 * o->timeout_ms.
 */
setup_step_fn forward_dial_step;

/* What fw waits for on fd, the client's or the target's: poll events. */
short	forward_events(const struct forward *fw, int fd);

/*
 * Moves what can move now, fd having shown revents (fd -1: try both).
 * Returns 1 once both directions are done (end "closed"), 0 to go on,
 * or -1 once one failed: step, who (NULL for the client) error and end
 * set; forward_close(fw, true) then passes the reset on.
 */
int	forward_serve(struct forward *fw, int fd, short revents);

/* Ends fw, with a reset of both if reset; frees what it holds. */
void	forward_close(struct forward *fw, bool reset);

#endif
