#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "io.h"
#include "signals.h"
#include "splice.h"
#include "timing.h"

/* What sendfile moves in one call from a regular file. */
#define SENDFILE_CHUNK	((size_t)1024 * 1024)
/* Our own pipe between the socket and a file: two of a reader's reads. */
#define THROUGH_PIPE_SIZE	((size_t)256 * 1024)

/*
 * Widens a pipe we splice through to SPLICE_PIPE_SIZE: at the default
 * 64 KiB, each splice moves little and the other end of the pipe (cat,
 * say) wakes as often.  Best effort: a smaller pipe only moves slower.
 */
static void
widen_pipe(int fd)
{
	(void)fcntl(fd, F_SETPIPE_SZ, (int)SPLICE_PIPE_SIZE);
}

static int
fail(enum splice_side *side, enum splice_side which)
{
	*side = which;
	return -1;
}

/* How much more may be received of limit, at most max. */
static size_t
allowance(unsigned long long limit, unsigned long long received, size_t max)
{
	unsigned long long left = limit - received;

	return left < max ? (size_t)left : max;
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
pipe_to_out(int p, int out, size_t len, char *buf, size_t bufsize)
{
	ssize_t n;

	while (len > 0) {
		n = splice(p, NULL, out, NULL, len, SPLICE_F_MOVE |
		    SPLICE_F_MORE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EINVAL) {
			/* out took splice before: copy what is left */
			if ((n = read(p, buf, len < bufsize ? len : bufsize)) <= 0 ||
			    write_all(out, buf, (size_t)n) == -1) {
				if (n == 0)
					errno = EIO;
				return -1;
			}
		} else if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		len -= (size_t)n;
	}
	return 0;
}

/* The side of a splice from the socket that returned -1. */
static int
recv_failed(enum splice_side *side, bool to_out)
{
	/* the receive timeout of splice_to_pipe */
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		errno = ETIMEDOUT;
	return fail(side, errno == EPIPE && to_out ? SPLICE_OUT : SPLICE_IN);
}

/*
 * From the socket straight into out, a pipe: blocking splices, with the
 * idle bound as the socket's receive timeout.  Nothing is ever in our
 * hands.
 */
static int
splice_to_pipe(int sock, int out, unsigned long long limit, long long idle_ms,
    unsigned long long *received, enum splice_side *side)
{
	struct timeval tv;
	size_t want;
	ssize_t n;

	if (idle_ms != NO_LIMIT) {
		tv.tv_sec = idle_ms / 1000;
		tv.tv_usec = (idle_ms % 1000) * 1000;
		if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == -1)
			return fail(side, SPLICE_IN);
	}
	widen_pipe(out);
	while ((want = allowance(limit, *received, SPLICE_PIPE_SIZE)) > 0) {
		n = splice(sock, NULL, out, NULL, want, SPLICE_F_MOVE |
		    SPLICE_F_MORE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return recv_failed(side, true);
		if (n == 0)
			break;
		*received += (unsigned long long)n;
	}
	return 0;
}

/*
 * From the socket into a pipe of our own, and from there into out (a
 * file or /dev/null).  What our pipe holds is in our hands: it is read
 * only once the socket is readable, and written out before a stop
 * signal may end us.  Returns 0, -1, or 1 if no pipe could be made.
 */
static int
splice_through_pipe(int sock, int out, unsigned long long limit,
    long long idle_ms, unsigned long long *received, char *buf,
    size_t bufsize, enum splice_side *side)
{
	/* kept for the next connection: tcp-listen -k takes thousands */
	static int p[2] = { -1, -1 };
	size_t want;
	ssize_t n;
	bool written;

	if (p[0] == -1) {
		if (pipe2(p, O_CLOEXEC) == -1)
			return 1;
		(void)fcntl(p[1], F_SETPIPE_SZ, (int)THROUGH_PIPE_SIZE);
	}
	while ((want = allowance(limit, *received, THROUGH_PIPE_SIZE)) > 0) {
		if (wait_for(sock, POLLIN, idle_ms) == -1)
			return fail(side, SPLICE_IN);
		signals_hold();
		do
			n = splice(sock, NULL, p[1], NULL, want,
			    SPLICE_F_MOVE | SPLICE_F_MORE);
		while (n == -1 && errno == EINTR);
		written = n <= 0 || pipe_to_out(p[0], out, (size_t)n, buf,
		    bufsize) == 0;
		signals_release();
		if (!written) {
			/* what is left in it must not reach the next one */
			close(p[0]);
			close(p[1]);
			p[0] = p[1] = -1;
			return fail(side, SPLICE_OUT);
		}
		if (n == -1)
			return recv_failed(side, false);
		if (n == 0)
			break;
		*received += (unsigned long long)n;
	}
	return 0;
}

int
splice_recv(int sock, int out, unsigned long long limit, long long idle_ms,
    unsigned long long *received, char *buf, size_t bufsize,
    enum splice_side *side)
{
	bool is_pipe;

	if (!splice_target(out, &is_pipe))
		return 1;
	if (is_pipe)
		return splice_to_pipe(sock, out, limit, idle_ms, received,
		    side);
	return splice_through_pipe(sock, out, limit, idle_ms, received, buf,
	    bufsize, side);
}

/* Reads and drops what the socket has now; false once the peer's end. */
static int
drop_incoming(int sock, bool *peer_open, unsigned long long *dropped)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT |
	    MSG_TRUNC)) > 0)
		*dropped += (unsigned long long)n;
	if (n == 0)
		*peer_open = false;
	else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return -1;
	return 0;
}

/* The side of a sendfile or splice to the socket that failed with errno. */
static enum splice_side
send_side(int errnum)
{
	return errnum == EPIPE || errnum == ECONNRESET || errnum == ENOTCONN ||
	    errnum == ETIMEDOUT ? SPLICE_OUT : SPLICE_IN;
}

/* Sends in to its end on the non-blocking sock; as splice_send. */
static int
send_all(int in, int sock, bool is_file, unsigned long long *sent,
    unsigned long long *dropped, enum splice_side *side)
{
	struct pollfd pfd;
	bool peer_open = true;
	ssize_t n;

	for (;;) {
		if (is_file)
			n = sendfile(sock, in, NULL, SENDFILE_CHUNK);
		else
			n = splice(in, NULL, sock, NULL, SPLICE_PIPE_SIZE,
			    SPLICE_F_MOVE);
		if (n > 0) {
			*sent += (unsigned long long)n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if ((errno == EINVAL || errno == ENOSYS) && *sent == 0)
			return 1;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(side, send_side(errno));
		/* the socket is full: wait, and keep a talking peer going */
		pfd.fd = sock;
		pfd.events = POLLOUT | (peer_open ? POLLIN : 0);
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return fail(side, SPLICE_OUT);
		if ((pfd.revents & POLLIN) &&
		    drop_incoming(sock, &peer_open, dropped) == -1)
			return fail(side, SPLICE_OUT);
	}
}

int
splice_send(int in, int sock, unsigned long long *sent,
    unsigned long long *dropped, enum splice_side *side)
{
	struct stat st;
	int flags, rc, saved_errno;

	/* a non-blocking in's EAGAIN would look like a full socket's */
	if (fstat(in, &st) == -1 ||
	    (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) ||
	    (flags = fcntl(in, F_GETFL)) == -1 || (flags & O_NONBLOCK) ||
	    (flags = fcntl(sock, F_GETFL)) == -1 ||
	    fcntl(sock, F_SETFL, flags | O_NONBLOCK) == -1)
		return 1;
	if (!S_ISREG(st.st_mode))
		widen_pipe(in);
	rc = send_all(in, sock, S_ISREG(st.st_mode), sent, dropped, side);
	saved_errno = errno;
	(void)fcntl(sock, F_SETFL, flags);
	errno = saved_errno;
	return rc;
}

/* The empty pipes splice_pipe_put kept: one process, one thread relays. */
static int	kept[SPLICE_PIPES_KEPT][2];
static size_t	nkept;

int
splice_pipe(int p[2])
{
	if (nkept > 0) {
		nkept--;
		p[0] = kept[nkept][0];
		p[1] = kept[nkept][1];
		return 0;
	}
	/* the default 64 KiB: a relay's memory stays bounded */
	return pipe2(p, O_CLOEXEC | O_NONBLOCK);
}

void
splice_pipe_put(int p[2], bool empty)
{
	if (p[0] == -1)
		return;
	if (empty && nkept < SPLICE_PIPES_KEPT) {
		kept[nkept][0] = p[0];
		kept[nkept][1] = p[1];
		nkept++;
	} else {
		close(p[0]);
		close(p[1]);
	}
	p[0] = p[1] = -1;
}

ssize_t
splice_file(int file, int sock, off_t *off, size_t len)
{
	ssize_t n;

	do
		n = sendfile(sock, file, off, len);
	while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
splice_move(int in, int out, size_t len)
{
	ssize_t n;

	do
		n = splice(in, NULL, out, NULL, len, SPLICE_F_MOVE |
		    SPLICE_F_NONBLOCK);
	while (n == -1 && errno == EINTR);
	return n;
}
