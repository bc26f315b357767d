#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "connlog.h"
#include "exitcode.h"
#include "forward.h"
#include "io.h"
#include "linemerge.h"
#include "relay.h"
#include "report.h"
#include "server.h"
#include "setup.h"
#include "signals.h"
#include "stream.h"
#include "timing.h"
#include "tlsreport.h"

/*
 * Out of descriptors with no connection of ours to close and free
 * one: how long before accept is tried again (another process may).
 */
#define EMFILE_RETRY_MS	100
/* The most one recv takes: a big read, for a lone fast sender. */
#define RECV_CHUNK	RELAY_BUFSIZE
/*
 * The longest one connection's unfinished line holds the others' lines
 * off: then it stands as it is, so that a peer gone idle half-way
 * through a line delays the rest by two seconds at most.
 */
#define LINE_HOLD_MS	2000
/* pfd_conn's marks for the descriptors that are not connections */
#define PFD_LISTENER	SIZE_MAX
#define PFD_WAKE	(SIZE_MAX - 1)

struct conn {
	int		 fd;		/* -1 once closed */
	struct stream	 s;		/* over fd: the socket, or TLS */
	struct tls_conn	*handshake;	/* a TLS handshake not yet done */
	struct pollfd	 hs_wait;	/* what it waits for */
	long long	 hs_deadline;	/* and until when */
	struct tls_info	 tls;		/* what it learned */
	/* setup (setup.h): the step it is in, or NULL once served */
	setup_step_fn	*step;
	void		*step_arg;
	struct setup_wait wait;		/* what the step waits for */
	size_t		 setups;	/* rows of setup_steps passed */
	nfds_t		 wait_at;	/* its wait's first place in pfd */
	bool		 woke;		/* poll saw events on its wait */
	bool		 forwarding;	/* fw holds fd and its target's */
	struct forward	 fw;
	bool		 used;		/* the slot holds a connection */
	bool		 receiving;	/* no end of file nor limit yet */
	bool		 sending;	/* the reply is not all sent */
	bool		 shut;		/* and our end of it sent */
	size_t		 reply_off;
	unsigned long long received, sent;
	long long	 idle_at;	/* ms when its idle bound passes */
	struct peer	 peer;
	struct line_src	 line;
	const char	*end;		/* how it ended, for -v and -j */
};

struct state {
	const struct server *sv;
	struct conn	*conns;		/* max_conns slots */
	size_t		*free_slots;	/* a stack of unused slot numbers */
	size_t		 nfree;
	size_t		 sockets;	/* connections whose socket is open */
	struct pollfd	*pfd;		/* the wake pipe, the listeners, the sockets */
	size_t		*pfd_conn;	/* pfd[i]'s slot, PFD_WAKE or PFD_LISTENER */
	size_t		 pfd_room;	/* in pfd and pfd_conn */
	int		 wake_fd;	/* readable once a stop signal waits */
	struct line_out	 out;
	const struct line_src *holder;	/* out.owner when last looked at */
	long long	 hold_until;	/* when holder's line stands as it is */
	FILE		*json;		/* stdout with -j, else NULL */
	char		*scratch;
	struct listen_set ls;		/* none once no longer listening */
	long long	 accepted;
	bool		 paused;	/* out of descriptors */
	bool		 told_paused;
	long long	 retry_at;	/* paused, none open: accept again then */
	long long	 quiet_since;	/* none open since then */
	bool		 out_failed;	/* writing stdout failed */
	int		 status;
};

static int
write_out(void *ctx, const char *buf, size_t len)
{
	struct state *st = ctx;

	if (write_received(STDOUT_FILENO, buf, len, st->sv->escape) == 0)
		return 0;
	st->out_failed = true;
	return -1;
}

/* The status for stdout or a line buffer that failed; errno is kept. */
static int
out_error(struct state *st)
{
	if (st->out_failed)
		return cli_stdout_error();	/* the suite's policy for stdout */
	warn("hold a line");
	return ex_errno(errno, EX_OSERR);
}

static void
free_slot(struct state *st, struct conn *c)
{
	c->used = false;
	st->free_slots[st->nfree++] = (size_t)(c - st->conns);
}

/*
 * A connection's setup steps (setup.h), in the order they come: each
 * row is taken when the server wants it, started on the connection, its
 * step driven by the poll loop until it is done (then the next row, and
 * once none is left the connection is served) or failed (then failed
 * tells why on stderr, sets c->end and returns the exit status, and the
 * connection ends).  abandon frees what a step not over holds, but the
 * connection's own socket.  A TLS handshake is another row.
 */
struct setup_row {
	bool	(*wanted)(const struct server *sv);
	/* Sets c->step and c->step_arg: 0, or -1 with errno. */
	int	(*start)(struct state *st, struct conn *c);
	int	(*failed)(struct state *st, struct conn *c);
	void	(*abandon)(struct conn *c);
};

static bool
handshake_wanted(const struct server *sv)
{
	return sv->tls != NULL;
}

/*
 * c's TLS handshake as its setup step, arg c: a step of the server's
 * side each time its socket is ready, until its deadline.
 */
static enum setup_state
handshake_step(void *arg, const struct pollfd *polled, struct setup_wait *w)
{
	struct conn *c = arg;
	int rc;

	if (polled == NULL && now_ms() >= c->hs_deadline) {
		(void)tls_fail(&c->tls.err, TLS_TIMEOUT,
		    "timed out in the handshake");
		return SETUP_FAILED;
	}
	rc = tls_handshake_step(c->handshake, &c->hs_wait.events, &c->tls);
	if (rc == -1)
		return SETUP_FAILED;
	if (rc == 0) {
		c->hs_wait.fd = c->fd;
		w->pfd = &c->hs_wait;
		w->n = 1;
		w->deadline = c->hs_deadline;
		return SETUP_WAIT;
	}
	/* served from now on through the session */
	tls_stream(&c->s, c->handshake, c->fd);
	c->handshake = NULL;
	return SETUP_DONE;
}

/* The handshake, bounded as a dial is (-t, or its default). */
static int
handshake_start(struct state *st, struct conn *c)
{
	if ((c->handshake = tls_accept(st->sv->tls, c->fd,
	    &c->tls.err)) == NULL)
		return -1;
	c->hs_deadline = time_after(now_ms(), st->sv->dial.timeout_ms);
	c->step = handshake_step;
	c->step_arg = c;
	return 0;
}

/* c's handshake failed: why, on stderr and in -j.  Returns the status. */
static int
handshake_failed(struct state *st, struct conn *c)
{
	(void)st;
	c->peer.tls = &c->tls;
	c->end = c->tls.err.class == TLS_TIMEOUT ? "handshake timed out" :
	    "handshake failed";
	return tls_warn(c->peer.name, &c->tls.err);
}

static void
handshake_abandon(struct conn *c)
{
	tls_free(c->handshake);
	c->handshake = NULL;
}

static bool
dial_wanted(const struct server *sv)
{
	return sv->forward != NULL;
}

/* The dial of --forward's target, as c's setup step. */
static int
dial_start(struct state *st, struct conn *c)
{
	if (forward_dial(&c->fw, &c->s, st->sv->forward, &st->sv->dial) == -1)
		return -1;
	c->step = forward_dial_step;
	c->step_arg = &c->fw;
	return 0;
}

/*
 * The dial of c failed: why, as tcp-send says it, and how it ended
 * (-v and -j name the target it was for).  Returns the exit status.
 */
static int
dial_failed(struct state *st, struct conn *c)
{
	const struct target *t = &c->fw.dialed;

	c->end = "dial failed";
	if (t->name == NULL || t->status == 0) {
		errno = c->fw.error;
		warn("forward %s", c->peer.name);
		return ex_errno(errno, EX_OSERR);
	}
	(void)strlcpy(c->peer.target, t->name, sizeof(c->peer.target));
	target_warn(t, &st->sv->dial);
	if (t->status == EX_TEMPFAIL)
		c->end = "dial timed out";
	return t->status;
}

static void
dial_abandon(struct conn *c)
{
	forward_close(&c->fw, false);
}

/* TLS first: a proxy that terminates it dials once it is up. */
static const struct setup_row setup_steps[] = {
	{ handshake_wanted, handshake_start, handshake_failed,
	    handshake_abandon },
	{ dial_wanted, dial_start, dial_failed, dial_abandon },
};

#define SETUP_ROWS	(sizeof(setup_steps) / sizeof(setup_steps[0]))

/* Closes c's sockets: a forwarded one's target too, reset if it failed. */
static void
close_conn(struct conn *c)
{
	if (c->step != NULL) {
		setup_steps[c->setups - 1].abandon(c);
		c->step = NULL;
		/* the socket, or the TLS session a later step had */
		c->s.ops->close(&c->s, false);
	} else if (c->forwarding)
		forward_close(&c->fw, c->fw.step != NULL);
	else
		c->s.ops->close(&c->s, false);
}

/*
 * Closes c's socket and reports its close; its held bytes may wait for
 * another's line.  Returns 0, or -1 when writing out failed.
 */
static int
end_conn(struct state *st, struct conn *c)
{
	int rc = 1;

	close_conn(c);
	c->fd = -1;
	st->sockets--;
	if (st->sockets == 0)
		st->quiet_since = now_ms();
	/* a descriptor is free again */
	st->paused = false;
	if (!st->sv->json && (rc = line_close(&st->out, &c->line)) == -1)
		return -1;
	if (c->forwarding) {
		c->received = c->fw.up.moved;
		c->sent = c->fw.down.moved;
	}
	connlog_close(st->json, st->sv->verbose, &c->peer, c->received,
	    c->sent, c->end);
	tls_info_free(&c->tls);
	if (rc == 1)
		free_slot(st, c);
	return 0;
}

/* A failure of c's connection: reported, kept in the status, ended. */
static int
conn_failed(struct state *st, struct conn *c, const char *what)
{
	warn("%s %s", what, c->peer.name);
	st->status = ex_first(st->status, ex_errno(errno, EX_IOERR));
	return end_conn(st, c);
}

static void
touch(const struct state *st, struct conn *c)
{
	c->idle_at = time_after(now_ms(), st->sv->idle_ms);
}

/* Sends what c's socket takes of the reply: 0, or -1 (out failed). */
static int
send_reply(struct state *st, struct conn *c)
{
	size_t left = st->sv->replylen - c->reply_off;
	off_t off = (off_t)c->reply_off;
	ssize_t n;

	if (st->sv->reply_fd != -1)
		n = relay_send_file(&c->s, st->sv->reply_fd, &off, left,
		    st->scratch, RECV_CHUNK);
	else
		n = stream_write_some(&c->s, st->sv->reply + c->reply_off,
		    left);
	if (n == -1)
		return conn_failed(st, c, "send");
	if (n > 0) {
		c->reply_off += (size_t)n;
		c->sent += (unsigned long long)n;
		touch(st, c);
	}
	if ((size_t)n < left)
		return 0;
	/* a TLS close_notify may wait for room, as the reply did */
	if (c->s.ops->shutdown(&c->s) == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
		    conn_failed(st, c, "send");
	c->sending = false;
	c->shut = true;
	return 0;
}

/* How much c may receive in one read, within its --max-bytes. */
static size_t
recv_limit(const struct state *st, const struct conn *c)
{
	return relay_allowance(st->sv->max_recv, c->received, RECV_CHUNK);
}

/* How much c may receive now: its limit, and what its line may hold. */
static size_t
recv_want(const struct state *st, const struct conn *c)
{
	size_t want = recv_limit(st, c);

	return st->sv->json ? want : line_room(&st->out, &c->line, want);
}

/* Receives what c has and writes it out: 0, or -1 (out failed). */
static int
receive(struct state *st, struct conn *c)
{
	size_t want;
	ssize_t n;

	/* a TLS session may hold bytes poll does not see: until EAGAIN */
	do {
		want = recv_want(st, c);
		/* a stop signal waits: read no more, the round ends, and us */
		if (want == 0 || signals_waiting())
			return 0;
		n = stream_read(&c->s, st->scratch, want);
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
			    conn_failed(st, c, "recv");
		if (n == 0) {
			c->receiving = false;
			return 0;
		}
		c->received += (unsigned long long)n;
		touch(st, c);
		if (st->sv->json)
			connlog_data(st->json, &c->peer,
			    (unsigned char *)st->scratch, (size_t)n);
		else if (line_put(&st->out, &c->line, st->scratch,
		    (size_t)n) == -1)
			return -1;
		if (relay_allowance(st->sv->max_recv, c->received, 1) == 0)
			c->receiving = false;
	} while (c->receiving && !c->s.spliceable);
	return 0;
}

/* Ends c once neither direction is left: 0, or -1 (out failed). */
static int
maybe_done(struct state *st, struct conn *c)
{
	if (c->fd == -1 || c->receiving || c->sending)
		return 0;
	/* a TLS peer that sent no reply still gets a close_notify */
	if (!c->shut && !c->s.spliceable)
		(void)c->s.ops->shutdown(&c->s);
	return end_conn(st, c);
}

/*
 * A forwarded connection's fd showed revents (fd -1: right after its
 * dial): moves what can move, and ends it once over.  Returns 0, or -1
 * (out failed).
 */
static int
serve_forward(struct state *st, struct conn *c, int fd, short revents)
{
	unsigned long long moved = c->fw.up.moved + c->fw.down.moved;
	int rc = forward_serve(&c->fw, fd, revents);

	if (c->fw.up.moved + c->fw.down.moved != moved)
		touch(st, c);
	if (rc == 0)
		return 0;
	c->end = c->fw.end;
	if (rc == -1) {
		errno = c->fw.error;
		warn("%s %s", c->fw.step, c->fw.who != NULL ? c->fw.who :
		    c->peer.name);
		st->status = ex_first(st->status, ex_errno(errno, EX_IOERR));
	}
	return end_conn(st, c);
}

/* Serves c's events (revents of poll on fd, or 0 right after accept). */
static int
serve_conn(struct state *st, struct conn *c, int fd, short revents,
    bool fresh)
{
	short always = POLLERR | POLLHUP;

	if (c->forwarding)
		return serve_forward(st, c, fresh ? -1 : fd, revents);
	if (c->sending && (fresh || (revents & (c->s.wr_events | always))) &&
	    send_reply(st, c) == -1)
		return -1;
	if (c->fd != -1 && c->receiving && (fresh ||
	    (revents & (c->s.rd_events | always))) && receive(st, c) == -1)
		return -1;
	return maybe_done(st, c);
}

/* c's setup is over: it is served (or relayed) from now on. */
static int
serve_start(struct state *st, struct conn *c)
{
	c->step = NULL;
	if (st->sv->forward != NULL) {
		c->forwarding = true;
		(void)strlcpy(c->peer.target, c->fw.target_name,
		    sizeof(c->peer.target));
	} else {
		c->receiving = st->sv->max_recv != 0;
		c->sending = st->sv->reply != NULL || st->sv->reply_fd != -1;
	}
	/* its idle bound starts now: a step bounds itself */
	touch(st, c);
	if (st->sv->tls != NULL)
		c->peer.tls = &c->tls;
	connlog_open(st->json, st->sv->verbose, &c->peer);
	if (st->sv->verbose && c->peer.tls != NULL)
		tls_report(c->peer.name, c->peer.tls);
	/* the reply at once; and what the peer sent before we took it */
	return serve_conn(st, c, c->fd, 0, true);
}

/* c's setup step failed, or could not start: told, and c ended. */
static int
setup_failed(struct state *st, struct conn *c)
{
	int status = setup_steps[c->setups - 1].failed(st, c);

	st->status = ex_first(st->status, status);
	connlog_open(st->json, st->sv->verbose, &c->peer);
	return end_conn(st, c);
}

/*
 * Goes on with c's setup: its step, polled what poll saw on its wait
 * (NULL: its deadline passed), or with none the next row's, started;
 * then each next row as long as the last is done at once (a loop, not
 * a recursion); c is served once none is left.  Returns 0, or -1 when
 * writing out failed.
 */
static int
run_setup(struct state *st, struct conn *c, const struct pollfd *polled)
{
	const struct setup_row *row;

	for (;;) {
		if (c->step == NULL) {
			while (c->setups < SETUP_ROWS &&
			    !setup_steps[c->setups].wanted(st->sv))
				c->setups++;
			if (c->setups == SETUP_ROWS)
				return serve_start(st, c);
			row = &setup_steps[c->setups++];
			if (row->start(st, c) == -1) {
				c->step = NULL;
				return setup_failed(st, c);
			}
			polled = NULL;
		}
		switch (c->step(c->step_arg, polled, &c->wait)) {
		case SETUP_WAIT:
			return 0;
		case SETUP_DONE:
			c->step = NULL;
			break;
		case SETUP_FAILED:
			return setup_failed(st, c);
		}
	}
}

/* Takes a connection accepted on fd from addr into a free slot. */
static int
take_conn(struct state *st, int fd, const struct sockaddr_storage *addr,
    socklen_t len)
{
	struct conn *c = &st->conns[st->free_slots[--st->nfree]];

	c->fd = fd;
	stream_socket(&c->s, fd);
	c->handshake = NULL;
	memset(&c->tls, 0, sizeof(c->tls));
	c->shut = false;
	c->used = true;
	c->step = NULL;
	c->setups = 0;
	c->woke = false;
	c->forwarding = false;
	c->end = "closed";
	c->receiving = c->sending = false;
	c->reply_off = 0;
	c->received = c->sent = 0;
	peer_set(&c->peer, fd, addr, len, (unsigned long long)st->accepted);
	if (!st->sv->json)
		line_open(&st->out, &c->line);
	st->sockets++;
	return run_setup(st, c, NULL);
}

/* Stops listening: later connects are refused, not queued. */
static void
stop_listening(struct state *st)
{
	listen_set_close(&st->ls);
}

/* Out of descriptors: no more accepts until one closes. */
static void
pause_accepting(struct state *st)
{
	if (!st->told_paused || st->sv->verbose)
		warn("accept");
	st->told_paused = true;
	st->paused = true;
	st->retry_at = time_after(now_ms(), EMFILE_RETRY_MS);
}

/*
 * Accepts what waits on the listener lfd, as long as slots are free.
 * Returns 0, or -1 with the status set (accept failed, or writing out
 * did).
 */
static int
accept_some(struct state *st, int lfd)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	while (st->ls.n > 0 && !st->paused && st->nfree > 0) {
		len = sizeof(addr);
		fd = accept4(lfd, (struct sockaddr *)&addr, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			switch (errno) {
			case EAGAIN:
#if EAGAIN != EWOULDBLOCK
			case EWOULDBLOCK:
#endif
				return 0;
			case EINTR:
			case ECONNABORTED:	/* gone before we took it */
			case EPROTO:
				continue;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				pause_accepting(st);
				return 0;
			default:
				warn("accept");
				st->status = ex_first(st->status,
				    ex_errno(errno, EX_OSERR));
				return -1;
			}
		}
		st->accepted++;
		if (st->sv->count != SERVER_UNCOUNTED &&
		    st->accepted == st->sv->count)
			stop_listening(st);
		if (take_conn(st, fd, &addr, len) == -1) {
			st->status = ex_first(st->status, out_error(st));
			return -1;
		}
	}
	return 0;
}

/* Lets the connections whose bytes waited write them, while it may. */
static int
settle(struct state *st)
{
	struct conn *c;
	size_t i;
	int rc;

	while (st->out.freed) {
		st->out.freed = false;
		for (i = 0; i < (size_t)st->sv->max_conns; i++) {
			c = &st->conns[i];
			if (!c->used || (c->line.len == 0 && !c->line.ended))
				continue;
			if ((rc = line_settle(&st->out, &c->line)) == -1)
				return -1;
			if (rc == 1 && c->line.ended)
				free_slot(st, c);
		}
	}
	return 0;
}

/* The poll timeout: the nearest idle bound, accept deadline or retry. */
static int
next_timeout(const struct state *st)
{
	const struct conn *c;
	long long at = NO_LIMIT;
	size_t i;

	for (i = 0; i < (size_t)st->sv->max_conns; i++) {
		c = &st->conns[i];
		if (!c->used || c->fd == -1)
			continue;
		if (c->step != NULL)
			at = earlier(at, c->wait.deadline);
		else if (st->sv->idle_ms != NO_LIMIT)
			at = earlier(at, c->idle_at);
	}
	if (st->sv->idle_ms != NO_LIMIT && st->sockets == 0 && st->ls.n > 0)
		at = time_after(st->quiet_since, st->sv->idle_ms);
	if (st->paused && st->sockets == 0)
		at = earlier(at, st->retry_at);
	if (st->holder != NULL && st->out.open > 1)
		at = earlier(at, st->hold_until);
	return poll_timeout(time_left(at, now_ms()));
}

/* A forwarded connection's sockets in the poll set from n: the new n. */
static nfds_t
poll_forward(struct state *st, const struct conn *c, size_t slot, nfds_t n)
{
	int fd[2] = { c->fw.client.fd, c->fw.target.fd };
	short ev;
	size_t i;

	for (i = 0; i < 2; i++) {
		/* waiting for nothing on it: not even its hang-up */
		if ((ev = forward_events(&c->fw, fd[i])) == 0)
			continue;
		st->pfd[n].fd = fd[i];
		st->pfd[n].events = ev;
		st->pfd_conn[n++] = slot;
	}
	return n;
}

/*
 * Room in the poll set for more after its first n: 0, or -1 (memory).
 * A connection in setup waits on as many descriptors as its step asks.
 */
static int
poll_room(struct state *st, nfds_t n, size_t more)
{
	size_t room = st->pfd_room;
	struct pollfd *pfd;
	size_t *pfd_conn;

	while (room < n + more)
		room *= 2;
	if (room == st->pfd_room)
		return 0;
	if ((pfd = reallocarray(st->pfd, room, sizeof(*pfd))) == NULL)
		return -1;
	st->pfd = pfd;
	if ((pfd_conn = reallocarray(st->pfd_conn, room,
	    sizeof(*pfd_conn))) == NULL)
		return -1;
	st->pfd_conn = pfd_conn;
	st->pfd_room = room;
	return 0;
}

/* A connection in setup: its wait's descriptors in a row from n. */
static nfds_t
poll_setup(struct state *st, struct conn *c, size_t slot, nfds_t n)
{
	size_t i;

	c->wait_at = n;
	for (i = 0; i < c->wait.n; i++) {
		st->pfd[n] = c->wait.pfd[i];
		st->pfd[n].revents = 0;
		st->pfd_conn[n++] = slot;
	}
	return n;
}

/*
 * The poll set, n long: the listeners while they may accept, then each
 * socket.  Returns 0, or -1 (memory).
 */
static int
poll_set(struct state *st, nfds_t *np)
{
	struct conn *c;
	nfds_t n = 0;
	size_t i;
	short ev;

	st->pfd[n].fd = st->wake_fd;
	st->pfd[n].events = POLLIN;
	st->pfd_conn[n++] = PFD_WAKE;
	if (st->paused && st->sockets == 0 && now_ms() >= st->retry_at)
		st->paused = false;
	for (i = 0; !st->paused && st->nfree > 0 && i < st->ls.n; i++) {
		st->pfd[n].fd = st->ls.fd[i];
		st->pfd[n].events = POLLIN;
		st->pfd_conn[n++] = PFD_LISTENER;
	}
	for (i = 0; i < (size_t)st->sv->max_conns; i++) {
		c = &st->conns[i];
		if (!c->used || c->fd == -1)
			continue;
		/* a socket, a forwarded one's two, or a step's wait */
		if (poll_room(st, n, c->step != NULL ? c->wait.n : 2) == -1)
			return -1;
		if (c->step != NULL) {
			n = poll_setup(st, c, i, n);
			continue;
		}
		if (c->forwarding) {
			n = poll_forward(st, c, i, n);
			continue;
		}
		ev = (short)((c->sending ? c->s.wr_events : 0) |
		    (c->receiving && recv_want(st, c) > 0 ?
		    c->s.rd_events : 0));
		/* a socket waiting for another's line: not even its errors */
		if (ev == 0)
			continue;
		st->pfd[n].fd = c->fd;
		st->pfd[n].events = ev;
		st->pfd_conn[n++] = i;
	}
	*np = n;
	return 0;
}

/* Ends the connections idle past their bound: 0, or -1 (out failed). */
static int
expire(struct state *st)
{
	char buf[DURATION_STR_MAX];
	struct conn *c;
	long long now = now_ms();
	size_t i;

	if (st->sv->idle_ms == NO_LIMIT)
		return 0;
	for (i = 0; i < (size_t)st->sv->max_conns; i++) {
		c = &st->conns[i];
		if (!c->used || c->fd == -1 || c->step != NULL ||
		    c->idle_at > now)
			continue;
		warnx("%s: idle for %s", c->peer.name,
		    format_duration(st->sv->idle_ms, buf));
		st->status = ex_first(st->status, EX_TEMPFAIL);
		c->end = "idle";
		if (end_conn(st, c) == -1)
			return -1;
	}
	return 0;
}

/* Ends an unfinished line's hold on the others once LINE_HOLD_MS pass. */
static void
bound_hold(struct state *st)
{
	if (st->out.owner != st->holder) {
		st->holder = st->out.owner;
		st->hold_until = time_after(now_ms(), LINE_HOLD_MS);
	}
	if (st->holder != NULL && st->out.open > 1 &&
	    now_ms() >= st->hold_until) {
		line_release(&st->out);
		st->holder = NULL;
	}
}

/*
 * Writes, as it stands, what c's peer had sent when the stop signal
 * came and is still in the socket: only what is queued now (SIOCINQ),
 * so that a peer that goes on sending cannot keep us from ending.
 */
static void
flush_queued(struct state *st, struct conn *c)
{
	size_t want;
	ssize_t n;
	int queued;

	if (c->fd == -1 || !c->receiving ||
	    ioctl(c->fd, SIOCINQ, &queued) == -1)
		return;
	/* TLS: fewer bytes come out than were queued, never more */
	while (queued > 0) {
		want = recv_limit(st, c);
		if ((size_t)queued < want)
			want = (size_t)queued;
		if (want == 0 || (n = stream_read(&c->s, st->scratch,
		    want)) <= 0)
			return;
		queued -= (int)n;
		c->received += (unsigned long long)n;
		if (st->json != NULL)
			connlog_data(st->json, &c->peer,
			    (unsigned char *)st->scratch, (size_t)n);
		else if (write_out(st, st->scratch, (size_t)n) == -1)
			return;
	}
}

/*
 * A stop signal came: what every peer sent goes out, each connection's
 * bytes together (held ones, then what its socket still has), then the
 * signal ends us.
 */
static void
stop_by_signal(struct state *st)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < (size_t)st->sv->max_conns; i++) {
		c = &st->conns[i];
		if (!c->used)
			continue;
		if (!st->sv->json)
			(void)line_drain(&st->out, &c->line);
		flush_queued(st, c);
	}
	if (st->json != NULL)
		(void)fflush(st->json);
	signals_release();
}

/*
 * Steps the connections in setup that poll woke, and those whose wait's
 * deadline passed.  Returns 0, or -1 when writing out failed.
 */
static int
step_setups(struct state *st)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < (size_t)st->sv->max_conns; i++) {
		c = &st->conns[i];
		if (!c->used || c->step == NULL)
			continue;
		if (c->woke) {
			c->woke = false;
			if (run_setup(st, c, &st->pfd[c->wait_at]) == -1)
				return -1;
		} else if (now_ms() >= c->wait.deadline &&
		    run_setup(st, c, NULL) == -1)
			return -1;
	}
	return 0;
}

/* One round: wait, then serve what is ready.  -1 ends the loop. */
static int
round_once(struct state *st)
{
	struct conn *c;
	nfds_t n, i;
	int ready;

	if (poll_set(st, &n) == -1) {
		warn("poll");
		st->status = ex_first(st->status, EX_OSERR);
		return -1;
	}
	/* one that came since the wake pipe was last looked at, too */
	if (signals_waiting())
		stop_by_signal(st);
	if ((ready = poll(st->pfd, n, next_timeout(st))) == -1) {
		if (errno == EINTR)
			return 0;
		warn("poll");
		st->status = ex_first(st->status, EX_OSERR);
		return -1;
	}
	for (i = 0; i < n && ready > 0; i++) {
		if (st->pfd[i].revents == 0)
			continue;
		ready--;
		if (st->pfd_conn[i] == PFD_WAKE) {
			stop_by_signal(st);
			continue;
		}
		if (st->pfd_conn[i] == PFD_LISTENER) {
			if (accept_some(st, st->pfd[i].fd) == -1)
				return -1;
			continue;
		}
		c = &st->conns[st->pfd_conn[i]];
		/* its wait is stepped on as a whole, below */
		if (c->used && c->step != NULL) {
			c->woke = true;
			continue;
		}
		if (c->used && c->fd != -1 && (c->fd == st->pfd[i].fd ||
		    (c->forwarding && c->fw.target.fd == st->pfd[i].fd)) &&
		    serve_conn(st, c, st->pfd[i].fd, st->pfd[i].revents,
		    false) == -1)
			goto out_failed;
	}
	if (step_setups(st) == -1 || expire(st) == -1)
		goto out_failed;
	bound_hold(st);
	if (settle(st) == -1)
		goto out_failed;
	if (st->json != NULL && fflush(st->json) == EOF) {
		st->out_failed = true;
		goto out_failed;
	}
	return 0;
out_failed:
	st->status = ex_first(st->status, out_error(st));
	return -1;
}

/* Whether the loop is over: -c reached and every one ended, or -t. */
static bool
finished(struct state *st)
{
	char waited[DURATION_STR_MAX];

	if (st->ls.n == 0)
		return st->nfree == (size_t)st->sv->max_conns;
	if (st->sv->idle_ms == NO_LIMIT || st->sockets != 0 ||
	    now_ms() < time_after(st->quiet_since, st->sv->idle_ms))
		return false;
	warnx("accept: no connection in %s",
	    format_duration(st->sv->idle_ms, waited));
	st->status = ex_first(st->status, EX_TEMPFAIL);
	return true;
}

static int
state_init(struct state *st, const struct server *sv)
{
	size_t i, slots = (size_t)sv->max_conns;
	int flags;

	memset(st, 0, sizeof(*st));
	st->sv = sv;
	st->ls = sv->listeners;
	st->json = sv->json ? stdout : NULL;
	line_out_init(&st->out, write_out, st);
	st->conns = calloc(slots, sizeof(*st->conns));
	st->free_slots = calloc(slots, sizeof(*st->free_slots));
	/* a forwarded connection polls its target's socket too */
	st->pfd_room = (sv->forward != NULL ? 2 * slots : slots) + 1 +
	    LISTEN_SET_MAX;
	st->pfd = calloc(st->pfd_room, sizeof(*st->pfd));
	st->pfd_conn = calloc(st->pfd_room, sizeof(*st->pfd_conn));
	st->scratch = malloc(RECV_CHUNK);
	if (st->conns == NULL || st->free_slots == NULL || st->pfd == NULL ||
	    st->pfd_conn == NULL || st->scratch == NULL)
		return -1;
	/* taken from the top: slot 0 first */
	for (i = 0; i < slots; i++)
		st->free_slots[i] = slots - 1 - i;
	st->nfree = slots;
	st->quiet_since = now_ms();
	if ((st->wake_fd = signals_wake_fd()) == -1)
		return -1;
	/* accept until the queue is empty, never blocking on it */
	for (i = 0; i < st->ls.n; i++)
		if ((flags = fcntl(st->ls.fd[i], F_GETFL)) == -1 ||
		    fcntl(st->ls.fd[i], F_SETFL, flags | O_NONBLOCK) == -1)
			return -1;
	return 0;
}

static void
state_free(struct state *st)
{
	size_t i;

	for (i = 0; st->conns != NULL && i < (size_t)st->sv->max_conns; i++)
		if (st->conns[i].used) {
			if (st->conns[i].fd != -1)
				close_conn(&st->conns[i]);
			free(st->conns[i].line.buf);
		}
	listen_set_close(&st->ls);
	free(st->conns);
	free(st->free_slots);
	free(st->pfd);
	free(st->pfd_conn);
	free(st->scratch);
}

int
server_run(const struct server *sv)
{
	struct state st;
	int status;

	if (state_init(&st, sv) == -1) {
		warn("serve");
		state_free(&st);
		return EX_OSERR;
	}
	/* held for good: stop_by_signal writes what was read first */
	signals_hold();
	while (!finished(&st) && round_once(&st) == 0)
		;
	status = st.status;
	state_free(&st);
	signals_release();
	return status;
}
