#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "exitcode.h"
#include "fdlimit.h"
#include "idna.h"
#include "relookup.h"
#include "resolve.h"
#include "target.h"

/* The answers stay in the lookups, reported with the connections. */
static void
lookup_answered(struct lookup *l, void *ctx)
{
}

/* Sets t failed before any connection, with status and reason. */
static void
failed_early(struct target *t, int status, const char *reason)
{
	t->fd = -1;
	t->status = status;
	t->reason = reason;
	t->step = NULL;
}

/* Sets the outcome of t from its dial d. */
static void
dialled(struct target *t, const struct dial *d)
{
	t->fd = d->fd;
	if (d->fd != -1) {
		sockaddr_host(d->connected->ai_addr, t->address);
		return;
	}
	t->reason = strerror(d->error);
	t->error = d->error;
	t->step = d->step;
	t->waited_out = d->waited_out;
	if (d->waited_out)
		t->status = EX_TEMPFAIL;
	else if (t->ep.path != NULL) {
		t->status = unix_exit_status(d->error);
		/* Linux refuses a connect to a file that is no socket */
		if (d->error == ECONNREFUSED && !unix_is_socket(&t->un)) {
			/* and so does unix_warn */
			t->error = ENOTSOCK;
			t->reason = "not a socket";
		}
	}
	else
		t->status = ex_errno(d->error, EX_OSERR);
}

/* Opens the directory of the Unix address arg if it is there now. */
static int
unix_ready(void *arg)
{
	return unix_address_ready(arg);
}

/* The lookups of the n targets, all within one bound; NULL on ENOMEM. */
static struct lookup *
look_up(struct target *v, size_t n, int family, const struct dial_options *o,
    long long start)
{
	struct lookup *lk;
	struct deadline dl;
	const char *errstr;
	long long ms;
	size_t i;

	if ((lk = calloc(n ? n : 1, sizeof(*lk))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		/* a Unix path has nothing to look up */
		lk[i].name = v[i].ep.host != NULL ? v[i].ep.host : "";
		if (v[i].ep.host == NULL)
			lk[i].invalid = "a Unix socket path";
		else if (idna_check_hostname(v[i].ep.host, &errstr) == -1)
			lk[i].invalid = errstr;
	}
	/* the lookups share the bound of one connection attempt */
	ms = o->retry ? earlier(o->timeout_ms, o->wait_ms) : o->timeout_ms;
	deadline_start(&dl, ms);
	resolve_names(lk, n, family, &dl, lookup_answered, NULL);
	if (o->retry)
		relookup(lk, n, family, o->timeout_ms, o->wait_ms, start);
	return lk;
}

void
connect_targets(struct target *v, size_t n, int family,
    const struct dial_options *o)
{
	struct dial_options rest = *o;
	struct lookup *lk = NULL;
	struct addrinfo *un = NULL;
	struct dial *dv;
	long long start, dial_start;
	size_t i, nd = 0;

	start = now_ms();
	if (n > 1)
		raise_descriptor_limit();
	for (i = 0; i < n; i++) {
		v[i].address[0] = '\0';
		v[i].waited_out = false;
		failed_early(&v[i], EX_OK, NULL);
	}
	if ((dv = calloc(n ? n : 1, sizeof(*dv))) == NULL ||
	    (un = calloc(n ? n : 1, sizeof(*un))) == NULL ||
	    (lk = look_up(v, n, family, o, start)) == NULL) {
		for (i = 0; i < n; i++)
			failed_early(&v[i], EX_OSERR, strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (v[i].ep.path != NULL) {
			un[i].ai_family = AF_UNIX;
			un[i].ai_socktype = SOCK_STREAM;
			un[i].ai_addr = (struct sockaddr *)&v[i].un.sun;
			un[i].ai_addrlen = v[i].un.len;
			if (v[i].un.pending != NULL) {
				dv[nd].ready = unix_ready;
				dv[nd].ready_arg = &v[i].un;
			}
			dv[nd++].addrs = &un[i];
			continue;
		}
		if (lk[i].invalid != NULL || lk[i].gai_error != 0 ||
		    lk[i].timed_out) {
			failed_early(&v[i], lookup_exit_status(&lk[i]),
			    lookup_strerror(&lk[i]));
			v[i].waited_out = o->retry &&
			    v[i].status == EX_TEMPFAIL;
			v[i].ms = now_ms() - start;
			continue;
		}
		dv[nd].addrs = lk[i].res;
		dv[nd].port = v[i].ep.port;
		nd++;
	}
	/* the wait includes the lookups */
	dial_start = now_ms();
	if (o->retry)
		rest.wait_ms = time_left(time_after(start, o->wait_ms),
		    dial_start);
	dial_all(dv, nd, &rest);
	for (i = nd = 0; i < n; i++) {
		if (v[i].status != EX_OK)
			continue;
		dialled(&v[i], &dv[nd]);
		if (v[i].ep.path != NULL)
			v[i].address[0] = '\0';
		v[i].ms = dial_start - start + dv[nd].ms;
		nd++;
	}
out:
	for (i = 0; lk != NULL && i < n; i++)
		if (lk[i].res != NULL)
			freeaddrinfo(lk[i].res);
	free(lk);
	free(un);
	free(dv);
}
