/* Socket addresses as users read and write them. */
#ifndef SOCKUTILS_ADDRESS_H
#define SOCKUTILS_ADDRESS_H

#include <sys/socket.h>

/* Enough for any numeric host ("2001:db8::1%eth0") with its NUL. */
#define ADDRSTR_MAX	64

/* The numeric host of sa ("192.0.2.1", "2001:db8::1"), into buf. */
const char *sockaddr_host(const struct sockaddr *sa, char buf[ADDRSTR_MAX]);

/* The port of an AF_INET or AF_INET6 address, in host order. */
unsigned short sockaddr_port(const struct sockaddr *sa);

/* The size of an AF_INET or AF_INET6 address. */
socklen_t sockaddr_len(const struct sockaddr *sa);

/* "ADDR PORT" of the local (peer: of the remote) end of fd, into buf. */
#define ENDPOINT_MAX	(ADDRSTR_MAX + 6)
const char *socket_endpoint(int fd, int peer, char buf[ENDPOINT_MAX]);

#endif
