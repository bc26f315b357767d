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

/* The lookups of the specs: one per host name, however often named. */
struct hosts {
	struct lookup	*lk;
	size_t		 n;
	size_t		*of;	/* of[i]: the lookup of spec i */
};

/* A spec by its host name, to find the specs that share one. */
struct named {
	const char	*host;
	size_t		 spec;
};

static int
by_host(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->host,
	    ((const struct named *)b)->host);
}

/* One lookup for each host of the n specs.  Returns 0, or -1 (ENOMEM). */
static int
hosts_of(const struct target_spec *v, size_t n, struct hosts *h)
{
	struct named *byname;
	const char *errstr;
	size_t i, distinct = 0;

	if ((byname = calloc(n ? n : 1, sizeof(*byname))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		byname[i].host = v[i].host;
		byname[i].spec = i;
	}
	qsort(byname, n, sizeof(*byname), by_host);
	for (i = 0; i < n; i++)
		distinct += i == 0 ||
		    strcmp(byname[i].host, byname[i - 1].host) != 0;
	if ((h->of = calloc(n ? n : 1, sizeof(*h->of))) == NULL ||
	    (h->lk = calloc(distinct ? distinct : 1, sizeof(*h->lk))) == NULL) {
		free(byname);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(byname[i].host, byname[i - 1].host) != 0) {
			h->lk[h->n].name = byname[i].host;
			if (idna_check_hostname(byname[i].host, &errstr) == -1)
				h->lk[h->n].invalid = errstr;
			h->n++;
		}
		h->of[byname[i].spec] = h->n - 1;
	}
	free(byname);
	return 0;
}

static void
hosts_free(struct hosts *h)
{
	size_t i;

	for (i = 0; h->lk != NULL && i < h->n; i++)
		if (h->lk[i].res != NULL)
			freeaddrinfo(h->lk[i].res);
	free(h->lk);
	free(h->of);
	memset(h, 0, sizeof(*h));
}

/*
 * Looks up the hosts of the n specs, all within one bound.  Returns 0,
 * or -1 if memory ran out.
 */
static int
look_up(const struct target_spec *v, size_t n, int family,
    const struct dial_options *o, long long start, struct hosts *h)
{
	struct deadline dl;
	long long ms;

	if (hosts_of(v, n, h) == -1) {
		hosts_free(h);
		return -1;
	}
	/* the lookups share the bound of one connection attempt */
	ms = o->timeout_ms;
	if (o->wait_ms >= 0 && (ms < 0 || o->wait_ms < ms))
		ms = o->wait_ms;
	/* dial.h still holds no bound as -1; timing.h as NO_LIMIT */
	deadline_start(&dl, ms < 0 ? NO_LIMIT : ms);
	resolve_names(h->lk, h->n, family, &dl, lookup_answered, NULL);
	relookup(h->lk, h->n, family, o->timeout_ms, o->wait_ms, start);
	return 0;
}

/* The lookup of spec i, or NULL if memory ran out before it. */
static const struct lookup *
lookup_of(const struct hosts *h, size_t i)
{
	return h->lk != NULL ? &h->lk[h->of[i]] : NULL;
}

/* The specs, their lookups, and where the walk through their ports is. */
struct walk {
	const struct target_spec	*v;
	struct hosts			 h;
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
	const struct lookup *l;

	for (; w->i < w->n; w->i++, memset(&w->c, 0, sizeof(w->c))) {
		if (!port_list_next(&w->v[w->i].ports, &w->c, &d->port))
			continue;
		l = lookup_of(&w->h, w->i);
		d->addrs = l != NULL && looked_up(l) ? l->res : NULL;
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
	outcome(&t, lookup_of(&w->h, (size_t)(spec - w->v)), d, w->o);
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
	long long start;
	size_t i;

	start = now_ms();
	for (i = 0; i < n; i++)
		feed.count += v[i].ports.ports;
	if (feed.count > 1)
		raise_descriptor_limit();
	/* without memory for them, each target fails saying so */
	(void)look_up(v, n, family, o, start, &w.h);
	/* the wait includes the lookups */
	w.lookups_ms = now_ms() - start;
	if (o->wait_ms >= 0) {
		rest.wait_ms = o->wait_ms - w.lookups_ms;
		if (rest.wait_ms < 0)
			rest.wait_ms = 0;
	}
	dial_stream(&feed, &rest);
	hosts_free(&w.h);
}
