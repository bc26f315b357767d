/*
 * Pure core.  Endpoints as users read and write them: an IP host and
 * port, or a Unix socket path, and the one way every tool, message
 * and JSON object names them.
 */
#ifndef SOCKUTILS_ADDRESS_H
#define SOCKUTILS_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Enough for any numeric host ("2001:db8::1%eth0") with its NUL. */
#define ADDRSTR_MAX	64

/* A Unix address: '@' for an abstract name, the bytes of sun_path. */
#define UNIX_NAME_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) + 2)

/* Enough for the endpoint of any socket address, with its NUL. */
#define ENDPOINT_MAX	(UNIX_NAME_MAX > ADDRSTR_MAX + 6 ? \
	UNIX_NAME_MAX : ADDRSTR_MAX + 6)

/*
 * An endpoint: host and port, or (host NULL) a Unix path, as the user
 * wrote them; a path that starts with '@' names an abstract socket.  A
 * Unix socket that has no address (path NULL too) is "unnamed".
 */
struct endpoint {
	const char	*host;
	unsigned short	 port;
	const char	*path;
};

/*
 * e as every message writes it, "HOST PORT" or "PATH", whole, into buf
 * of size bytes.  Returns the length it needs, as snprintf does.
 */
int	endpoint_print(char *buf, size_t size, const struct endpoint *e);

/*
 * endpoint_print into new memory, so that a long name is never cut
 * short.  Returns NULL with errno set.
 */
char	*endpoint_string(const struct endpoint *e);

/* The numeric host of sa ("192.0.2.1", "2001:db8::1"), into buf. */
const char *sockaddr_host(const struct sockaddr *sa, char buf[ADDRSTR_MAX]);

/* The port of an AF_INET or AF_INET6 address, in host order. */
unsigned short sockaddr_port(const struct sockaddr *sa);

/* Sets the port (host order) of an AF_INET or AF_INET6 address. */
void	sockaddr_set_port(struct sockaddr *sa, unsigned short port);

/* The size of an AF_INET or AF_INET6 address. */
socklen_t sockaddr_len(const struct sockaddr *sa);

/*
 * The endpoint of the address sa of len bytes (AF_INET, AF_INET6 or
 * AF_UNIX), printed into buf.
 */
const char *sockaddr_endpoint(const struct sockaddr *sa, socklen_t len,
	    char buf[ENDPOINT_MAX]);

/*
 * Whether sa of len bytes is a Unix socket without an address (unnamed,
 * as a sender that bound none is).
 */
bool	sockaddr_unnamed(const struct sockaddr *sa, socklen_t len);

/* The endpoint of the local (peer: of the remote) end of fd, into buf. */
const char *socket_endpoint(int fd, int peer, char buf[ENDPOINT_MAX]);

#endif
