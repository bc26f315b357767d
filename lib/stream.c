#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockclose.h"
#include "stream.h"

static ssize_t
socket_read(struct stream *s, void *buf, size_t len)
{
	return recv(s->fd, buf, len, MSG_DONTWAIT);
}

static ssize_t
socket_write(struct stream *s, const void *buf, size_t len)
{
	return send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static int
socket_shutdown(struct stream *s)
{
	if (shutdown(s->fd, SHUT_WR) == 0)
		return 0;
	/* a connection that was connected: reset since */
	if (errno == ENOTCONN)
		errno = ECONNRESET;
	return -1;
}

static void
socket_close(struct stream *s, bool reset)
{
	if (reset)
		close_reset(s->fd);
	else
		close(s->fd);
	s->fd = -1;
}

static const struct stream_ops socket_ops = {
	.read = socket_read,
	.write = socket_write,
	.shutdown = socket_shutdown,
	.close = socket_close,
};

void
stream_socket(struct stream *s, int fd)
{
	s->ops = &socket_ops;
	s->fd = fd;
	s->impl = NULL;
	s->rd_events = POLLIN;
	s->wr_events = POLLOUT;
	s->spliceable = true;
}

ssize_t
stream_read(struct stream *s, void *buf, size_t len)
{
	ssize_t n;

	while ((n = s->ops->read(s, buf, len)) == -1 && errno == EINTR)
		;
	return n;
}

ssize_t
stream_write_some(struct stream *s, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = s->ops->write(s, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* what went is told; the error comes again on the next */
		if (n == -1)
			return done > 0 ? (ssize_t)done : -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}
