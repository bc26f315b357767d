/*
 * Reporting layer.  The listener the shared options (sockopts.h)
 * describe: its address, its sockets (IP, or a Unix path's socket file)
 * and the report of where it listens.  Whatever goes wrong exits, with
 * 64 for a malformed value.
 */
#ifndef SOCKUTILS_LISTENER_H
#define SOCKUTILS_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "address.h"
#include "listen.h"
#include "sockopts.h"

/* What a listener's shared options come to. */
struct listener {
	struct sockaddr_storage	 addr[LISTEN_SET_MAX];	/* to bind */
	size_t			 naddr;
	enum escape_mode	 escape;	/* what is received */
	char			*reply;		/* --reply, escapes undone */
	size_t			 replylen;
};

/*
 * Checks and decodes the shared options of a listener on the PORT
 * operand port for proto ("tcp", "udp"), in the order both report
 * errors: -x with --raw, PORT, -b, --reply.  With port NULL (-U), the
 * options that mean nothing for a path exit 64 and no address is set.
 * Without -b the address is the loopback one: 127.0.0.1, ::1 with -6,
 * both with -4 -6 (IPv4's first); -b ADDR is the one address, of its
 * own family with -4 -6.  Output is escaped with -x, or on a terminal
 * without --raw.  The caller frees l->reply.
 */
void	listener_setup(const struct sockopts *o, const char *port,
	    const char *proto, struct listener *l);

/*
 * A socket of socktype listening (bound, for datagrams) at the Unix
 * path (unix.h), with --mode's permissions, its file removed at any
 * exit; with -v, "listening on PATH".  A malformed path exits 64.
 */
int	unix_listener_open(const char *path, int socktype,
	    const struct sockopts *o);

/*
 * Sockets of socktype listening (bound, for datagrams) on each address
 * of l, on one port (listen_set_open), into ls.
 */
void	listener_open(struct listener *l, int socktype, struct listen_set *ls);

/*
 * Tells who waits for the listener ls that it is ready: "listening on
 * ADDR PORT" on stderr with -v for each socket, then the port (one for
 * all) into the --port-file, last so that the lines are there once the
 * file is.  Socket i's endpoint goes into local[i].
 */
void	listener_announce(const struct listen_set *ls,
	    const struct sockopts *o, char local[][ENDPOINT_MAX]);

#endif
