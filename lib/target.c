#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "exitcode.h"
#include "fdlimit.h"
#include "idna.h"
#include "portlist.h"
#include "relookup.h"
#include "resolve.h"
#include "target.h"

/* The answers stay in the lookups, reported with the connections. */
static void
lookup_answered(struct lookup *l, void *ctx)
{
}

/* Whether l gave addresses to connect to. */
static bool
looked_up(const struct lookup *l)
{
	return l->invalid == NULL && l->gai_error == 0 && !l->timed_out;
}

/* The lookups of the n specs, all within one bound; NULL on ENOMEM. */
static struct lookup *
look_up(const struct target_spec *v, size_t n, int family,
    const struct dial_options *o, long long start)
{
	struct lookup *lk;
	struct deadline dl;
	const char *errstr;
	long long ms;
	size_t i;

	if ((lk = calloc(n ? n : 1, sizeof(*lk))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		lk[i].name = v[i].host;
		if (idna_check_hostname(v[i].host, &errstr) == -1)
			lk[i].invalid = errstr;
	}
	/* the lookups share the bound of one connection attempt */
	ms = o->timeout_ms;
	if (o->wait_ms >= 0 && (ms < 0 || o->wait_ms < ms))
		ms = o->wait_ms;
	/* dial.h still holds no bound as -1; timing.h as NO_LIMIT */
	deadline_start(&dl, ms < 0 ? NO_LIMIT : ms);
	resolve_names(lk, n, family, &dl, lookup_answered, NULL);
	relookup(lk, n, family, o->timeout_ms, o->wait_ms, start);
	return lk;
}

/* The specs, their lookups, and where the walk through their ports is. */
struct walk {
	const struct target_spec	*v;
	const struct lookup		*lk;	/* NULL: memory ran out */
	size_t				 n;
	size_t				 i;	/* the spec of the next port */
	struct port_cursor		 c;
	const struct dial_options	*o;
	long long			 lookups_ms;	/* the lookups took */
	target_fn			*checked;
	void				*ctx;
};

/* The next HOST PORT as a dial, without addresses if its lookup failed. */
static bool
next_target(void *ctx, struct dial *d)
{
	struct walk *w = ctx;

	for (; w->i < w->n; w->i++, memset(&w->c, 0, sizeof(w->c))) {
		if (!port_list_next(&w->v[w->i].ports, &w->c, &d->port))
			continue;
		d->addrs = w->lk != NULL && looked_up(&w->lk[w->i]) ?
		    w->lk[w->i].res : NULL;
		d->user = (void *)&w->v[w->i];
		return true;
	}
	return false;
}

/* The outcome of t from its lookup l and its dial d. */
static void
outcome(struct target *t, const struct lookup *l, const struct dial *d,
    const struct dial_options *o)
{
	char host[ADDRSTR_MAX];

	if (l == NULL || !looked_up(l)) {
		t->status = l == NULL ? EX_OSERR : lookup_exit_status(l);
		t->reason = l == NULL ? strerror(ENOMEM) : lookup_strerror(l);
		t->waited_out = o->wait_ms >= 0 && t->status == EX_TEMPFAIL;
		return;
	}
	if (d->connected == NULL) {
		t->reason = strerror(d->error);
		t->step = d->step;
		t->waited_out = d->waited_out;
		t->status = d->waited_out ? EX_TEMPFAIL :
		    ex_errno(d->error, EX_OSERR);
		return;
	}
	t->open = true;
	t->fd = d->fd;
	sockaddr_host(d->connected->ai_addr, t->address);
	if (d->fd != -1)
		socket_endpoint(d->fd, 0, t->local);
	else if (d->local.ss_family != AF_UNSPEC)
		snprintf(t->local, sizeof(t->local), "%s %u",
		    sockaddr_host((const struct sockaddr *)&d->local, host),
		    sockaddr_port((const struct sockaddr *)&d->local));
}

/* A dial is over: its target as the user reads it, to w->checked. */
static void
target_ended(void *ctx, struct dial *d)
{
	struct walk *w = ctx;
	const struct target_spec *spec = d->user;
	struct target t = { .fd = -1 };
	char *name;

	t.ep.host = spec->host;
	t.ep.port = d->port;
	t.ms = w->lookups_ms + d->ms;
	outcome(&t, w->lk != NULL ? &w->lk[spec - w->v] : NULL, d, w->o);
	/* without memory for the name, the host alone names it */
	name = endpoint_string(&t.ep);
	t.name = name != NULL ? name : spec->host;
	w->checked(&t, w->ctx);
	free(name);
}

void
connect_targets(const struct target_spec *v, size_t n, int family,
    const struct dial_options *o, target_fn *checked, void *ctx)
{
	struct dial_options rest = *o;
	struct walk w = { .v = v, .n = n, .o = o, .checked = checked,
	    .ctx = ctx };
	struct dial_feed feed = { .next = next_target, .ended = target_ended,
	    .ctx = &w };
	struct lookup *lk;
	long long start;
	size_t i;

	start = now_ms();
	for (i = 0; i < n; i++)
		feed.count += v[i].ports.ports;
	if (feed.count > 1)
		raise_descriptor_limit();
	w.lk = lk = look_up(v, n, family, o, start);
	/* the wait includes the lookups */
	w.lookups_ms = now_ms() - start;
	if (o->wait_ms >= 0) {
		rest.wait_ms = o->wait_ms - w.lookups_ms;
		if (rest.wait_ms < 0)
			rest.wait_ms = 0;
	}
	dial_stream(&feed, &rest);
	for (i = 0; lk != NULL && i < n; i++)
		if (lk[i].res != NULL)
			freeaddrinfo(lk[i].res);
	free(lk);
}
