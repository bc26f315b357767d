/*
 * Pure core.  The relay's paths where the kernel moves the bytes
 * (sendfile/splice) and system calls block instead of polling, for
 * when only one direction is left.
 */
#ifndef SOCKUTILS_SPLICE_H
#define SOCKUTILS_SPLICE_H

#include "relay.h"

/*
 * Sends r->in to its end without copying through user space:
 * sendfile(2) from a regular file, splice(2) from a pipe; what the peer
 * sends meanwhile is dropped.  Returns 0, -1 with r->failed set, or 1
 * if in cannot be sent so (nothing was sent then).
 */
int	splice_send(struct relay *r);

/*
 * Receives the rest into r->out through the kernel: straight into a
 * pipe, or through a pipe of our own into a file or /dev/null, buf
 * (RELAY_BUFSIZE) for what a failed splice leaves.  Returns 0, -1
 * with r->failed set, or 1 if out takes no splice (nothing read then).
 */
int	splice_recv(struct relay *r, char *buf);

#endif
