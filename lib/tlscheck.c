#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "certinfo.h"
#include "tlscheck.h"

struct check {
	const struct dial_options	*d;
	const struct tls_check_options	*o;
	int				 family;
	long long			 wait_end;	/* --wait's, or NO_LIMIT */
	tls_checked_fn			*checked;
	void				*ctx;
	/* a retry's one target, kept for the next round */
	bool				 got;
	struct target			 again;
	char				*again_name;
};

/* The end of t's handshake: what -t left after connecting, or wait_end. */
static long long
deadline_of(const struct dial_options *d, const struct target *t,
    long long wait_end)
{
	/* -t counts from the start of the dial */
	long long left = d->timeout_ms == NO_LIMIT ? NO_LIMIT :
	    d->timeout_ms > t->ms ? d->timeout_ms - t->ms : 0;

	return earlier(time_after(now_ms(), left), wait_end);
}

struct tls_conn *
tls_check_connect(const struct tls_check_options *o,
    const struct dial_options *d, const struct target *t, long long wait_end,
    struct tls_info *info)
{
	return tls_connect(o->client, t->fd, o->servername != NULL ?
	    o->servername : t->ep.host, deadline_of(d, t, wait_end), info);
}

void
tls_check_days(const struct tls_check_options *o, struct tls_info *info)
{
	char when[ISO8601_MAX];
	long long days;

	if (info->err.class != TLS_OK || o->min_days < 0 || !info->have_cert)
		return;
	days = cert_days_left(info->not_after, time(NULL));
	if (days < o->min_days)
		(void)tls_fail(&info->err, TLS_EXPIRES_SOON,
		    "certificate expires on %s, in %lld days (--min-days %lld)",
		    iso8601_utc(info->not_after, when), days, o->min_days);
}

/* The handshake and close of t's connection into info; fd closed. */
static void
handshake(const struct check *c, const struct target *t,
    struct tls_info *info)
{
	long long deadline = deadline_of(c->d, t, c->wait_end);
	struct tls_conn *conn;

	conn = tls_check_connect(c->o, c->d, t, c->wait_end, info);
	if (conn != NULL)
		(void)tls_close_check(conn, deadline, info);
	close(t->fd);
	tls_check_days(c->o, info);
}

/* Keeps the one target of a retry's dial. */
static void
kept(const struct target *t, void *ctx)
{
	struct check *c = ctx;

	c->got = true;
	c->again = *t;
	c->again_name = endpoint_string(&t->ep);
	c->again.name = c->again_name != NULL ? c->again_name : t->name;
}

/*
 * Dials t's one endpoint again into c->again (its name c->again_name, to
 * free), with what is left of --wait.  Returns whether it has one.
 */
static bool
redial(struct check *c, const struct target *t)
{
	struct target_spec spec = { .host = t->ep.host, .path = t->ep.path,
	    .un.dirfd = -1 };
	struct port_range one = { t->ep.port, t->ep.port };
	struct dial_options rest = *c->d;

	if (t->ep.path != NULL) {
		/* the spec's address, as the first dial had it */
		spec.un = *t->un;
	} else {
		spec.ports.ranges = &one;
		spec.ports.n = 1;
		spec.ports.ports = 1;
	}
	rest.wait_ms = time_left(c->wait_end, now_ms());
	c->got = false;
	c->again_name = NULL;
	connect_targets(&spec, 1, c->family, &rest, kept, c);
	return c->got;
}

/* One target from connect_targets: checked, and again while it may pass. */
static void
connected(const struct target *t, void *ctx)
{
	struct check *c = ctx;
	struct tls_info info;
	struct target cur = *t;
	long long backoff = CONNECT_RETRY_FIRST_MS;
	char *name = NULL;

	for (;;) {
		memset(&info, 0, sizeof(info));
		if (!cur.open)
			break;
		handshake(c, &cur, &info);
		if (!tls_retryable(info.err.class) || c->wait_end == NO_LIMIT ||
		    now_ms() + backoff >= c->wait_end)
			break;
		/* a server still starting: a pause, as the dialer's */
		(void)poll(NULL, 0, poll_timeout(backoff));
		backoff = dial_next_backoff(backoff, 0);
		if (!redial(c, &cur))
			break;
		tls_info_free(&info);
		free(name);
		name = c->again_name;
		cur = c->again;
	}
	c->checked(&cur, &info, c->ctx);
	tls_info_free(&info);
	free(name);
}

void
tls_check_targets(const struct target_spec *v, size_t n, int family,
    const struct dial_options *d, const struct tls_check_options *o,
    tls_checked_fn *checked, void *ctx)
{
	struct dial_options keep = *d;
	struct check c = { .d = d, .o = o, .family = family,
	    .checked = checked, .ctx = ctx };

	c.wait_end = d->retry ? time_after(now_ms(), d->wait_ms) : NO_LIMIT;
	/* the handshake needs the connection */
	keep.check_only = false;
	c.d = &keep;
	connect_targets(v, n, family, &keep, connected, &c);
}
