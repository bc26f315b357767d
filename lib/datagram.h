/*
 * Pure core.  UDP and Unix datagrams: the size limits, a socket connected to the first
 * address that takes one, bounded waits, and receiving with the local
 * address so that a reply leaves from the address the datagram came to.
 */
#ifndef SOCKUTILS_DATAGRAM_H
#define SOCKUTILS_DATAGRAM_H

#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "step.h"
#include "timing.h"

#define DGRAM_MAX_IPV4	65507	/* 65535 - 20 (IPv4 header) - 8 (UDP) */
#define DGRAM_MAX_IPV6	65527	/* 65535 - 8: IPv6 counts no header */
/*
 * A Unix datagram is bounded by the sender's send buffer (212 KiB less
 * some overhead by default; more where net.core.wmem_max allows): up to
 * this much is handed to the kernel, which refuses what does not fit
 * (EMSGSIZE), and received whole.
 */
#define DGRAM_MAX_UNIX	((size_t)1024 * 1024)
#define DGRAM_BUFSIZE	DGRAM_MAX_UNIX	/* holds any datagram */

/*
 * The largest payload for family: IPv6's for AF_INET6, DGRAM_MAX_UNIX
 * for AF_UNIX, else IPv4's.
 */
size_t	dgram_max(int family);

/* "IPv4", "IPv6" or "Unix", for messages. */
const char *family_name(int family);

/*
 * A UDP socket, bound to src unless it is NULL, connected to the first
 * address of res that takes it (connecting sends nothing; it names the
 * peer, so that replies from others are dropped and an ICMP port
 * unreachable becomes ECONNREFUSED); with broadcast, allowed to send
 * to a broadcast address (SO_BROADCAST: without it, connecting to one
 * fails with EACCES).  Returns the descriptor with *used the address,
 * or -1 with errno set, *step the call that failed (socket,
 * setsockopt, bind, connect) and *used the last address tried.
 */
int	dgram_connect(const struct addrinfo *res, const struct sockaddr *src,
	    bool broadcast, const struct addrinfo **used, enum step *step);

/*
 * Sends len bytes of buf as one datagram on the connected fd of family.
 * Returns 0, or -1 with errno set (EMSGSIZE, without sending, for a
 * datagram over dgram_max(family)).
 */
int	dgram_send(int fd, int family, const void *buf, size_t len);

/*
 * Waits until a datagram (or an error) is ready on fd or dl passes.
 * Returns 1 when ready, 0 at the deadline, -1 with errno set.
 */
int	dgram_wait(int fd, const struct deadline *dl);

/* A received datagram: its bytes, its sender and its local address. */
struct datagram {
	unsigned char		buf[DGRAM_BUFSIZE];
	size_t			len;
	struct sockaddr_storage	from;
	socklen_t		fromlen;
	int			local_family;	/* 0: not known */
	struct in_pktinfo	local4;
	struct in6_pktinfo	local6;
	bool			has_cred;	/* a Unix sender's credentials */
	struct ucred		cred;
};

/*
 * Asks the kernel to tell each datagram's local address on fd, for a
 * socket bound to a wildcard address; for AF_UNIX, its sender's
 * credentials (SO_PASSCRED), which even a sender without an address
 * has.  Returns 0, or -1 with errno set.
 */
int	dgram_want_local(int fd, int family);

/*
 * Receives one datagram on fd into d; a sender without an address (an
 * unnamed Unix socket) has fromlen no more than its family.  Returns
 * 0, or -1 with errno set.
 */
int	dgram_recv(int fd, struct datagram *d);

/*
 * Sends len bytes of buf to the sender of d, from the local address d
 * came to when it is known.  Returns 0, or -1 with errno set
 * (EDESTADDRREQ for a sender that has no address).
 */
int	dgram_reply(int fd, const struct datagram *d, const void *buf,
	    size_t len);

/* Whether the sender of d has an address to answer to. */
bool	dgram_sender_named(const struct datagram *d);

/*
 * A Unix datagram socket connected to ua, bound first to an abstract
 * address of its own (Linux autobind) when named, so that the peer
 * can answer.  Returns the descriptor, or -1 with errno set and *step
 * the call that failed.
 */
int	dgram_connect_unix(const struct sockaddr_un *sun, socklen_t len,
	    bool named, enum step *step);

#endif
