/*
 * Pure core, prints nothing.  One target connected to and asked
 * (expect.h), and under --wait asked again, the whole exchange, until
 * its reply matches or the wait is over: a service that answers 503
 * while it warms up is waited for.  Also the one connection of a send
 * without --expect (probe_connect).
 */
#ifndef SOCKUTILS_PROBE_H
#define SOCKUTILS_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "dial.h"
#include "expect.h"
#include "target.h"
#include "tlscheck.h"

struct probe {
	/* in */
	const struct target_spec *spec;		/* one port */
	int			 family;
	const struct dial_options *dial;	/* its wait_ms from began */
	long long		 began;		/* now_ms() when the wait began */
	const char		*data;		/* sent each time, or NULL */
	size_t			 datalen;
	struct ere		*re;
	size_t			 max_bytes;
	long long		 reply_ms;	/* each reply's bound */
	const struct tls_check_options *tls;	/* --tls, or NULL */
	/* out */
	struct target		 t;		/* the last try's connection;
						   t.name to free */
	struct expect		 x;		/* its exchange, x.buf to free */
	struct expect		 answered;	/* the last try with a whole
						   answer, kept for when the
						   wait cuts the one after */
	bool			 have_answer;	/* answered holds one */
	struct tls_conn		*conn;		/* --tls: t.fd's session */
	struct tls_info		 tls_info;	/* and its handshake's outcome */
	bool			 waited_out;	/* --wait passed, no match */
	int			 status;	/* 0: matched */
};

/*
 * Connects to p->spec as connect_targets does, p->t then its outcome
 * (t.fd the connection, or -1); with p->tls, then the handshake
 * (p->conn), tried again as the connect is while it may pass: t.fd -1
 * with t.open and tls_info.err when it failed.  Returns 0, or -1 when
 * memory ran out.
 */
int	probe_connect(struct probe *p);

/*
 * Connects and asks until a match, or until the wait is over (one try
 * without dial->retry); between tries, the pause of a refused connect.
 * Returns p->status: 0, the connection's status, or expect_status.
 */
int	probe_run(struct probe *p);

/* The status of p's connection: the connect's, or the handshake's. */
int	probe_connect_status(const struct probe *p);

void	probe_free(struct probe *p);

#endif
