/*
 * Pure core, prints nothing.  A target written as one word, the way
 * wait-for-it, dockerize, wait4x and compose files write it:
 * HOST:PORT, or [ADDR]:PORT for an IPv6 address.  A host name never
 * contains ':', so a word with one ':' outside brackets names its
 * port; an IPv6 literal written without brackets ("::1",
 * "fe80::1%eth0") is a host alone, as is a word without ':'.  The port
 * is not parsed here: it is whatever follows the ':' (a port, a
 * service name or a list), for the caller's parser.
 */
#ifndef SOCKUTILS_HOSTPORT_H
#define SOCKUTILS_HOSTPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Why a word is no target; hostport_strerror says it in words. */
enum hostport_error {
	HOSTPORT_OK = 0,
	HOSTPORT_EMPTY,			/* "" */
	HOSTPORT_EMPTY_HOST,		/* ":80", "[]:80" */
	HOSTPORT_EMPTY_PORT,		/* "db:", "[::1]:" */
	HOSTPORT_UNCLOSED,		/* "[::1", "[::1:80" */
	HOSTPORT_AFTER_BRACKET,		/* "[::1]80", "[::1]x:80" */
	HOSTPORT_NOT_IPV6,		/* "[db]:80", "[127.0.0.1]:80" */
	HOSTPORT_STRAY_BRACKET,		/* "db]:80", "d[b:80" */
	HOSTPORT_COLONS,		/* "a:b:80": neither IPv6 nor one ':' */
};

/* A word split: the host and, if the word names one, the port. */
struct hostport {
	const char	*host;		/* into the word, brackets left out */
	size_t		 hostlen;	/* bytes of host (not terminated) */
	const char	*port;		/* into the word, to its end; NULL
					   when the word is a host alone */
	bool		 bracketed;	/* written [ADDR] */
};

/*
 * Splits s into *hp.  Returns HOSTPORT_OK, or the reason s is malformed
 * (then *hp is unspecified).  An [ADDR] without ":PORT" is a host alone.
 */
enum hostport_error hostport_parse(const char *s, struct hostport *hp);

/* The reason e in a few words, for "tool: target WORD: REASON". */
const char *hostport_strerror(enum hostport_error e);

#endif
