/*
 * Pure core.  A byte stream the relay moves bytes over: one end of a
 * connection, seen through four operations (read, write, shutdown,
 * close) so that a plain socket and a TLS session (tls.h) are relayed
 * by the same code.  Reads and writes never block: -1 with EAGAIN says
 * to wait until fd shows rd_events (for a read) or wr_events (for a
 * write); a TLS session may need POLLOUT to read or POLLIN to write.
 * Only a plain socket (spliceable) lets the kernel move its bytes
 * (splice.h), since a TLS session must see each one.
 */
#ifndef SOCKUTILS_STREAM_H
#define SOCKUTILS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct stream;

struct stream_ops {
	/* At most len bytes: how many, 0 at the end, or -1 with errno. */
	ssize_t	(*read)(struct stream *s, void *buf, size_t len);
	/* At most len bytes: how many, or -1 with errno (never 0). */
	ssize_t	(*write)(struct stream *s, const void *buf, size_t len);
	/* The end of what we send (FIN, close_notify): 0, or -1 and errno. */
	int	(*shutdown)(struct stream *s);
	/* Closes fd; with reset the peer sees the transfer cut short. */
	void	(*close)(struct stream *s, bool reset);
};

struct stream {
	const struct stream_ops	*ops;
	int			 fd;		/* what to poll */
	void			*impl;		/* a TLS session, or NULL */
	short			 rd_events;	/* what a read that said EAGAIN waits for */
	short			 wr_events;	/* what a write that said EAGAIN waits for */
	bool			 spliceable;	/* a plain socket */
};

/*
 * s as the connected stream socket fd, blocking or not: reads and writes
 * return EAGAIN instead of waiting, writes never raise SIGPIPE, a
 * shutdown of a connection reset since fails with ECONNRESET.
 */
void	stream_socket(struct stream *s, int fd);

/*
 * Writes what s takes of len bytes now, retrying partial writes.
 * Returns how many (0 when s takes none now), or -1 with errno.
 */
ssize_t	stream_write_some(struct stream *s, const void *buf, size_t len);

/* Reads what s has now: as ops->read, EINTR retried. */
ssize_t	stream_read(struct stream *s, void *buf, size_t len);

#endif
