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

/* Whether spec is a Unix path (one target), not a HOST and its ports. */
static bool
is_path(const struct target_spec *spec)
{
	return spec->host == NULL;
}

/* Whether spec's host is looked up for its dials: not looked up yet. */
static bool
needs_lookup(const struct target_spec *spec)
{
	return !is_path(spec) && spec->res == NULL;
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
	size_t i, named = 0, distinct = 0;

	if ((byname = calloc(n ? n : 1, sizeof(*byname))) == NULL)
		return -1;
	/* a Unix path has nothing to look up, nor a host looked up once */
	for (i = 0; i < n; i++) {
		if (!needs_lookup(&v[i]))
			continue;
		byname[named].host = v[i].host;
		byname[named++].spec = i;
	}
	qsort(byname, named, sizeof(*byname), by_host);
	for (i = 0; i < named; i++)
		distinct += i == 0 ||
		    strcmp(byname[i].host, byname[i - 1].host) != 0;
	if ((h->of = calloc(n ? n : 1, sizeof(*h->of))) == NULL ||
	    (h->lk = calloc(distinct ? distinct : 1, sizeof(*h->lk))) == NULL) {
		free(byname);
		return -1;
	}
	for (i = 0; i < named; i++) {
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
 * Whether l names an address as typed, answered then without the
 * lookup threads (a relay dials one for each connection).
 */
static bool
numeric(struct lookup *l, int family)
{
	return l->invalid == NULL && resolve_host(l->name, NULL, family,
	    SOCK_STREAM, AI_NUMERICHOST, &l->res) == 0;
}

/* Whether each of the n lookups of v is an address, answered so. */
static bool
all_numeric(struct lookup *v, size_t n, int family)
{
	size_t i, answered = 0;

	for (i = 0; i < n; i++)
		answered += numeric(&v[i], family);
	if (answered == n)
		return true;
	/* the names go through the pool, and the addresses with them */
	for (i = 0; i < n; i++)
		lookup_free_answer(&v[i]);
	return false;
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
	if (all_numeric(h->lk, h->n, family))
		return 0;
	/* the lookups share the bound of one connection attempt */
	ms = o->retry ? earlier(o->timeout_ms, o->wait_ms) : o->timeout_ms;
	deadline_start(&dl, ms);
	resolve_names(h->lk, h->n, family, &dl, lookup_keep, NULL);
	if (o->retry)
		relookup(h->lk, h->n, family, o->timeout_ms, o->wait_ms, start);
	return 0;
}

/* The lookup of spec i, or NULL if memory ran out before it. */
static const struct lookup *
lookup_of(const struct hosts *h, size_t i)
{
	return h->lk != NULL ? &h->lk[h->of[i]] : NULL;
}

/*
 * The addresses of the Unix paths of the n specs, as the dialer takes
 * them: un[i] for spec i.  Returns NULL if there are none, or if memory
 * ran out (the paths then fail with no address).
 */
static struct addrinfo *
unix_addresses(const struct target_spec *v, size_t n)
{
	struct addrinfo *un;
	size_t i, paths = 0;

	for (i = 0; i < n; i++)
		paths += is_path(&v[i]);
	if (paths == 0 || (un = calloc(n, sizeof(*un))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!is_path(&v[i]))
			continue;
		un[i].ai_family = AF_UNIX;
		un[i].ai_socktype = SOCK_STREAM;
		un[i].ai_addr = (struct sockaddr *)&v[i].un.sun;
		un[i].ai_addrlen = v[i].un.len;
	}
	return un;
}

/* The specs, their lookups, and where the walk through their ports is. */
struct walk {
	const struct target_spec	*v;
	struct hosts			 h;
	struct addrinfo			*un;	/* un[i]: spec i's path */
	size_t				 n;
	size_t				 i;	/* the spec of the next port */
	struct port_cursor		 c;
	const struct dial_options	*o;
	long long			 lookups_ms;	/* the lookups took */
	target_fn			*checked;
	void				*ctx;
};

/* Opens the directory of the Unix address arg if it is there now. */
static int
unix_ready(void *arg)
{
	return unix_address_ready(arg);
}

/*
 * The next HOST PORT (or PATH) as a dial, without addresses if its
 * lookup failed.
 */
static bool
next_target(void *ctx, struct dial *d)
{
	struct walk *w = ctx;
	const struct lookup *l;

	for (; w->i < w->n; w->i++, memset(&w->c, 0, sizeof(w->c))) {
		d->user = (void *)&w->v[w->i];
		if (is_path(&w->v[w->i])) {
			if (w->c.next != 0)
				continue;
			w->c.next = 1;	/* its one target is given */
			d->port = 0;
			d->addrs = w->un != NULL ? &w->un[w->i] : NULL;
			/* a long path's directory may come later */
			d->ready = w->v[w->i].un.pending != NULL ?
			    unix_ready : NULL;
			d->ready_arg = (void *)&w->v[w->i].un;
			return true;
		}
		if (!port_list_next(&w->v[w->i].ports, &w->c, &d->port))
			continue;
		l = lookup_of(&w->h, w->i);
		if (w->v[w->i].res != NULL)
			d->addrs = w->v[w->i].res;
		else
			d->addrs = l != NULL && looked_up(l) ? l->res : NULL;
		return true;
	}
	return false;
}

/* The outcome of t from the dial d that failed. */
static void
dial_failed(struct target *t, const struct dial *d)
{
	t->reason = strerror(d->error);
	t->error = d->error;
	t->step = d->step;
	t->waited_out = d->waited_out;
	if (d->waited_out)
		t->status = EX_TEMPFAIL;
	else if (t->ep.path != NULL) {
		t->status = unix_exit_status(d->error);
		/* Linux refuses a connect to a file that is no socket */
		if (d->error == ECONNREFUSED && !unix_is_socket(t->un)) {
			/* and so does unix_warn */
			t->error = ENOTSOCK;
			t->reason = "not a socket";
		}
	} else
		t->status = ex_errno(d->error, EX_OSERR);
}

/*
 * Whether t's lookup l (NULL if memory ran out: ENOMEM) failed: its
 * outcome then.
 */
static bool
lookup_failed_as(struct target *t, const struct lookup *l,
    const struct dial_options *o)
{
	if (l != NULL && looked_up(l))
		return false;
	t->status = l == NULL ? EX_OSERR : lookup_exit_status(l);
	t->reason = l == NULL ? strerror(ENOMEM) : lookup_strerror(l);
	t->waited_out = o->retry && t->status == EX_TEMPFAIL;
	return true;
}

/* The outcome of t from its dial d, its addresses known. */
static void
outcome(struct target *t, const struct dial *d)
{
	if (d->connected == NULL) {
		dial_failed(t, d);
		return;
	}
	t->open = true;
	t->fd = d->fd;
	if (t->ep.path != NULL)
		return;
	sockaddr_host(d->connected->ai_addr, t->address);
	if (d->fd != -1)
		socket_endpoint(d->fd, 0, t->local);
	else if (d->local.ss_family != AF_UNSPEC)
		sockaddr_endpoint((const struct sockaddr *)&d->local,
		    sizeof(d->local), t->local);
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
	t.ep.path = spec->path;
	t.un = &spec->un;
	t.ms = w->lookups_ms + d->ms;
	if (!needs_lookup(spec) || !lookup_failed_as(&t,
	    lookup_of(&w->h, (size_t)(spec - w->v)), w->o))
		outcome(&t, d);
	/* without memory for the name, the host (or path) alone names it */
	name = endpoint_string(&t.ep);
	t.name = name != NULL ? name : is_path(spec) ? spec->path : spec->host;
	w->checked(&t, w->ctx);
	free(name);
}

/* connect_targets up to its dials: the lookups, then the feed of dials. */
struct target_dial {
	struct walk		 w;
	struct dial_options	 rest;	/* what is left of --wait */
	struct dial_feed	 feed;
	struct dialer		*dr;	/* target_dial_new's */
};

/* Looks the hosts of the n specs up and readies the feed of td. */
static void
targets_start(struct target_dial *td, const struct target_spec *v, size_t n,
    int family, const struct dial_options *o, target_fn *checked, void *ctx)
{
	long long start;
	size_t i;

	memset(td, 0, sizeof(*td));
	td->w.v = v;
	td->w.n = n;
	td->w.o = o;
	td->w.checked = checked;
	td->w.ctx = ctx;
	td->rest = *o;
	td->feed.next = next_target;
	td->feed.ended = target_ended;
	td->feed.ctx = &td->w;
	start = now_ms();
	for (i = 0; i < n; i++)
		td->feed.count += is_path(&v[i]) ? 1 : v[i].ports.ports;
	td->w.un = unix_addresses(v, n);
	if (td->feed.count > 1)
		raise_descriptor_limit();
	/* without memory for them, each target fails saying so */
	(void)look_up(v, n, family, o, start, &td->w.h);
	/* the wait includes the lookups */
	td->w.lookups_ms = now_ms() - start;
	if (o->retry)
		td->rest.wait_ms = time_left(time_after(start, o->wait_ms),
		    now_ms());
}

static void
targets_end(struct target_dial *td)
{
	free(td->w.un);
	hosts_free(&td->w.h);
}

void
connect_targets(const struct target_spec *v, size_t n, int family,
    const struct dial_options *o, target_fn *checked, void *ctx)
{
	struct target_dial td;

	targets_start(&td, v, n, family, o, checked, ctx);
	dial_stream(&td.feed, &td.rest);
	targets_end(&td);
}

struct target_dial *
target_dial_new(const struct target_spec *v, size_t n, int family,
    const struct dial_options *o, target_fn *checked, void *ctx)
{
	struct target_dial *td;

	if ((td = malloc(sizeof(*td))) == NULL)
		return NULL;
	targets_start(td, v, n, family, o, checked, ctx);
	if ((td->dr = dialer_new(&td->feed, &td->rest)) == NULL) {
		targets_end(td);
		free(td);
		return NULL;
	}
	return td;
}

struct dialer *
target_dialer(struct target_dial *td)
{
	return td->dr;
}

void
target_dial_free(struct target_dial *td)
{
	if (td == NULL)
		return;
	dialer_free(td->dr);
	targets_end(td);
	free(td);
}

int
target_spec_resolve(struct target_spec *spec, int family,
    const struct dial_options *o, struct target *t)
{
	struct hosts h;

	memset(t, 0, sizeof(*t));
	memset(&h, 0, sizeof(h));
	t->fd = -1;
	t->ep.host = spec->host;
	if (!needs_lookup(spec))
		return 0;
	if (look_up(spec, 1, family, o, now_ms(), &h) == 0 &&
	    !lookup_failed_as(t, lookup_of(&h, 0), o)) {
		spec->res = h.lk[0].res;
		h.lk[0].res = NULL;
	} else if (h.lk == NULL)
		(void)lookup_failed_as(t, NULL, o);
	hosts_free(&h);
	return t->status;
}
