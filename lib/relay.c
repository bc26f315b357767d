#include <err.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "io.h"
#include "relay.h"
#include "signals.h"
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

/*
 * Widens a pipe we splice through to RELAY_PIPE_SIZE: at the default
 * 64 KiB, each splice moves little and the other end of the pipe (cat,
 * say) wakes as often.  Best effort: a smaller pipe only moves slower.
 */
static void
widen_pipe(int fd)
{
	(void)fcntl(fd, F_SETPIPE_SZ, (int)RELAY_PIPE_SIZE);
}

/* How much more may be received, at most max. */
static size_t
recv_allowance(const struct relay *r, size_t max)
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

	s->p = s->buf;
	s->len = 0;
	do
		n = read(r->in, s->buf, RELAY_BUFSIZE);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		/* in is non-blocking and has nothing now: poll again */
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return set_failed(r, RELAY_READ_IN, errno);
	}
	if (n == 0)
		s->eof = true;
	s->len = (size_t)n;
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
		return set_failed(r, RELAY_WRITE_OUT, errno);
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

	if ((n = recv_out(r, buf, recv_allowance(r, RELAY_BUFSIZE))) == -1) {
		if (r->failed != RELAY_OK)
			return -1;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return set_failed(r, RELAY_RECV, errno);
	}
	if (n == 0)
		return 1;
	if (r->max_recv >= 0 && r->received >= (unsigned long long)r->max_recv)
		return 1;
	return 0;
}

/*
 * Waits until the socket has something to read (or its end), at most
 * idle_ms: 0, or -1 with failed set.  Reading only then, with stop
 * signals held, no signal can find bytes read and not written.
 */
static int
wait_readable(struct relay *r)
{
	struct pollfd pfd = { .fd = r->sock, .events = POLLIN };
	int timeout = r->idle_ms < 0 ? -1 :
	    r->idle_ms > INT_MAX ? INT_MAX : (int)r->idle_ms;
	int n;

	while ((n = poll(&pfd, 1, timeout)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return set_failed(r, RELAY_RECV, errno);
	if (n == 0)
		return set_failed(r, RELAY_IDLE, ETIMEDOUT);
	return 0;
}

/*
 * Whether out takes splice(2) as is: a pipe, a regular file not opened
 * for appending, or /dev/null.  Terminals and the like do not, nor a
 * descriptor someone made non-blocking: its EAGAIN would look like our
 * idle timeout's.
 */
static bool
splice_target(int out, bool *is_pipe)
{
	struct stat st;
	int flags;

	if (fstat(out, &st) == -1 || (flags = fcntl(out, F_GETFL)) == -1 ||
	    (flags & O_NONBLOCK))
		return false;
	*is_pipe = S_ISFIFO(st.st_mode);
	return *is_pipe || (S_ISREG(st.st_mode) && !(flags & O_APPEND)) ||
	    (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
}

/* Moves len bytes from the pipe p to out: 0, or -1 on failure. */
static int
pipe_to_out(struct relay *r, int p, size_t len, char *buf)
{
	ssize_t n;

	while (len > 0) {
		n = splice(p, NULL, r->out, NULL, len, SPLICE_F_MOVE |
		    SPLICE_F_MORE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EINVAL) {
			/* out took splice before: copy what is left */
			if ((n = read(p, buf, len < RELAY_BUFSIZE ? len :
			    RELAY_BUFSIZE)) <= 0 ||
			    write_all(r->out, buf, (size_t)n) == -1)
				return set_failed(r, RELAY_WRITE_OUT,
				    n == 0 ? EIO : errno);
		} else if (n <= 0)
			return set_failed(r, RELAY_WRITE_OUT,
			    n == 0 ? EIO : errno);
		len -= (size_t)n;
	}
	return 0;
}

/* Sets the failure of a splice from the socket that returned -1. */
static int
splice_failed(struct relay *r, bool to_out)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return set_failed(r, RELAY_IDLE, ETIMEDOUT);
	if (errno == EPIPE && to_out)
		return set_failed(r, RELAY_WRITE_OUT, errno);
	return set_failed(r, RELAY_RECV, errno);
}

/*
 * From the socket straight into out, a pipe: blocking splices, with the
 * idle bound as the socket's receive timeout.  Nothing is ever in our
 * hands.  Returns 0 or -1.
 */
static int
splice_to_pipe(struct relay *r)
{
	struct timeval tv;
	size_t want;
	ssize_t n;

	if (r->idle_ms >= 0) {
		tv.tv_sec = r->idle_ms / 1000;
		tv.tv_usec = (r->idle_ms % 1000) * 1000;
		if (setsockopt(r->sock, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1)
			return set_failed(r, RELAY_RECV, errno);
	}
	widen_pipe(r->out);
	while ((want = recv_allowance(r, RELAY_PIPE_SIZE)) > 0) {
		n = splice(r->sock, NULL, r->out, NULL, want, SPLICE_F_MOVE |
		    SPLICE_F_MORE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return splice_failed(r, true);
		if (n == 0)
			break;
		r->received += (unsigned long long)n;
	}
	return 0;
}

/*
 * From the socket into a pipe of our own, and from there into out (a
 * file or /dev/null).  What our pipe holds is in our hands: it is read
 * only once there, and written out before a stop signal may end us.
 * Returns 0, -1, or 1 if no pipe could be made (nothing read then).
 */
static int
splice_through_pipe(struct relay *r, char *buf)
{
	/* kept for the next connection: tcp-listen -k takes thousands */
	static int p[2] = { -1, -1 };
	size_t want;
	ssize_t n;
	bool written;

	if (p[0] == -1) {
		if (pipe2(p, O_CLOEXEC) == -1)
			return 1;
		fcntl(p[1], F_SETPIPE_SZ, RELAY_BUFSIZE * 2);
	}
	while ((want = recv_allowance(r, RELAY_BUFSIZE * 2)) > 0) {
		if (wait_readable(r) == -1)
			return -1;
		signals_hold();
		do
			n = splice(r->sock, NULL, p[1], NULL, want,
			    SPLICE_F_MOVE | SPLICE_F_MORE);
		while (n == -1 && errno == EINTR);
		written = n <= 0 || pipe_to_out(r, p[0], (size_t)n, buf) == 0;
		signals_release();
		if (!written) {
			/* what is left in it must not reach the next one */
			close(p[0]);
			close(p[1]);
			p[0] = p[1] = -1;
			return -1;
		}
		if (n == -1)
			return splice_failed(r, false);
		if (n == 0)
			break;
		r->received += (unsigned long long)n;
	}
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
	bool is_pipe;
	int rc;

	if (!r->escape && splice_target(r->out, &is_pipe)) {
		if (is_pipe)
			return splice_to_pipe(r);
		if ((rc = splice_through_pipe(r, buf)) != 1)
			return rc;
	}
	while ((want = recv_allowance(r, RELAY_BUFSIZE)) > 0) {
		if (wait_readable(r) == -1)
			return -1;
		if ((n = recv_out(r, buf, want)) == -1) {
			if (r->failed != RELAY_OK)
				return -1;
			/* readable, then not: another reader took it */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return set_failed(r, RELAY_RECV, errno);
		}
		if (n == 0)
			break;
	}
	return 0;
}

/* Reads and drops what the socket has now; false once the peer's end. */
static int
drop_incoming(struct relay *r, bool *peer_open)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(r->sock, buf, sizeof(buf), MSG_DONTWAIT |
	    MSG_TRUNC)) > 0)
		r->received += (unsigned long long)n;
	if (n == 0)
		*peer_open = false;
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return set_failed(r, RELAY_RECV, errno);
	return 0;
}

/*
 * Sends in to its end without copying through user space: sendfile(2)
 * from a regular file, splice(2) from a pipe; what the peer sends
 * meanwhile is dropped.  Returns 0, -1 on failure, or 1 if in cannot
 * be sent so (nothing was sent then).
 */
static int
zero_copy_send(struct relay *r)
{
	struct pollfd pfd;
	struct stat st;
	ssize_t n;
	bool is_file, peer_open = true;
	int flags, rc = -1;

	/* a non-blocking in's EAGAIN would look like a full socket's */
	if (fstat(r->in, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) ||
	    (flags = fcntl(r->in, F_GETFL)) == -1 || (flags & O_NONBLOCK) ||
	    (flags = fcntl(r->sock, F_GETFL)) == -1 ||
	    fcntl(r->sock, F_SETFL, flags | O_NONBLOCK) == -1)
		return 1;
	if (!(is_file = S_ISREG(st.st_mode)))
		widen_pipe(r->in);
	for (;;) {
		if (is_file)
			n = sendfile(r->sock, r->in, NULL, RELAY_BUFSIZE * 8);
		else
			n = splice(r->in, NULL, r->sock, NULL,
			    RELAY_PIPE_SIZE, SPLICE_F_MOVE);
		if (n > 0) {
			r->sent += (unsigned long long)n;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR)
			continue;
		if ((errno == EINVAL || errno == ENOSYS) && r->sent == 0) {
			rc = 1;
			goto out;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			/* the socket's errors; anything else is reading in's */
			set_failed(r, errno == EPIPE || errno == ECONNRESET ||
			    errno == ENOTCONN || errno == ETIMEDOUT ?
			    RELAY_SEND : RELAY_READ_IN, errno);
			goto out;
		}
		/* the socket is full: wait, and keep a talking peer going */
		pfd.fd = r->sock;
		pfd.events = POLLOUT | (peer_open ? POLLIN : 0);
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			set_failed(r, RELAY_SEND, errno);
			goto out;
		}
		if ((pfd.revents & POLLIN) && drop_incoming(r, &peer_open) == -1)
			goto out;
	}
	rc = 0;
out:
	fcntl(r->sock, F_SETFL, flags);
	return rc;
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
	timeout = r->idle_ms < 0 ? -1 :
	    r->idle_ms > INT_MAX ? INT_MAX : (int)r->idle_ms;
	/* blocking input and nothing to watch: fewer system calls */
	fast = r->in >= 0 && r->out < 0 && r->idle_ms < 0 &&
	    (flags = fcntl(r->in, F_GETFL)) != -1 && !(flags & O_NONBLOCK);
	if (fast) {
		if ((rc = zero_copy_send(r)) == -1)
			return -1;
		s.eof = rc == 0;
	}

	for (;;) {
		if (s.active && s.len > 0 && send_some(r, &s) == -1)
			return -1;
		if (s.active && s.len == 0 && s.eof) {
			if (shutdown(r->sock, SHUT_WR) == -1) {
				set_failed(r, RELAY_SEND, errno);
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
			set_failed(r, RELAY_RECV, errno);
			return -1;
		}
		if (n == 0) {
			set_failed(r, RELAY_IDLE, ETIMEDOUT);
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
		return cli_stdout_error();
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

/* Reads and drops what fd has now; returns whether the peer has closed. */
static bool
drain(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC)) > 0)
		;
	return n == 0;
}

/* Bytes sent on fd and not yet acknowledged; -1 with errno set. */
static int
unacknowledged(int fd)
{
	socklen_t len = sizeof(int);
	int n, err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return ioctl(fd, SIOCOUTQ, &n) == -1 ? -1 : n;
}

void
close_reset(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int saved_errno = errno;

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	errno = saved_errno;
}

int
close_sent(int fd, long long timeout_ms)
{
	struct deadline dl;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left, pause_ms = 1;
	int n;

	deadline_start(&dl, timeout_ms < 0 ? CLOSE_WAIT_DEFAULT_MS :
	    timeout_ms);
	/*
	 * No event says "all acknowledged": look again after a pause that
	 * doubles up to 50 ms, and drop what the peer sends meanwhile.
	 */
	while ((n = unacknowledged(fd)) != 0) {
		if (n == -1 || deadline_passed(&dl)) {
			if (n != -1)
				errno = ETIMEDOUT;
			close_reset(fd);
			return -1;
		}
		left = deadline_left_ms(&dl);
		if (poll(&pfd, 1, (int)(pause_ms < left ? pause_ms : left)) > 0 &&
		    drain(fd))
			pfd.events = 0;	/* it closed: nothing more to read */
		if (pause_ms < 50)
			pause_ms *= 2;
	}
	drain(fd);	/* unread data would turn the close into a reset */
	return close(fd);
}
