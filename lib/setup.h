/*
 * Pure core.  A connection's setup, before the server (server.h) serves
 * or relays it: steps that each wait on descriptors until a deadline,
 * all driven by the server's one poll loop, so that a setup that waits
 * (a target that does not answer, a slow TLS peer) holds no other
 * connection up.  The dial of --forward's target (forward.h) is one; a
 * TLS handshake is another of the same kind.
 *
 * A step is a function and its own state (arg).  The server calls it
 * first with polled NULL to start it; then, whenever poll saw events on
 * one of the descriptors of its last wait, with polled those
 * descriptors as poll returned them (the same n, in the same order,
 * revents set, some 0); and with polled NULL once the wait's deadline
 * has passed with no event.  It returns SETUP_WAIT with *w saying what
 * it waits for next (it must set a deadline: a step bounds itself),
 * SETUP_DONE, or SETUP_FAILED, its state saying why for the server to
 * report.  The descriptors stay the step's.
 */
#ifndef SOCKUTILS_SETUP_H
#define SOCKUTILS_SETUP_H

#include <poll.h>
#include <stddef.h>

enum setup_state {
	SETUP_WAIT,
	SETUP_DONE,
	SETUP_FAILED,
};

/* What a step waits for. */
struct setup_wait {
	const struct pollfd	*pfd;		/* the step's own, events set */
	size_t			 n;
	long long		 deadline;	/* now_ms() time to be called
						   without an event */
};

typedef enum setup_state setup_step_fn(void *arg,
	    const struct pollfd *polled, struct setup_wait *w);

#endif
