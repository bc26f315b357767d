/*
 * Reporting layer.  What a listener tells of the connections it
 * serves.  A peer is one identity for every message and JSON
 * object.  With -v, stderr gets "connection from PEER" and "PEER
 * closed: N bytes received, M sent"; with -j, stdout gets one object
 * a line: {"event":"open",...} and {"event":"close",...,"received":N,
 * "sent":M} around the peer's data objects, which have udp-listen -j's
 * form ("address", "port", "length", then "data" when the bytes are
 * UTF-8 or else "base64"); a Unix peer has "path" for address and port
 * (null for one without an address) and, when a listener serves many,
 * "connection": its number in accept order, also after its name
 * ("unnamed #3"), since a path rarely tells two peers apart.
 */
#ifndef SOCKUTILS_CONNLOG_H
#define SOCKUTILS_CONNLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "address.h"
#include "peercred.h"
#include "tls.h"

/* What " #N" adds to a numbered peer's name */
#define PEER_NUMBER_MAX	(sizeof(" #18446744073709551615") - 1)

struct peer {
	struct sockaddr_storage	 addr;
	socklen_t		 len;
	/* "ADDR PORT", "PATH" or "PATH #N" */
	char			 name[ENDPOINT_MAX + PEER_NUMBER_MAX];
	char			 cred[PEER_CRED_MAX];	/* a Unix peer's, or "" */
	unsigned long long	 number;	/* a Unix peer's, or PEER_UNNUMBERED */
	char			 target[ENDPOINT_MAX];	/* forwarded to, or "" */
	long long		 opened_ms;	/* now_ms() when accepted */
	const struct tls_info	*tls;		/* its handshake's, or NULL */
};

/* number: a peer served alone, told apart by nothing more */
#define PEER_UNNUMBERED	0

/*
 * The peer of the connection fd whose address of len bytes accept gave
 * as addr; for a Unix socket, its process's credentials too, and number
 * (from 1 in accept order, or PEER_UNNUMBERED).
 */
void	peer_set(struct peer *p, int fd, const struct sockaddr_storage *addr,
	    socklen_t len, unsigned long long number);

/*
 * The open and the close of p's connection, as -v and -j ask.  A
 * forwarded one (target set) also tells where to ("connection from
 * PEER to TARGET", "target":"TARGET"), and at its close how long it
 * lasted and how it ended (end: "closed", "reset by client", ...;
 * "ms" and "end" in JSON).  A TLS peer's JSON open also tells its
 * handshake (tlsreport.h: the "tls" object).
 */
void	connlog_open(FILE *json, bool verbose, const struct peer *p);
void	connlog_close(FILE *json, bool verbose, const struct peer *p,
	    unsigned long long received, unsigned long long sent,
	    const char *end);

/* len bytes p sent, as one JSON object on json. */
void	connlog_data(FILE *json, const struct peer *p,
	    const unsigned char *buf, size_t len);

#endif
