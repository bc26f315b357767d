#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "relay.h"
#include "splice.h"
#include "signals.h"
#include "timing.h"

struct sender {
	const char	*p;		/* what is left to send */
	size_t		 len;
	char		*buf;		/* filled from in */
	bool		 eof;		/* in (or data) has no more */
	bool		 active;	/* not yet shut down */
	bool		 after_cr;	/* crlf: the last byte read was a CR */
};

int
relay_fail(struct relay *r, enum relay_failure what, int errnum)
{
	r->failed = what;
	r->error = errnum;
	return -1;
}

size_t
relay_recv_allowance(const struct relay *r, size_t max)
{
	unsigned long long left;

	if (r->max_recv < 0)
		return max;
	left = (unsigned long long)r->max_recv - r->received;
	return left < max ? (size_t)left : max;
}

/* Sends what the socket takes now; returns 0, or -1 on failure. */
static int
send_some(struct relay *r, struct sender *s)
{
	ssize_t n;

	while (s->len > 0) {
		n = send(r->sock, s->p, s->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return relay_fail(r, RELAY_SEND, errno);
		}
		s->p += n;
		s->len -= (size_t)n;
		r->sent += (unsigned long long)n;
	}
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
 * signals held in between (signals.h).  Returns what recv returned;
 * -1 also when writing out failed, with failed set then.
 */
static ssize_t
recv_out(struct relay *r, char *buf, size_t want)
{
	ssize_t n;
	int rc = 0;

	signals_hold();
	do
		n = recv(r->sock, buf, want, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
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

	if ((n = recv_out(r, buf, relay_recv_allowance(r, RELAY_BUFSIZE))) == -1) {
		if (r->failed != RELAY_OK)
			return -1;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return relay_fail(r, RELAY_RECV, errno);
	}
	if (n == 0)
		return 1;
	if (r->max_recv >= 0 && r->received >= (unsigned long long)r->max_recv)
		return 1;
	return 0;
}

int
relay_wait_readable(struct relay *r)
{
	struct pollfd pfd = { .fd = r->sock, .events = POLLIN };
	int timeout = poll_timeout(r->idle_ms);
	int n;

	while ((n = poll(&pfd, 1, timeout)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return relay_fail(r, RELAY_RECV, errno);
	if (n == 0)
		return relay_fail(r, RELAY_IDLE, ETIMEDOUT);
	return 0;
}

/*
 * Only receiving is left: until the end, without copying through user
 * space where out allows (splice), else through buf.  Returns 0 or -1.
 */
static int
recv_rest(struct relay *r, char *buf)
{
	size_t want;
	ssize_t n;
	int rc;

	if (!r->escape && (rc = splice_recv(r, buf)) != 1)
		return rc;
	while ((want = relay_recv_allowance(r, RELAY_BUFSIZE)) > 0) {
		if (relay_wait_readable(r) == -1)
			return -1;
		if ((n = recv_out(r, buf, want)) == -1) {
			if (r->failed != RELAY_OK)
				return -1;
			/* readable, then not: another reader took it */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return relay_fail(r, RELAY_RECV, errno);
		}
		if (n == 0)
			break;
	}
	return 0;
}

int
relay_run(struct relay *r)
{
	/* one relay at a time: no allocation for each connection */
	static char sendbuf[RELAY_BUFSIZE], recvbuf[RELAY_BUFSIZE];
	struct sender s = { 0 };
	struct pollfd pfd[2];
	bool receiving, fast;
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
		if ((rc = splice_send(r)) == -1)
			return -1;
		s.eof = rc == 0;
	}

	for (;;) {
		if (s.active && s.len > 0 && send_some(r, &s) == -1)
			return -1;
		if (s.active && s.len == 0 && s.eof) {
			if (shutdown(r->sock, SHUT_WR) == -1) {
				/* a connection that was connected: reset since */
				relay_fail(r, RELAY_SEND, errno == ENOTCONN ?
				    ECONNRESET : errno);
				return -1;
			}
			s.active = false;
		}
		/* without out, receiving only serves the sending */
		if (!s.active && r->out < 0)
			receiving = false;
		if (!s.active && !receiving)
			break;
		/* the fast paths: one direction left, or none to watch */
		if (!s.active) {
			return recv_rest(r, recvbuf);
		}
		if (fast && s.len == 0) {
			if (read_in(r, &s) == -1)
				return -1;
			continue;
		}

		nfds = 0;
		sock_i = in_i = 2;
		if (receiving || (s.active && s.len > 0)) {
			pfd[nfds].fd = r->sock;
			pfd[nfds].events = (short)((receiving ? POLLIN : 0) |
			    (s.active && s.len > 0 ? POLLOUT : 0));
			sock_i = nfds++;
		}
		if (s.active && s.len == 0) {
			pfd[nfds].fd = r->in;
			pfd[nfds].events = POLLIN;
			in_i = nfds++;
		}
		if ((n = poll(pfd, nfds, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			relay_fail(r, RELAY_RECV, errno);
			return -1;
		}
		if (n == 0) {
			relay_fail(r, RELAY_IDLE, ETIMEDOUT);
			return -1;
		}
		if (sock_i < nfds && receiving &&
		    (pfd[sock_i].revents & (POLLIN | POLLHUP | POLLERR))) {
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

