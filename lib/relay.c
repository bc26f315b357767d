#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "io.h"
#include "relay.h"
#include "signals.h"
#include "splice.h"
#include "timing.h"

struct sender {
	const char	*p;		/* what is left to send */
	size_t		 len;
	char		*buf;		/* filled from in */
	bool		 eof;		/* in (or data) has no more */
	bool		 active;	/* not yet shut down */
	bool		 after_cr;	/* crlf: the last byte read was a CR */
};

static int
relay_fail(struct relay *r, enum relay_failure what, int errnum)
{
	r->failed = what;
	r->error = errnum;
	return -1;
}

size_t
relay_allowance(long long limit, unsigned long long moved, size_t max)
{
	unsigned long long left;

	if (limit == RELAY_UNLIMITED)
		return max;
	left = (unsigned long long)limit - moved;
	return left < max ? (size_t)left : max;
}

static size_t
recv_allowance(const struct relay *r, size_t max)
{
	return relay_allowance(r->max_recv, r->received, max);
}

/* max_recv as splice_recv takes it: the total, or the most there is. */
static unsigned long long
recv_limit(const struct relay *r)
{
	return r->max_recv == RELAY_UNLIMITED ? ULLONG_MAX :
	    (unsigned long long)r->max_recv;
}

/* Sends what the stream takes now; returns 0, or -1 on failure. */
static int
send_some(struct relay *r, struct sender *s)
{
	ssize_t n;

	if ((n = stream_write_some(r->sock, s->p, s->len)) == -1)
		return relay_fail(r, RELAY_SEND, errno);
	s->p += n;
	s->len -= (size_t)n;
	r->sent += (unsigned long long)n;
	return 0;
}

/*
 * Reads what in has into s's buffer; with crlf, into its second half,
 * each newline then taking two bytes from its start.
 */
static int
read_in(struct relay *r, struct sender *s)
{
	size_t room = r->crlf ? RELAY_BUFSIZE / 2 : RELAY_BUFSIZE;
	char *at = s->buf + RELAY_BUFSIZE - room;
	ssize_t n;

	s->p = s->buf;
	s->len = 0;
	do
		n = read(r->in, at, room);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		/* in is non-blocking and has nothing now: poll again */
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return relay_fail(r, RELAY_READ_IN, errno);
	}
	if (n == 0)
		s->eof = true;
	s->len = r->crlf ? crlf_expand(at, (size_t)n, s->buf, &s->after_cr) :
	    (size_t)n;
	return 0;
}

/*
 * Receives what is there now, without waiting, and writes it out, stop
 * signals held in between (signals.h).  Returns what the read returned;
 * -1 also when writing out failed, with failed set then.
 */
static ssize_t
recv_out(struct relay *r, char *buf, size_t want)
{
	ssize_t n;
	int rc = 0;

	signals_hold();
	n = stream_read(r->sock, buf, want);
	if (n > 0) {
		r->received += (unsigned long long)n;
		if (r->out >= 0)
			rc = write_received(r->out, buf, (size_t)n, r->escape);
	}
	signals_release();
	if (rc == -1)
		return relay_fail(r, RELAY_WRITE_OUT, errno);
	return n;
}

/*
 * Receives what is there and writes it out.  Returns 1 at the end
 * (end of file, or max_recv reached), 0 to go on, -1 on failure.
 */
static int
recv_some(struct relay *r, char *buf)
{
	ssize_t n;

	/* a TLS session may hold bytes poll cannot see: until EAGAIN */
	do {
		n = recv_out(r, buf, recv_allowance(r, RELAY_BUFSIZE));
		if (n == -1) {
			if (r->failed != RELAY_OK)
				return -1;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return relay_fail(r, RELAY_RECV, errno);
		}
		if (n == 0 || recv_allowance(r, 1) == 0)
			return 1;
	} while (!r->sock->spliceable);
	return 0;
}

/* The failure of a splice on the side that failed. */
static int
splice_failed(struct relay *r, enum splice_side side, enum relay_failure in,
    enum relay_failure out)
{
	if (side == SPLICE_IN && in == RELAY_RECV && errno == ETIMEDOUT)
		return relay_fail(r, RELAY_IDLE, ETIMEDOUT);
	return relay_fail(r, side == SPLICE_IN ? in : out, errno);
}

/*
 * Only receiving is left: until the end, without copying through user
 * space where out and the stream allow (splice), else through buf.
 * Returns 0 or -1.
 */
static int
recv_rest(struct relay *r, char *buf)
{
	enum splice_side side;
	size_t want;
	ssize_t n;
	int rc;

	if (r->sock->spliceable && !r->escape && r->out >= 0) {
		rc = splice_recv(r->sock->fd, r->out, recv_limit(r),
		    r->idle_ms, &r->received, buf, RELAY_BUFSIZE, &side);
		if (rc == -1)
			return splice_failed(r, side, RELAY_RECV,
			    RELAY_WRITE_OUT);
		if (rc == 0)
			return 0;
	}
	while ((want = recv_allowance(r, RELAY_BUFSIZE)) > 0) {
		if ((n = recv_out(r, buf, want)) == 0)
			break;
		if (n > 0)
			continue;
		if (r->failed != RELAY_OK)
			return -1;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return relay_fail(r, RELAY_RECV, errno);
		/* read only once it is readable: a stop signal waits less */
		if (wait_for(r->sock->fd, r->sock->rd_events, r->idle_ms) == -1)
			return relay_fail(r, errno == ETIMEDOUT ? RELAY_IDLE :
			    RELAY_RECV, errno);
	}
	return 0;
}

/*
 * Sends a blocking in without polling, through the kernel where the
 * stream and in allow: 0 at in's end, 1 to go on through the poll loop.
 */
static int
send_fast(struct relay *r)
{
	enum splice_side side;
	int rc;

	if (!r->sock->spliceable)
		return 1;
	rc = splice_send(r->in, r->sock->fd, &r->sent, &r->received, &side);
	if (rc == -1)
		return splice_failed(r, side, RELAY_READ_IN, RELAY_SEND);
	return rc;
}

int
relay_run(struct relay *r)
{
	/* one relay at a time: no allocation for each connection */
	static char sendbuf[RELAY_BUFSIZE], recvbuf[RELAY_BUFSIZE];
	struct sender s = { 0 };
	struct pollfd pfd[2];
	bool receiving, fast, writing;
	nfds_t nfds, sock_i, in_i;
	int rc, timeout, n, flags;

	r->sent = r->received = 0;
	r->failed = RELAY_OK;
	r->error = 0;
	s.active = r->in >= 0 || r->data != NULL;
	receiving = r->max_recv != 0 && (r->out >= 0 || s.active);
	if (r->in >= 0)
		s.buf = sendbuf;
	else {
		s.p = r->data;
		s.len = r->data != NULL ? r->datalen : 0;
		s.eof = true;
	}
	timeout = poll_timeout(r->idle_ms);
	/* blocking input, bytes unchanged, nothing to watch: fewer calls */
	fast = r->in >= 0 && r->out < 0 && r->idle_ms == NO_LIMIT &&
	    !r->crlf && (flags = fcntl(r->in, F_GETFL)) != -1 &&
	    !(flags & O_NONBLOCK);
	if (fast) {
		if ((rc = send_fast(r)) == -1)
			return -1;
		s.eof = rc == 0;
	}

	for (;;) {
		if (s.active && s.len > 0 && send_some(r, &s) == -1)
			return -1;
		if (s.active && s.len == 0 && s.eof) {
			/* a TLS close_notify may wait for room, as data */
			if (r->sock->ops->shutdown(r->sock) == 0)
				s.active = false;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				return relay_fail(r, RELAY_SEND, errno);
		}
		/* without out, receiving only serves the sending */
		if (!s.active && r->out < 0)
			receiving = false;
		if (!s.active && !receiving)
			break;
		/* the fast paths: one direction left, or none to watch */
		if (!s.active)
			return recv_rest(r, recvbuf);
		if (fast && s.len == 0 && !s.eof) {
			if (read_in(r, &s) == -1)
				return -1;
			continue;
		}

		nfds = 0;
		sock_i = in_i = 2;
		/* something to send, or the shutdown that waits */
		writing = s.active && (s.len > 0 || s.eof);
		if (receiving || writing) {
			pfd[nfds].fd = r->sock->fd;
			pfd[nfds].events = (short)((receiving ?
			    r->sock->rd_events : 0) | (writing ?
			    r->sock->wr_events : 0));
			sock_i = nfds++;
		}
		if (s.active && s.len == 0 && !s.eof) {
			pfd[nfds].fd = r->in;
			pfd[nfds].events = POLLIN;
			in_i = nfds++;
		}
		if ((n = poll(pfd, nfds, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			return relay_fail(r, RELAY_RECV, errno);
		}
		if (n == 0)
			return relay_fail(r, RELAY_IDLE, ETIMEDOUT);
		if (sock_i < nfds && receiving && (pfd[sock_i].revents &
		    (r->sock->rd_events | POLLHUP | POLLERR))) {
			switch (recv_some(r, recvbuf)) {
			case -1:
				return -1;
			case 1:
				receiving = false;
				break;
			}
		}
		if (in_i < nfds && pfd[in_i].revents != 0 &&
		    read_in(r, &s) == -1)
			return -1;
	}
	return 0;
}

ssize_t
relay_send_file(struct stream *s, int fd, off_t *off, size_t len, char *buf,
    size_t bufsize)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (s->spliceable)
			n = splice_file(fd, s->fd, off, len - done);
		else {
			/* only what it takes is read: the rest comes again */
			n = pread(fd, buf, len - done < bufsize ? len - done :
			    bufsize, *off);
			if (n > 0 && (n = stream_write_some(s, buf, (size_t)n)) > 0)
				*off += n;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1)
			return done > 0 ? (ssize_t)done : -1;
		/* a file that shrank since: what is missing never comes */
		if (n == 0) {
			errno = EIO;
			return done > 0 ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
relay_flow_init(struct relay_flow *f, struct stream *from, struct stream *to,
    bool may_splice)
{
	*f = (struct relay_flow){ .from = from, .to = to,
	    .pipe = { -1, -1 } };
	if (may_splice && from->spliceable && to->spliceable &&
	    splice_pipe(f->pipe) == 0)
		return 0;
	if ((f->buf = malloc(RELAY_FLOW_BUFSIZE)) == NULL)
		return -1;
	return 0;
}

void
relay_flow_free(struct relay_flow *f)
{
	splice_pipe_put(f->pipe, f->piped == 0);
	free(f->buf);
	f->buf = NULL;
}

static int
flow_fail(struct relay_flow *f, enum relay_end end)
{
	f->failed = end;
	return -1;
}

/*
 * Moves from one end to the pipe or buffer: 1 if something moved, 0 if
 * nothing could, -1 on failure.
 */
static int
flow_fill(struct relay_flow *f)
{
	ssize_t n;

	if (f->eof || f->from_blocked)
		return 0;
	if (f->pipe[0] != -1) {
		/* one pipe's worth at a time: a full pipe also says EAGAIN */
		if (f->piped > 0)
			return 0;
		n = splice_move(f->from->fd, f->pipe[1], SPLICE_PIPE_SIZE);
	} else {
		if (f->len > 0)
			return 0;
		n = stream_read(f->from, f->buf, RELAY_FLOW_BUFSIZE);
	}
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		f->from_blocked = true;
		return 0;
	}
	if (n == -1)
		return flow_fail(f, RELAY_FROM);
	if (n == 0)
		f->eof = true;
	else if (f->pipe[0] != -1)
		f->piped = (size_t)n;
	else {
		f->off = 0;
		f->len = (size_t)n;
	}
	return 1;
}

/*
 * Moves from the pipe or buffer to the other end: 1 if something moved,
 * 0 if nothing could, -1 on failure.
 */
static int
flow_drain(struct relay_flow *f)
{
	size_t held = f->pipe[0] != -1 ? f->piped : f->len - f->off;
	ssize_t n;

	if (held == 0 || f->to_blocked)
		return 0;
	if (f->pipe[0] != -1)
		n = splice_move(f->pipe[0], f->to->fd, held);
	else
		n = stream_write_some(f->to, f->buf + f->off, held);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		n = 0;
	if (n == -1)
		return flow_fail(f, RELAY_TO);
	if ((size_t)n < held)
		f->to_blocked = true;
	if (n == 0)
		return 0;
	f->moved += (unsigned long long)n;
	if (f->pipe[0] != -1)
		f->piped -= (size_t)n;
	else if ((f->off += (size_t)n) == f->len)
		f->off = f->len = 0;
	return 1;
}

int
relay_flow_step(struct relay_flow *f)
{
	int filled, drained;

	if (f->done)
		return 0;
	do {
		if ((drained = flow_drain(f)) == -1 ||
		    (filled = flow_fill(f)) == -1)
			return -1;
	} while (drained || filled);
	if (f->eof && f->piped == 0 && f->len == 0) {
		if (f->to->ops->shutdown(f->to) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				f->to_blocked = true;
				return 0;
			}
			return flow_fail(f, RELAY_TO);
		}
		f->done = true;
	}
	return 0;
}

short
relay_flow_events(const struct relay_flow *f, int fd)
{
	int ev = 0;

	if (f->done)
		return 0;
	if (fd == f->from->fd && f->from_blocked)
		ev |= f->from->rd_events;
	if (fd == f->to->fd && f->to_blocked)
		ev |= f->to->wr_events;
	return (short)ev;
}

void
relay_flow_ready(struct relay_flow *f, int fd, short revents)
{
	/* an error or hang-up: the next read or write tells it */
	short always = POLLERR | POLLHUP;

	if (fd == f->from->fd && (revents & (f->from->rd_events | always)))
		f->from_blocked = false;
	if (fd == f->to->fd && (revents & (f->to->wr_events | always)))
		f->to_blocked = false;
}
