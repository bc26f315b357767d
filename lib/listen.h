/*
 * Pure core.  The listening side: the address a listener binds
 * (loopback unless the user names another), the bound sockets (one,
 * or one per family for -4 -6, on one port, waited on together), and
 * the port file that tells a script the port once they are ready.
 */
#ifndef SOCKUTILS_LISTEN_H
#define SOCKUTILS_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * A burst of clients (more than --max-conns, or than one at a time
 * without -k) waits in the accept queue instead of having its SYNs
 * dropped and retried seconds later; the kernel caps it at
 * net.core.somaxconn.  glibc's SOMAXCONN, since the kernel's default
 * became 4096 (Linux 5.4); musl's is still 128.
 */
#define LISTEN_BACKLOG	4096

#include "step.h"
#include "timing.h"

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
	    enum step *step);

/* The most sockets one listener holds: one per family, for -4 -6. */
#define LISTEN_SET_MAX	2

/* The sockets of one listener, served together. */
struct listen_set {
	int	fd[LISTEN_SET_MAX];
	size_t	n;		/* how many are open */
	size_t	next;		/* where listen_set_wait looks first */
};

/*
 * PORT 0 on two families: the port the first was given may be the
 * second's already.  Each try is a new random port of some 28,000
 * ephemeral ones, so a few tries suffice on the busiest host, and a
 * bound keeps a full port range from turning into a loop.
 */
#define LISTEN_SET_TRIES	8

/* What opens one socket of a set: listen_on's shape. */
typedef int listen_fn(const struct sockaddr *sa, int socktype,
	    enum step *step);

/*
 * Opens ls: a socket of socktype on each of the n (1 to
 * LISTEN_SET_MAX) addresses of addr, all on one port.  With port 0 the
 * first takes the kernel's pick and the others bind that port too;
 * when one of them finds it taken (EADDRINUSE), all are closed and
 * another port is tried, up to LISTEN_SET_TRIES times.  Each addr
 * holds the port last tried.  Returns 0, or -1 with errno set, *step
 * the call that failed and *failed the address it failed on.
 */
int	listen_set_open(struct listen_set *ls, struct sockaddr_storage *addr,
	    size_t n, int socktype, enum step *step, size_t *failed);

/* listen_set_open with opener in place of listen_on (tests take ports). */
int	listen_set_open_with(struct listen_set *ls,
	    struct sockaddr_storage *addr, size_t n, int socktype,
	    listen_fn *opener, enum step *step, size_t *failed);

/* Makes ls the set of the one listening socket fd (a Unix one). */
void	listen_set_one(struct listen_set *ls, int fd);

/* The port the socket fd is bound to, or 0 with errno set. */
unsigned short bound_port(int fd);

/* Closes every socket of ls; it holds none after. */
void	listen_set_close(struct listen_set *ls);

/*
 * Waits until a socket of ls is readable (a connection, a datagram or
 * an error waits) or dl passes; signals do not end the wait.  The
 * sockets take turns, so that a busy one cannot starve the other.
 * Returns the descriptor, or -1 with errno set (ETIMEDOUT at dl).
 */
int	listen_set_wait(struct listen_set *ls, const struct deadline *dl);

/*
 * Writes port and a newline to path atomically (a temporary file in the
 * same directory, then rename), so a reader sees all of it or nothing.
 * Returns 0, or -1 with errno set.
 */
int	write_port_file(const char *path, unsigned short port);

/*
 * The next connection on any listening stream socket of ls, waiting at
 * most timeout_ms (NO_LIMIT: for ever); connections that vanish while
 * queued are skipped.  Returns a blocking descriptor and the peer's address
 * in *peer (if not NULL: a peer that already reset the connection has
 * none for getpeername), or -1 with errno set (ETIMEDOUT when the time
 * passed).
 */
int	accept_within(struct listen_set *ls, long long timeout_ms,
	    struct sockaddr_storage *peer);

#endif
