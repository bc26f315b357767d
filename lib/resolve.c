#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "exitcode.h"
#include "idna.h"
#include "parse.h"
#include "pool.h"
#include "resolve.h"
#include "stub.h"
#include "dnswire.h"

static bool
same_address(const struct addrinfo *a, const struct addrinfo *b)
{
	return a->ai_addrlen == b->ai_addrlen &&
	    memcmp(a->ai_addr, b->ai_addr, a->ai_addrlen) == 0;
}

/* Drops entries whose address an earlier entry already has. */
static void
dedup(struct addrinfo *res)
{
	struct addrinfo *ai, *prev, *seen, *dup;

	for (prev = res; prev != NULL && prev->ai_next != NULL;) {
		ai = prev->ai_next;
		for (seen = res; seen != ai && !same_address(seen, ai);)
			seen = seen->ai_next;
		if (seen == ai) {
			prev = ai;
			continue;
		}
		dup = ai;
		prev->ai_next = ai->ai_next;
		dup->ai_next = NULL;
		freeaddrinfo(dup);	/* POSIX allows freeing sublists */
	}
}

int
resolve_host(const char *name, const char *service, int family,
    int socktype, int flags, struct addrinfo **res)
{
	struct addrinfo hints;
	char *ascii;
	int rc, idn_rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = flags;
	rc = getaddrinfo(name, service, &hints, res);
	if ((rc == EAI_NONAME || rc == EAI_NODATA) && idna_applies(name) &&
	    (ascii = idna_to_ascii(name)) != NULL) {
		idn_rc = getaddrinfo(ascii, service, &hints, res);
		free(ascii);
		/* the name as written may exist (EAI_NODATA): say so */
		if (idn_rc != EAI_NONAME)
			rc = idn_rc;
	}
	if (rc == 0)
		dedup(*res);
	return rc;
}

struct resolve_stream {
	struct pool		*pool;
	struct stub		*stub;		/* once a name uses it */
	struct stub_conf	 conf;
	bool			 conf_read;	/* once a name could use it */
	bool			 conf_usable;
	struct lookup_options	 o;
	lookup_done_fn		*done;
	void			*ctx;
};

struct lookup_job {
	struct lookup		 l;
	struct ip_address	 ip;		/* by address: name's */
	struct deadline		 dl;
	struct pool_ticket	 ticket;	/* with the stub */
	char			 reverse[DNS_REVERSE_TEXT];	/* ip's, for it */
	bool			 wait;		/* the stream's --wait */
	char			 name[];
};

/* One try of the lookup of j, as rs looks names up. */
static void
look_up_once(struct lookup_job *j, const struct resolve_stream *rs)
{
	lookup_free_answer(&j->l);
	if (rs->o.by_address) {
		j->l.herr = hostinfo_byaddr(&j->l.hi, &j->ip);
		j->l.sys_errno = errno;
		return;
	}
	j->l.gai_error = resolve_host(j->name, NULL, rs->o.family, SOCK_STREAM,
	    0, &j->l.res);
	j->l.sys_errno = errno;
}

/* Whether j may have a try after failed ones that ended failing. */
static bool
more_tries(const struct lookup_job *j, unsigned failed)
{
	/* without a deadline, a few: the resolver's own bound */
	return j->dl.set || j->wait || failed < LOOKUP_TRIES;
}

/* What the answer of j's try says, after failed tries that failed. */
static enum pool_try
try_result(const struct lookup_job *j, unsigned failed,
    const struct resolve_stream *rs)
{
	switch (lookup_exit_status(&j->l)) {
	case EX_TEMPFAIL:
		return more_tries(j, failed + 1) ? POOL_BUSY : POOL_ANSWERED;
	case EX_NOHOST:
		return rs->o.wait ? POOL_NOT_YET : POOL_ANSWERED;
	default:
		return POOL_ANSWERED;
	}
}

static enum pool_try
job_run(void *job, unsigned failed, void *ctx)
{
	struct lookup_job *j = job;
	const struct resolve_stream *rs = ctx;

	look_up_once(j, rs);
	return try_result(j, failed, rs);
}

static void
job_report(void *job, bool timed_out, void *ctx)
{
	struct lookup_job *j = job;
	const struct resolve_stream *rs = ctx;
	struct lookup late;

	if (!timed_out) {
		rs->done(&j->l, rs->ctx);
		/* done's now */
		j->l.res = NULL;
		j->l.hi.buf = NULL;
		return;
	}
	/* its worker may still be writing the answer fields */
	memset(&late, 0, sizeof(late));
	late.name = j->l.name;
	late.invalid = j->l.invalid;
	late.by_address = j->l.by_address;
	late.gai_error = EAI_AGAIN;
	late.herr = TRY_AGAIN;
	late.timed_out = true;
	rs->done(&late, rs->ctx);
}

static void
job_free(void *job)
{
	struct lookup_job *j = job;

	lookup_free_answer(&j->l);
	free(j);
}

/* Another try of job, unless it has had all it may. */
/* A new job, for name, with what its lookups need (not its answer). */
static struct lookup_job *
job_new(const char *name, const struct lookup *l,
    const struct ip_address *ip, const struct deadline *dl, bool wait)
{
	struct lookup_job *j;
	size_t len = strlen(name);

	if ((j = calloc(1, sizeof(*j) + len + 1)) == NULL)
		return NULL;
	memcpy(j->name, name, len + 1);
	j->l.name = j->name;
	j->l.invalid = l->invalid;
	j->l.by_address = l->by_address;
	if (ip != NULL)
		j->ip = *ip;
	j->dl = *dl;
	j->wait = wait;
	return j;
}

/* Another try of job, its running one given up as lost. */
static void *
job_copy(const void *job)
{
	const struct lookup_job *j = job;

	return job_new(j->name, &j->l, &j->ip, &j->dl, j->wait);
}

static const struct pool_ops lookup_ops = { job_run, job_report, job_free,
    job_copy };

struct resolve_stream *
resolve_stream_new(const struct lookup_options *o, lookup_done_fn *done,
    void *ctx)
{
	struct resolve_stream *rs;

	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return NULL;
	rs->o = *o;
	rs->done = done;
	rs->ctx = ctx;
	if ((rs->pool = pool_new(&lookup_ops, rs, o->in_order)) == NULL) {
		free(rs);
		return NULL;
	}
	return rs;
}

/*
 * The stub's answer for j: the pool reports it, or runs the C library's
 * lookup.
 */
static void
stub_done(void *job, enum stub_result r, const struct stub_answer *a,
    void *ctx)
{
	struct lookup_job *j = job;
	struct resolve_stream *rs = ctx;

	if (r == STUB_LIBC || r == STUB_TIMED_OUT) {
		pool_outside_done(rs->pool, &j->ticket, POOL_RUN);
		return;
	}
	j->l.gai_error = a->gai_error;
	j->l.res = a->res;
	j->l.herr = a->herr;
	if (rs->o.by_address && a->herr == 0)
		j->l.herr = hostinfo_named(&j->l.hi, a->name, &j->ip);
	j->l.sys_errno = j->l.herr == NETDB_INTERNAL ? ENOMEM : 0;
	/* the first try, failed or not */
	pool_outside_done(rs->pool, &j->ticket, try_result(j, 0, rs));
}

/* Whether the C library would ask the DNS for j's own question. */
static bool
asks_the_dns(const struct lookup_job *j, bool by_address)
{
	struct in_addr numeric;

	if (by_address)
		return stub_address_plain(&j->ip);
	return dns_name_plain(j->name) && inet_aton(j->name, &numeric) == 0;
}

/*
 * The stub of rs, for a lookup (j) that the C library would ask the DNS
 * for alone, as it would; NULL if j or the system's configuration is
 * not one it answers for as the C library would (lib/stubconf.h).
 */
static struct stub *
stub_for(struct resolve_stream *rs, const struct lookup_job *j)
{
	bool by_address = rs->o.by_address;

	if (!STUB_FOR_LIBC || rs->o.wait || !asks_the_dns(j, by_address))
		return NULL;
	if (!rs->conf_read) {
		rs->conf_read = true;
		rs->conf_usable = stub_conf_load(&rs->conf) == 0;
	}
	if (!rs->conf_usable || (by_address ?
	    stub_address_in_hosts(&rs->conf, &j->ip) :
	    stub_in_hosts(&rs->conf, j->name)))
		return NULL;
	/* (without a thread for it, the C library's) */
	if (rs->stub == NULL &&
	    (rs->stub = stub_new(&rs->conf, rs->o.family, by_address,
	    stub_done, rs)) == NULL)
		rs->conf_usable = false;
	return rs->stub;
}

int
resolve_stream_add(struct resolve_stream *rs, const char *name,
    const char *invalid, const struct deadline *dl)
{
	struct lookup l = { .invalid = invalid,
	    .by_address = rs->o.by_address };
	struct lookup_job *j;
	struct stub *stub;

	if ((j = job_new(name, &l, NULL, dl, rs->o.wait)) == NULL)
		return -1;
	if (invalid == NULL && rs->o.by_address)
		(void)parse_ip(name, &j->ip, &j->l.invalid);
	if (j->l.invalid == NULL && (stub = stub_for(rs, j)) != NULL) {
		if (rs->o.by_address)
			dns_reverse_name(j->reverse, j->ip.family,
			    (const unsigned char *)&j->ip.u);
		pool_add_outside(rs->pool, j, dl, &j->ticket);
		if (stub_add(stub, j, rs->o.by_address ? j->reverse : j->name,
		    dl) == -1)
			pool_outside_done(rs->pool, &j->ticket, POOL_RUN);
		return 0;
	}
	if (j->l.invalid == NULL && pool_add(rs->pool, j, false, dl) == 0)
		return 0;
	if (j->l.invalid == NULL) {
		j->l.gai_error = EAI_SYSTEM;
		j->l.herr = NETDB_INTERNAL;
		j->l.sys_errno = errno;
	}
	(void)pool_add(rs->pool, j, true, dl);
	return 0;
}

void
resolve_stream_end(struct resolve_stream *rs)
{
	/* the stub's jobs come back to the pool before it ends */
	if (rs->stub != NULL)
		stub_end(rs->stub);
	stub_conf_free(&rs->conf);
	pool_end(rs->pool);
	free(rs);
}

struct batch {
	struct lookup	*v;
	size_t		 reported;
	lookup_done_fn	*done;
	void		*ctx;
};

/* Hands the answer back in the caller's lookup, in input order. */
static void
batch_done(struct lookup *l, void *ctx)
{
	struct batch *b = ctx;
	struct lookup *into = &b->v[b->reported++];

	into->res = l->res;
	into->gai_error = l->gai_error;
	into->sys_errno = l->sys_errno;
	into->timed_out = l->timed_out;
	b->done(into, b->ctx);
}

void
resolve_names(struct lookup *v, size_t n, int family,
    const struct deadline *dl, lookup_done_fn *done, void *ctx)
{
	struct batch b = { v, 0, done, ctx };
	struct lookup_options o = { .family = family, .in_order = true };
	struct resolve_stream *rs;
	size_t i = 0;

	if ((rs = resolve_stream_new(&o, batch_done, &b)) != NULL) {
		for (; i < n; i++)
			if (resolve_stream_add(rs, v[i].name, v[i].invalid,
			    dl) == -1)
				break;
		resolve_stream_end(rs);
	}
	for (; i < n; i++) {
		v[i].gai_error = EAI_MEMORY;
		v[i].sys_errno = ENOMEM;
		done(&v[i], ctx);
	}
}

const char *
lookup_strerror(const struct lookup *l)
{
	if (l->invalid != NULL)
		return l->invalid;
	if (l->timed_out)
		return "timed out";
	if (!l->by_address)
		return gai_error_string(l->gai_error, l->sys_errno);
	return herror_string(l->herr, l->sys_errno);
}

int
lookup_exit_status(const struct lookup *l)
{
	if (l->invalid != NULL)
		return EX_USAGE;
	if (l->timed_out)
		return EX_TEMPFAIL;
	if (l->by_address)
		return ex_herrno(l->herr, l->sys_errno);
	return ex_gai(l->gai_error, l->sys_errno);
}

void
lookup_keep(struct lookup *l, void *ctx)
{
}

bool
lookup_failed(const struct lookup *l)
{
	return l->invalid != NULL || l->timed_out ||
	    (l->by_address ? l->herr != 0 : l->gai_error != 0);
}

void
lookup_free_answer(struct lookup *l)
{
	if (l->res != NULL)
		freeaddrinfo(l->res);
	l->res = NULL;
	hostinfo_free(&l->hi);
}
