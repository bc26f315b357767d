/*
 * Pure core.  The listening side: the address a listener binds
 * (loopback unless the user names another), the bound socket, and the
 * port file that tells a script the port once the socket is ready.
 */
#ifndef SOCKUTILS_LISTEN_H
#define SOCKUTILS_LISTEN_H

#include <sys/socket.h>

/*
 * The numeric address addr for family (AF_UNSPEC: either) and port,
 * or with addr NULL the loopback address (127.0.0.1; ::1 for
 * AF_INET6).  IPv4 in dotted quads only, as inet_pton takes it.
 * Returns 0, or -1 with *errstr set (malformed address).
 */
int	bind_address(const char *addr, int family, unsigned short port,
	    struct sockaddr_storage *ss, const char **errstr);

/*
 * A socket of socktype bound to sa (and listening, for streams).
 * Returns the descriptor, or -1 with errno set and *step naming the
 * call that failed ("socket", "setsockopt", "bind", "listen").
 */
int	listen_on(const struct sockaddr *sa, int socktype,
	    const char **step);

/*
 * Writes port and a newline to path atomically (a temporary file in the
 * same directory, then rename), so a reader sees all of it or nothing.
 * Returns 0, or -1 with errno set.
 */
int	write_port_file(const char *path, unsigned short port);

/*
 * The next connection on the listening stream socket fd, waiting at
 * most timeout_ms (NO_LIMIT: for ever); connections that vanish while queued
 * are skipped.  Returns a blocking descriptor and the peer's address
 * in *peer (if not NULL: a peer that already reset the connection has
 * none for getpeername), or -1 with errno set (ETIMEDOUT when the time
 * passed).
 */
int	accept_within(int fd, long long timeout_ms,
	    struct sockaddr_storage *peer);

#endif
