/*
 * Pure core.  The copy engine: moving bytes over connected byte
 * streams (stream.h: a plain socket, or a TLS session), the one way
 * every tool moves them.
 *
 * relay_run: one stream and the tool's own descriptors: what to send
 * (a descriptor to its end of file, or a buffer) and what the peer
 * sends back, both at once in one poll loop, so that a peer that
 * answers before the input ends, or echoes a lot, cannot deadlock it.
 * When only one direction is left and the descriptors allow, the
 * kernel moves the bytes (splice.h) and system calls block instead of
 * polling.
 *
 * struct relay_flow: one direction between two streams, moved as each
 * is ready, in a caller's poll loop with many others (a forwarding
 * listener's connections); through a pipe with splice when both are
 * plain sockets.  Its memory is bounded: a slow reader throttles the
 * writer.
 */
#ifndef SOCKUTILS_RELAY_H
#define SOCKUTILS_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "io.h"
#include "stream.h"

/* Big enough that a system call moves a lot; two per relay_run. */
#define RELAY_BUFSIZE	((size_t)128 * 1024)
/* A flow's buffer when it cannot splice: one TLS record. */
#define RELAY_FLOW_BUFSIZE	((size_t)16 * 1024)
/* max_recv: no limit */
#define RELAY_UNLIMITED	(-1LL)

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
	struct stream	*sock;		/* a connected stream, blocking fd */
	int		 in;		/* sent until its end of file, or -1 */
	const void	*data;		/* or with in -1, this is sent, or NULL */
	size_t		 datalen;
	int		 out;		/* gets what sock receives, or -1 */
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_recv;	/* RELAY_UNLIMITED: until end of file */
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
 * Bytes are read only while stop signals are held (signals.h), until
 * they are written out.  One relay at a time: its buffers are static,
 * so that a listener taking thousands of connections allocates
 * nothing for each.  Returns 0, or -1 with failed and error set.
 */
int	relay_run(struct relay *r);

/*
 * How much more may move after moved bytes of limit (RELAY_UNLIMITED:
 * no limit), at most max.
 */
size_t	relay_allowance(long long limit, unsigned long long moved, size_t max);

/*
 * Sends what s takes now of len bytes of the regular file fd from
 * *off, which advances: sendfile where s is spliceable, else read into
 * buf (bufsize bytes) and written.  Returns how many (0 when s takes
 * none now), or -1 with errno.
 */
ssize_t	relay_send_file(struct stream *s, int fd, off_t *off, size_t len,
	    char *buf, size_t bufsize);

/* Which stream of a flow failed. */
enum relay_end {
	RELAY_FROM,
	RELAY_TO,
};

struct relay_flow {
	struct stream	*from, *to;
	char		*buf;		/* what was read and not yet written */
	size_t		 off, len;
	int		 pipe[2];	/* spliced through, or -1 */
	size_t		 piped;		/* bytes in the pipe */
	unsigned long long moved;	/* written to to */
	bool		 from_blocked;	/* until from shows rd_events */
	bool		 to_blocked;	/* until to shows wr_events */
	bool		 eof;		/* from has ended */
	bool		 done;		/* to is shut down: nothing more moves */
	enum relay_end	 failed;	/* with -1 from a call below */
};

/*
 * Starts the flow from one stream to another; through a pipe when the
 * caller lets it splice and both are spliceable.  Returns 0, or -1 with
 * errno set.
 */
int	relay_flow_init(struct relay_flow *f, struct stream *from,
	    struct stream *to, bool may_splice);

/* Releases the flow's buffer or pipe (not its streams). */
void	relay_flow_free(struct relay_flow *f);

/*
 * Moves what can move now without waiting, and once from has ended
 * and all is written, shuts to down.  Returns 0, or -1 with errno and
 * f->failed set.
 */
int	relay_flow_step(struct relay_flow *f);

/* What the flow waits for on fd (from's, to's or both): poll events. */
short	relay_flow_events(const struct relay_flow *f, int fd);

/* fd showed revents: the flow's waits on it are over. */
void	relay_flow_ready(struct relay_flow *f, int fd, short revents);

#endif
