#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sysexits.h>
#include <unistd.h>

#include "exitcode.h"
#include "io.h"
#include "relay.h"
#include "timing.h"

#define CLOSE_WAIT_DEFAULT_MS	60000

struct sender {
	const char	*p;		/* what is left to send */
	size_t		 len;
	char		*buf;		/* filled from in */
	bool		 eof;		/* in (or data) has no more */
	bool		 active;	/* not yet shut down */
};

static int
set_failed(struct relay *r, enum relay_failure what, int errnum)
{
	r->failed = what;
	r->error = errnum;
	return -1;
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
			return set_failed(r, RELAY_SEND, errno);
		}
		s->p += n;
		s->len -= (size_t)n;
		r->sent += (unsigned long long)n;
	}
	return 0;
}

static int
read_in(struct relay *r, struct sender *s)
{
	ssize_t n;

	do
		n = read(r->in, s->buf, RELAY_BUFSIZE);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return set_failed(r, RELAY_READ_IN, errno);
	if (n == 0)
		s->eof = true;
	s->p = s->buf;
	s->len = (size_t)n;
	return 0;
}

/*
 * Receives what is there and writes it out.  Returns 1 at the end
 * (end of file, or max_recv reached), 0 to go on, -1 on failure.
 */
static int
recv_some(struct relay *r, char *buf)
{
	size_t want = RELAY_BUFSIZE;
	ssize_t n;
	int rc;

	if (r->max_recv >= 0 &&
	    (unsigned long long)r->max_recv - r->received < want)
		want = (size_t)((unsigned long long)r->max_recv - r->received);
	do
		n = recv(r->sock, buf, want, MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return set_failed(r, RELAY_RECV, errno);
	}
	if (n == 0)
		return 1;
	r->received += (unsigned long long)n;
	if (r->out >= 0) {
		rc = r->escape ? write_escaped(r->out, buf, (size_t)n) :
		    write_all(r->out, buf, (size_t)n);
		if (rc == -1)
			return set_failed(r, RELAY_WRITE_OUT, errno);
	}
	if (r->max_recv >= 0 && r->received >= (unsigned long long)r->max_recv)
		return 1;
	return 0;
}

/*
 * Only receiving is left: blocking reads, with the idle bound as the
 * socket's receive timeout, until the end.  Returns 0 or -1.
 */
static int
recv_rest(struct relay *r, char *buf)
{
	struct timeval tv;
	size_t want;
	ssize_t n;
	int rc;

	if (r->idle_ms >= 0) {
		tv.tv_sec = r->idle_ms / 1000;
		tv.tv_usec = (r->idle_ms % 1000) * 1000;
		if (setsockopt(r->sock, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1)
			return set_failed(r, RELAY_RECV, errno);
	}
	for (;;) {
		want = RELAY_BUFSIZE;
		if (r->max_recv >= 0 &&
		    (unsigned long long)r->max_recv - r->received < want)
			want = (size_t)((unsigned long long)r->max_recv -
			    r->received);
		if (want == 0)
			return 0;
		if ((n = recv(r->sock, buf, want, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return set_failed(r, RELAY_IDLE, ETIMEDOUT);
			return set_failed(r, RELAY_RECV, errno);
		}
		if (n == 0)
			return 0;
		r->received += (unsigned long long)n;
		rc = r->escape ? write_escaped(r->out, buf, (size_t)n) :
		    write_all(r->out, buf, (size_t)n);
		if (rc == -1)
			return set_failed(r, RELAY_WRITE_OUT, errno);
	}
}

int
relay_run(struct relay *r)
{
	struct sender s = { 0 };
	struct pollfd pfd[2];
	char *rbuf = NULL;
	bool receiving;
	nfds_t nfds, sock_i, in_i;
	int rc = -1, timeout, n;

	r->sent = r->received = 0;
	r->failed = RELAY_OK;
	r->error = 0;
	s.active = r->in >= 0 || r->data != NULL;
	receiving = r->max_recv != 0 && (r->out >= 0 || s.active);
	if (r->in >= 0) {
		if ((s.buf = malloc(RELAY_BUFSIZE)) == NULL)
			goto nomem;
	} else {
		s.p = r->data;
		s.len = r->data != NULL ? r->datalen : 0;
		s.eof = true;
	}
	if (receiving && (rbuf = malloc(RELAY_BUFSIZE)) == NULL)
		goto nomem;
	timeout = r->idle_ms < 0 ? -1 :
	    r->idle_ms > INT_MAX ? INT_MAX : (int)r->idle_ms;

	for (;;) {
		if (s.active && s.len > 0 && send_some(r, &s) == -1)
			goto out;
		if (s.active && s.len == 0 && s.eof) {
			if (shutdown(r->sock, SHUT_WR) == -1) {
				set_failed(r, RELAY_SEND, errno);
				goto out;
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
			rc = recv_rest(r, rbuf);
			goto out;
		}
		if (r->out < 0 && r->idle_ms < 0 && s.len == 0) {
			if (read_in(r, &s) == -1)
				goto out;
			continue;
		}

		nfds = 0;
		sock_i = in_i = 2;
		if (receiving || (s.active && s.len > 0)) {
			pfd[nfds].fd = r->sock;
			pfd[nfds].events = (receiving ? POLLIN : 0) |
			    (s.active && s.len > 0 ? POLLOUT : 0);
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
			set_failed(r, RELAY_RECV, errno);
			goto out;
		}
		if (n == 0) {
			set_failed(r, RELAY_IDLE, ETIMEDOUT);
			goto out;
		}
		if (sock_i < nfds && receiving &&
		    (pfd[sock_i].revents & (POLLIN | POLLHUP | POLLERR))) {
			switch (recv_some(r, rbuf)) {
			case -1:
				goto out;
			case 1:
				receiving = false;
				break;
			}
		}
		if (in_i < nfds && pfd[in_i].revents != 0 &&
		    read_in(r, &s) == -1)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	set_failed(r, RELAY_RECV, ENOMEM);
out:
	free(s.buf);
	free(rbuf);
	return rc;
}

int
relay_warn(const struct relay *r, const char *peer)
{
	char buf[DURATION_STR_MAX];

	errno = r->error;
	switch (r->failed) {
	case RELAY_OK:
		return EX_OK;
	case RELAY_READ_IN:
		warn("read error: stdin");
		return ex_errno(r->error, EX_IOERR);
	case RELAY_WRITE_OUT:
		warn("write error: stdout");
		return ex_errno(r->error, EX_IOERR);
	case RELAY_SEND:
		warn("send %s", peer);
		return ex_errno(r->error, EX_IOERR);
	case RELAY_RECV:
		warn("recv %s", peer);
		return ex_errno(r->error, EX_IOERR);
	case RELAY_IDLE:
		warnx("%s: idle for %s", peer, format_duration(r->idle_ms,
		    buf));
		return EX_TEMPFAIL;
	}
	return EX_SOFTWARE;
}

/* Reads and drops what fd has now; returns at EAGAIN or end of file. */
static void
drain(int fd)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) > 0)
		;
}

int
close_sent(int fd, long long timeout_ms)
{
	struct linger lg;

	if (timeout_ms < 0)
		timeout_ms = CLOSE_WAIT_DEFAULT_MS;
	drain(fd);
	/* close blocks until the peer acknowledged our FIN, or the time */
	lg.l_onoff = 1;
	lg.l_linger = (int)((timeout_ms + 999) / 1000);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	return close(fd);
}
