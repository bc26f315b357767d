/*
 * Pure core.  Moving bytes between descriptors without copying them
 * through user space: sendfile(2) from a regular file, splice(2)
 * through a pipe.  A leaf: it knows descriptors, not relays; each
 * failure is -1 with errno and the side that failed.
 */
#ifndef SOCKUTILS_SPLICE_H
#define SOCKUTILS_SPLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* the pipes spliced through: the most an unprivileged process may ask */
#define SPLICE_PIPE_SIZE	((size_t)1024 * 1024)

/* Which descriptor a failure is of: the one read, or the one written. */
enum splice_side {
	SPLICE_IN,
	SPLICE_OUT,
};

/*
 * Sends in (a regular file or a pipe, blocking) to its end on the
 * stream socket sock; what sock receives meanwhile is read and dropped,
 * so that a peer blocked on writing still reads.  Adds to *sent and
 * *dropped.  Returns 0 at in's end, 1 if in cannot be sent so (nothing
 * was sent then), or -1 with errno and *side set.
 */
int	splice_send(int in, int sock, unsigned long long *sent,
	    unsigned long long *dropped, enum splice_side *side);

/*
 * Receives from the stream socket sock into out until sock's end or
 * until *received reaches limit: straight into out if it is a pipe,
 * else through a pipe of our own into a regular file or /dev/null,
 * stop signals held from each read until it is written out (signals.h),
 * buf (bufsize bytes) copying what a failed splice leaves.  Each wait
 * for sock lasts at most idle_ms (NO_LIMIT: for ever), then ETIMEDOUT.
 * Returns 0, 1 if out takes no splice (nothing read then), or -1 with
 * errno and *side set.
 */
int	splice_recv(int sock, int out, unsigned long long limit,
	    long long idle_ms, unsigned long long *received, char *buf,
	    size_t bufsize, enum splice_side *side);

/*
 * A pipe to splice through, both ends non-blocking: one that
 * splice_pipe_put kept, or a new one.  Returns 0, or -1 and errno.
 */
int	splice_pipe(int p[2]);

/*
 * Done with the pipe p of splice_pipe: kept for the next if it is empty
 * and fewer than SPLICE_PIPES_KEPT are, else closed.  A relay that
 * makes a connection a moment saves the two pipe2 and four close(2)
 * calls, as HAProxy's pool of pipes does.  p is -1 after.
 */
#define SPLICE_PIPES_KEPT	32
void	splice_pipe_put(int p[2], bool empty);

/*
 * One sendfile(2) of at most len bytes of the regular file from *off
 * to sock, never waiting where sock is non-blocking; *off advances.
 * Returns how many moved, or -1 with errno (EAGAIN: no room now).
 */
ssize_t	splice_file(int file, int sock, off_t *off, size_t len);

/*
 * One splice(2) of at most len bytes from in to out (one of them a
 * pipe), never waiting.  Returns how many moved, 0 at in's end, or -1
 * with errno (EAGAIN: nothing to move now, or no room).
 */
ssize_t	splice_move(int in, int out, size_t len);

#endif
