#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "forward.h"

/* The one target of a dial, kept past the callback with its name. */
static void
dialed(const struct target *t, void *ctx)
{
	struct target *keep = ctx;

	*keep = *t;
	keep->name = endpoint_string(&t->ep);
}

/* Whether fd is a TCP socket (IPv4 or IPv6). */
static bool
is_tcp(int fd)
{
	socklen_t len = sizeof(int);
	int domain;

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
	    (domain == AF_INET || domain == AF_INET6);
}

/* "ADDRESS PORT" that answered, or the path. */
static void
name_target(struct forward *fw)
{
	const struct target *t = &fw->dialed;
	struct endpoint e = { .host = t->address, .port = t->ep.port,
	    .path = t->ep.path };

	if (t->ep.path != NULL)
		e.host = NULL;
	(void)endpoint_print(fw->target_name, sizeof(fw->target_name), &e);
}

int
forward_dial(struct forward *fw, const struct stream *client,
    const struct target_spec *spec, const struct dial_options *o)
{
	memset(fw, 0, sizeof(*fw));
	fw->client.fd = fw->target.fd = fw->up.pipe[0] = fw->down.pipe[0] = -1;
	fw->dialed.fd = -1;
	fw->accepted = *client;
	/* the relay's sockets are non-blocking: the dial leaves it so */
	fw->opts = *o;
	fw->opts.nonblocking = true;
	fw->dial = target_dial_new(spec, 1, AF_UNSPEC, &fw->opts, dialed,
	    &fw->dialed);
	if (fw->dial != NULL)
		return 0;
	fw->error = errno;
	return -1;
}

/*
 * The dial is over: the relay between the client and the target that
 * answered.  Returns 0, or -1 as forward_dial_step's SETUP_FAILED.
 */
static int
relay_start(struct forward *fw)
{
	if (fw->dialed.name == NULL) {
		/* the dial's outcome without memory for its name */
		if (fw->dialed.fd != -1)
			close(fw->dialed.fd);
		fw->error = ENOMEM;
		return -1;
	}
	if (fw->dialed.fd == -1)
		return -1;
	name_target(fw);
	fw->client = fw->accepted;
	stream_socket(&fw->target, fw->dialed.fd);
	/*
	 * A flow splices what comes from TCP, into TCP or Unix (TCP to Unix
	 * went from 677 to 1,363 MiB/s so, in the quick bench), but not
	 * what comes from a Unix socket: spliced out of one, the pipe's
	 * pages stay charged to its sender, and a relay between a Unix
	 * client and a Unix target stalled so in the tests (a client
	 * writing 128 KiB at a time).  That goes through the flow's buffer.
	 */
	if (relay_flow_init(&fw->up, &fw->client, &fw->target,
	    is_tcp(fw->client.fd)) == -1 ||
	    relay_flow_init(&fw->down, &fw->target, &fw->client,
	    fw->dialed.ep.path == NULL) == -1) {
		fw->error = errno;
		fw->dialed.status = 0;
		close(fw->target.fd);
		/* the client's socket stays the caller's */
		fw->client.fd = fw->target.fd = -1;
		return -1;
	}
	return 0;
}

enum setup_state
forward_dial_step(void *arg, const struct pollfd *polled,
    struct setup_wait *w)
{
	struct forward *fw = arg;
	struct dialer *dr = target_dialer(fw->dial);

	if (polled != NULL)
		dialer_answers(dr, polled);
	w->deadline = dialer_step(dr, &w->pfd, &w->n);
	if (!dialer_over(dr))
		return SETUP_WAIT;
	target_dial_free(fw->dial);
	fw->dial = NULL;
	return relay_start(fw) == 0 ? SETUP_DONE : SETUP_FAILED;
}

short
forward_events(const struct forward *fw, int fd)
{
	return (short)(relay_flow_events(&fw->up, fd) |
	    relay_flow_events(&fw->down, fd));
}

/* The flow f failed: which side, which call, and how it ended. */
static int
failed(struct forward *fw, const struct relay_flow *f)
{
	const struct stream *side = f->failed == RELAY_FROM ? f->from : f->to;
	bool client = side == &fw->client;

	fw->error = errno;
	fw->step = f->failed == RELAY_FROM ? "recv" : "send";
	fw->who = client ? NULL : fw->dialed.name;
	fw->end = client ? "reset by client" : "reset by target";
	if (fw->error != ECONNRESET && fw->error != EPIPE)
		fw->end = client ? "client failed" : "target failed";
	return -1;
}

int
forward_serve(struct forward *fw, int fd, short revents)
{
	if (fd != -1) {
		relay_flow_ready(&fw->up, fd, revents);
		relay_flow_ready(&fw->down, fd, revents);
	}
	if (relay_flow_step(&fw->up) == -1)
		return failed(fw, &fw->up);
	if (relay_flow_step(&fw->down) == -1)
		return failed(fw, &fw->down);
	if (!fw->up.done || !fw->down.done)
		return 0;
	fw->end = "closed";
	return 1;
}

void
forward_close(struct forward *fw, bool reset)
{
	if (fw->client.fd != -1)
		fw->client.ops->close(&fw->client, reset);
	if (fw->target.fd != -1)
		fw->target.ops->close(&fw->target, reset);
	relay_flow_free(&fw->up);
	relay_flow_free(&fw->down);
	target_dial_free(fw->dial);
	fw->dial = NULL;
	free((char *)fw->dialed.name);
	fw->dialed.name = NULL;
}
