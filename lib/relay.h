/*
 * Pure core.  Moving bytes over a connected stream socket: what to send (a
 * descriptor to its end of file, or a buffer) and what the peer sends
 * back, both at once in one poll loop, so that a peer that answers
 * before the input ends, or echoes a lot, cannot deadlock it.  When
 * only one direction is left and the descriptors allow, the kernel
 * moves the bytes (sendfile/splice) and system calls block instead of
 * polling.
 */
#ifndef SOCKUTILS_RELAY_H
#define SOCKUTILS_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "io.h"

/* Big enough that a system call moves a lot; two per relay. */
#define RELAY_BUFSIZE	((size_t)128 * 1024)
/* the pipes spliced through: the most an unprivileged process may ask */
#define RELAY_PIPE_SIZE	((size_t)1024 * 1024)

enum relay_failure {
	RELAY_OK,
	RELAY_READ_IN,		/* reading in failed */
	RELAY_WRITE_OUT,	/* writing out failed */
	RELAY_SEND,		/* sending on the socket failed */
	RELAY_RECV,		/* receiving from the socket failed */
	RELAY_IDLE,		/* nothing moved for idle_ms */
};

struct relay {
	/* in */
	int		 sock;		/* a connected, blocking stream socket */
	int		 in;		/* sent until its end of file, or -1 */
	const void	*data;		/* or with in -1, this is sent, or NULL */
	size_t		 datalen;
	int		 out;		/* gets what sock receives, or -1 */
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_recv;	/* -1: receive until end of file */
	enum escape_mode escape;	/* how out is written (io.h) */
	bool		 crlf;		/* in's newlines sent as CRLF (io.h) */
	/* out */
	unsigned long long sent, received;
	enum relay_failure failed;
	int		 error;		/* errno of the failure */
};

/*
 * Sends in (or data) on sock and shuts down its write side once all is
 * sent; meanwhile writes what sock receives to out, until the peer's
 * end of file or max_recv bytes.  With out -1, what arrives while
 * sending is read and dropped (so that a peer blocked on writing
 * still reads) and the relay ends when sending does.  Nothing to send
 * (in -1, data NULL): nothing is sent and the write side stays open.
 * One relay at a time: its buffers are static, so that a listener
 * taking thousands of connections allocates nothing for each.
 * Returns 0, or -1 with failed and error set.
 */
int	relay_run(struct relay *r);

/*
 * For the relay's own paths (relay.c, splice.c).  relay_fail sets the
 * failure of r and returns -1; relay_recv_allowance is how much more r
 * may receive, at most max; relay_wait_readable waits until the socket
 * has something to read (or its end), at most idle_ms: 0, or -1 with
 * failed set.  Reading only then, with stop signals held, no signal
 * can find bytes read and not written.
 */
int	relay_fail(struct relay *r, enum relay_failure what, int errnum);
size_t	relay_recv_allowance(const struct relay *r, size_t max);
int	relay_wait_readable(struct relay *r);

#endif
