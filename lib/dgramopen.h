/*
 * Reporting layer.  A sender's datagram socket (datagram.h), connected
 * to the peer its operands name (HOST PORT, or a Unix PATH with -U) as
 * the shared options say (-4, -6, -b); what goes wrong is reported as
 * the suite words it, and exits.
 */
#ifndef SOCKUTILS_DGRAMOPEN_H
#define SOCKUTILS_DGRAMOPEN_H

#include <stdbool.h>

#include "sockopts.h"

/* Where a sender's datagrams go. */
struct dgram_target {
	int	 family;	/* of the address sent to */
	char	*peer;		/* its endpoint_string, to free */
};

/*
 * The socket to HOST PORT, connected (with broadcast, allowed to send
 * to a broadcast address); the peer into t.
 */
int	dgram_open_ip(const char *hostarg, unsigned short port,
	    const struct sockopts *o, bool broadcast, struct dgram_target *t);

/*
 * The socket to the Unix datagram socket path, connected (and with
 * bound, bound to an address of its own, for an answer); the peer
 * into t.
 */
int	dgram_open_unix(const char *path, const struct sockopts *o,
	    bool bound, struct dgram_target *t);

#endif
