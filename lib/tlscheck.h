/*
 * Pure core.  tcp-send -z --tls: the targets of target.h connected to,
 * then each handshake made and the certificate verified, within the
 * same -t and --wait; --wait tries again what may pass (a server that
 * closes or says nothing while it starts) and never a certificate that
 * failed.
 */
#ifndef SOCKUTILS_TLSCHECK_H
#define SOCKUTILS_TLSCHECK_H

#include "target.h"
#include "tls.h"

struct tls_check_options {
	struct tls_client	*client;
	const char		*servername;	/* or NULL: each HOST (none
						   for a Unix socket) */
	long long		 min_days;	/* -1: no expiry check */
};

/*
 * One target checked: t as connect_targets gives it (t->fd closed),
 * and if it connected, info with what its handshake learned and why
 * it failed (TLS_OK: it passed).
 */
typedef void tls_checked_fn(const struct target *t,
	    const struct tls_info *info, void *ctx);

/*
 * The handshake of t's connection (t->fd, kept) with o: the name
 * o->servername or t's HOST, within what is left of d's timeout after
 * connecting and before wait_end (NO_LIMIT: none).  Returns the
 * connection, or NULL with info->err set (tls_connect).
 */
struct tls_conn *tls_check_connect(const struct tls_check_options *o,
	    const struct dial_options *d, const struct target *t,
	    long long wait_end, struct tls_info *info);

/* --min-days: a verified certificate that expires sooner fails (info->err). */
void	tls_check_days(const struct tls_check_options *o,
	    struct tls_info *info);

/*
 * connect_targets, each connection then checked with o: the handshake
 * within what is left of o's timeout (d->timeout_ms, counted from the
 * start of the target's dial), close_notify and the short read of
 * tls_close_check, and with min_days the days left.  Each target goes
 * to checked, in order.
 */
void	tls_check_targets(const struct target_spec *v, size_t n, int family,
	    const struct dial_options *d, const struct tls_check_options *o,
	    tls_checked_fn *checked, void *ctx);

#endif
