#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockclose.h"
#include "timing.h"

/* close_sent without a timeout of its own waits this long at most. */
#define CLOSE_WAIT_DEFAULT_MS	60000

/*
 * Reads and drops what fd has now.  Returns 1 once the peer has closed,
 * 0 while it is open, or -1 with errno set when the connection failed
 * (a reset: recv reports it once, and then only end of file).
 */
static int
drain(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC)) > 0)
		;
	if (n == 0)
		return 1;
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ?
	    0 : -1;
}

/*
 * Whether a TCP connection is over (reset, or timed out) although bytes
 * are unacknowledged: they never will be.  Other sockets have no such
 * state to ask.
 */
static bool
tcp_closed(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    ti.tcpi_state == TCP_CLOSE;
}

/*
 * Bytes sent on fd and not yet acknowledged; -1 with errno set.  The
 * state is read before the count: a graceful close that ends between
 * the two (the last ACK, then TIME_WAIT, leaves the socket CLOSE) would
 * otherwise pass for a reset with the FIN unacknowledged.
 */
static int
unacknowledged(int fd)
{
	socklen_t len = sizeof(int);
	int n, err;
	bool closed;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	closed = tcp_closed(fd);
	if (ioctl(fd, SIOCOUTQ, &n) == -1)
		return -1;
	if (n != 0 && closed) {
		errno = ECONNRESET;
		return -1;
	}
	return n;
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

/* What close_read_enough drops at most: a reply's rest, not a stream. */
#define DRAIN_MAX	((size_t)256 * 1024)

void
close_read_enough(int fd)
{
	char buf[4096];
	size_t dropped = 0;
	ssize_t n;
	int saved_errno = errno;

	(void)shutdown(fd, SHUT_WR);
	while (dropped < DRAIN_MAX) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		dropped += (size_t)n;
	}
	close(fd);
	errno = saved_errno;
}

int
close_sent(int fd, long long timeout_ms)
{
	struct deadline dl;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long left, pause_ms = 1;
	int n, closed;

	deadline_start(&dl, timeout_ms == NO_LIMIT ? CLOSE_WAIT_DEFAULT_MS :
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
		    (closed = drain(fd)) != 0) {
			if (closed == -1) {
				close_reset(fd);
				return -1;
			}
			/*
			 * Nothing more to read, and a hung-up socket polls
			 * ready at once: poll only sleeps from now on.
			 */
			pfd.fd = -1;
		}
		if (pause_ms < 50)
			pause_ms *= 2;
	}
	(void)drain(fd);	/* unread data would turn the close into a reset */
	return close(fd);
}
