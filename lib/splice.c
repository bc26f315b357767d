#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "io.h"
#include "relay.h"
#include "signals.h"
#include "splice.h"
#include "timing.h"

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
				return relay_fail(r, RELAY_WRITE_OUT,
				    n == 0 ? EIO : errno);
		} else if (n <= 0)
			return relay_fail(r, RELAY_WRITE_OUT,
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
		return relay_fail(r, RELAY_IDLE, ETIMEDOUT);
	if (errno == EPIPE && to_out)
		return relay_fail(r, RELAY_WRITE_OUT, errno);
	return relay_fail(r, RELAY_RECV, errno);
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

	if (r->idle_ms != NO_LIMIT) {
		tv.tv_sec = r->idle_ms / 1000;
		tv.tv_usec = (r->idle_ms % 1000) * 1000;
		if (setsockopt(r->sock, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1)
			return relay_fail(r, RELAY_RECV, errno);
	}
	widen_pipe(r->out);
	while ((want = relay_recv_allowance(r, RELAY_PIPE_SIZE)) > 0) {
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
	while ((want = relay_recv_allowance(r, RELAY_BUFSIZE * 2)) > 0) {
		if (relay_wait_readable(r) == -1)
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
		return relay_fail(r, RELAY_RECV, errno);
	return 0;
}

int
splice_send(struct relay *r)
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
			relay_fail(r, errno == EPIPE || errno == ECONNRESET ||
			    errno == ENOTCONN || errno == ETIMEDOUT ?
			    RELAY_SEND : RELAY_READ_IN, errno);
			goto out;
		}
		/* the socket is full: wait, and keep a talking peer going */
		pfd.fd = r->sock;
		pfd.events = POLLOUT | (peer_open ? POLLIN : 0);
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR) {
			relay_fail(r, RELAY_SEND, errno);
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
splice_recv(struct relay *r, char *buf)
{
	bool is_pipe;

	if (!splice_target(r->out, &is_pipe))
		return 1;
	if (is_pipe)
		return splice_to_pipe(r);
	return splice_through_pipe(r, buf);
}
