/*
 * Pure core, prints nothing.  --expect: a health check that sees the
 * answer.  Sends a request (or nothing: a banner check), reads the
 * reply, and ends at once, without waiting for the peer to close, when
 * one of its lines matches a regular expression (ere.h); or
 * says why not: the peer closed, or sent max_bytes, without such a
 * line; the deadline passed; the connection failed.
 */
#ifndef SOCKUTILS_EXPECT_H
#define SOCKUTILS_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "ere.h"
#include "stream.h"

/* --max-bytes: how much of a reply is read for a match, and at most. */
#define EXPECT_MAX_BYTES_DEFAULT	((size_t)64 * 1024)
#define EXPECT_MAX_BYTES_MAX		((size_t)16 * 1024 * 1024)

/* How much of a reply's first line a reason quotes. */
#define EXPECT_QUOTED_MAX		((size_t)72)

/* Room for a first line escaped and cut, and for a reason quoting it. */
#define EXPECT_QUOTE_MAX		(4 * EXPECT_QUOTED_MAX + sizeof("..."))
#define EXPECT_REASON_MAX		(160 + EXPECT_QUOTE_MAX)

enum expect_end {
	EXPECT_MATCHED,		/* a line matched */
	EXPECT_CLOSED,		/* the peer closed first */
	EXPECT_FULL,		/* max_bytes came first */
	EXPECT_TIMEOUT,		/* the deadline came first */
	EXPECT_SEND,		/* sending failed with error */
	EXPECT_RECV,		/* receiving failed with error */
};

struct expect {
	/* in */
	struct stream	*sock;		/* a connected stream: socket, TLS */
	const char	*data;		/* sent, then the write side shut
					   down; NULL: nothing, left open */
	size_t		 datalen;
	struct ere	*re;		/* what a line is to match */
	char		*buf;		/* max_bytes, for the reply */
	size_t		 max_bytes;
	long long	 end;		/* on now_ms's clock, or NO_LIMIT */
	/* out */
	enum expect_end	 ended;
	size_t		 received;	/* bytes of the reply in buf */
	size_t		 line;		/* the matching line: its offset */
	size_t		 linelen;	/* and length, without CR LF */
	size_t		 through;	/* the reply through that line's LF */
	int		 error;		/* errno for EXPECT_SEND, EXPECT_RECV */
	bool		 shut;		/* all sent, and the write side shut */
};

/*
 * The exchange of x: sends, receives into buf, and matches each line
 * as it completes (a line is what comes before a LF, without a CR
 * right before it; bytes at the end without one are a line once the
 * peer closes or buf is full).  Returns 0 on a match, else -1 with
 * ended saying why.
 */
int	expect_run(struct expect *x);

/*
 * Matches the lines of the len bytes at buf, the last without a LF
 * too, as expect_run does: for a datagram.  Returns whether one
 * matched, with *line and *linelen set.
 */
bool	expect_match(struct ere *re, const char *buf, size_t len,
	    size_t *line, size_t *linelen);

/*
 * Why x did not match, in words, into why (EXPECT_REASON_MAX bytes):
 * "no line matched before the peer closed: first line \"...\"" and
 * the like, the first line escaped and cut.  Returns why, or a
 * constant string.
 */
const char *expect_reason(const struct expect *x, char *why);

/*
 * The first line of the len bytes at buf, without its CR LF, escaped
 * (strvis, C style) and cut to EXPECT_QUOTED_MAX bytes with "...", into
 * out: what a message quotes of a reply that did not match.
 */
const char *expect_first_line(const char *buf, size_t len,
	    char out[EXPECT_QUOTE_MAX]);

/* The exit status of x's end: 0, 76 (no match), 75, or an I/O one. */
int	expect_status(const struct expect *x);

#endif
