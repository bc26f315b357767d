#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "dial.h"

/* An address waiting for its attempt, or for another one. */
struct pending {
	const struct addrinfo	*ai;
	long long		 ready_at;	/* a retry not before */
	long long		 backoff;	/* the retry after this one */
	bool			 retry;
};

/* A connect in progress. */
struct attempt {
	int			 fd;
	size_t			 dialer;	/* index of its dialer */
	const struct addrinfo	*ai;
	long long		 backoff;
	long long		 end;		/* it times out then */
};

/* The state of one dial while dial_all runs. */
struct dialer {
	struct dial	 *d;
	struct pending	 *queue;	/* families interleaved, then retries */
	size_t		  queued;
	size_t		  inflight;	/* attempts not yet answered */
	long long	  start;	/* when dial_all began */
	long long	  end;		/* the dial gives up then */
	long long	  next_start;	/* the next new address not before */
	bool		  done;
};

bool
connect_retryable(int errnum)
{
	switch (errnum) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case ETIMEDOUT:
	case ENOENT:		/* a Unix socket not made yet */
	case EAGAIN:		/* a Unix socket's backlog is full */
		return true;
	default:
		return false;
	}
}

const struct addrinfo **
dial_order(const struct addrinfo *res, size_t *n)
{
	const struct addrinfo *ai, *a, *b, **order;
	size_t count = 0, i = 0;
	int first;

	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	*n = count;
	if ((order = calloc(count ? count : 1,
	    sizeof(const struct addrinfo *))) == NULL)
		return NULL;
	if (count == 0)
		return order;
	first = res->ai_family;
	a = b = res;
	while (i < count) {
		while (a != NULL && a->ai_family != first)
			a = a->ai_next;
		if (a != NULL) {
			order[i++] = a;
			a = a->ai_next;
		}
		while (b != NULL && b->ai_family == first)
			b = b->ai_next;
		if (b != NULL) {
			order[i++] = b;
			b = b->ai_next;
		}
	}
	return order;
}

/* The addresses of res in dial_order, each waiting for its first try. */
static struct pending *
queue_of(const struct addrinfo *res, size_t *n)
{
	const struct addrinfo **order;
	struct pending *q;
	size_t i;

	if ((order = dial_order(res, n)) == NULL)
		return NULL;
	if ((q = calloc(*n ? *n : 1, sizeof(*q))) != NULL)
		for (i = 0; i < *n; i++) {
			q[i].ai = order[i];
			q[i].backoff = CONNECT_RETRY_FIRST_MS;
		}
	free(order);
	return q;
}

static void
fail(struct dialer *dr, const char *step, int errnum)
{
	dr->d->step = step;
	dr->d->error = errnum;
}

static void
finish(struct dialer *dr, long long now)
{
	dr->done = true;
	dr->d->ms = now - dr->start;
}

long long
dial_next_backoff(long long backoff, int errnum)
{
	long long cap = errnum == ECONNREFUSED ? CONNECT_REFUSED_MAX_MS :
	    CONNECT_RETRY_MAX_MS;

	return backoff * 2 < cap ? backoff * 2 : cap;
}

/* An attempt at ai failed: retry it later if waiting may help. */
static void
attempt_failed(struct dialer *dr, const struct dial_options *o,
    const struct addrinfo *ai, long long backoff, const char *step,
    int errnum, long long now)
{
	struct pending *p;
	long long ready_at = now + backoff;

	fail(dr, step, errnum);
	dr->next_start = now;	/* no reason to wait for the next */
	/*
	 * A Unix socket whose backlog is full says so at once (EAGAIN),
	 * where a blocking connect would wait: try again until the timeout.
	 */
	if (!connect_retryable(errnum) || (!o->retry && errnum != EAGAIN))
		return;
	/* the last retry comes just before the end */
	if (ready_at >= dr->end)
		ready_at = dr->end - 1;
	if (ready_at <= now)
		return;
	p = &dr->queue[dr->queued++];
	p->ai = ai;
	p->ready_at = ready_at;
	p->backoff = dial_next_backoff(backoff, errnum);
	p->retry = true;
}

static void
won(struct dialer *dr, int fd, const struct addrinfo *ai, long long now)
{
	int flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1) {
		fail(dr, "fcntl", errno);
		close(fd);
		return;
	}
	dr->d->fd = fd;
	dr->d->connected = ai;
	dr->d->error = 0;
	dr->d->step = NULL;
	finish(dr, now);
}

/*
 * Starts a connect to the address p.  Returns the descriptor in
 * progress, or -1 when it failed or connected at once.
 */
static int
start_attempt(struct dialer *dr, const struct dial_options *o,
    const struct pending *p, long long now)
{
	const struct addrinfo *ai = p->ai;
	struct sockaddr_storage ss;
	const char *step;
	int fd, on = 1, saved_errno;

	if (!p->retry)
		dr->next_start = now + CONNECT_ATTEMPT_DELAY_MS;
	fd = -1;
	/* what the address names may not be there yet */
	step = "connect";
	if (dr->d->ready != NULL && dr->d->ready(dr->d->ready_arg) == -1)
		goto failed;
	step = "socket";
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
		goto failed;
	if (o->source != NULL) {
		step = "bind";
		if (o->source->sa_family != ai->ai_family) {
			errno = EAFNOSUPPORT;
			goto failed;
		}
		/*
		 * The port is chosen by connect, so 4-tuples can share it;
		 * an older kernel without the option binds as before.
		 */
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on,
		    sizeof(on));
		if (bind(fd, o->source, sockaddr_len(o->source)) == -1)
			goto failed;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(dr->d->port);
	else if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(dr->d->port);
	step = "connect";
	if (connect(fd, (struct sockaddr *)&ss, ai->ai_addrlen) == 0) {
		won(dr, fd, ai, now);
		return -1;
	}
	if (errno == EINPROGRESS) {
		dr->inflight++;
		return fd;
	}
failed:
	saved_errno = errno;
	if (fd != -1)
		close(fd);
	attempt_failed(dr, o, ai, p->backoff, step, saved_errno, now);
	return -1;
}

/* The attempt a answered: connected, or failed. */
static void
answered(struct dialer *dr, const struct dial_options *o,
    const struct attempt *a, long long now)
{
	socklen_t len = sizeof(int);
	int error = 0;

	dr->inflight--;
	if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		error = errno;
	if (error == 0) {
		won(dr, a->fd, a->ai, now);
		return;
	}
	close(a->fd);
	attempt_failed(dr, o, a->ai, a->backoff, "connect", error, now);
}

static int
dialers_init(struct dialer *dv, struct dial *v, size_t n,
    const struct dial_options *o, long long now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		dv[i].d = &v[i];
		v[i].fd = -1;
		v[i].error = 0;
		v[i].step = NULL;
		v[i].waited_out = false;
		v[i].connected = NULL;
		v[i].ms = 0;
		dv[i].start = dv[i].next_start = now;
		dv[i].end = time_after(now, o->retry ? o->wait_ms :
		    o->timeout_ms);
		if ((dv[i].queue = queue_of(v[i].addrs,
		    &dv[i].queued)) == NULL)
			return -1;
	}
	return 0;
}

/*
 * The next address of dr to start now, taken out of its queue: a retry
 * that is due, or the next new one if none is in progress or the last
 * started long enough ago.  Returns false if there is none yet.
 */
static bool
next_due(struct dialer *dr, long long now, struct pending *p)
{
	size_t i;

	for (i = 0; i < dr->queued; i++) {
		if (dr->queue[i].retry ? dr->queue[i].ready_at <= now :
		    dr->inflight == 0 || now >= dr->next_start)
			break;
		if (!dr->queue[i].retry)
			return false;	/* new addresses go in order */
	}
	if (i == dr->queued)
		return false;
	*p = dr->queue[i];
	memmove(&dr->queue[i], &dr->queue[i + 1],
	    (dr->queued - i - 1) * sizeof(*p));
	dr->queued--;
	return true;
}

/* When dr next needs attention, if nothing answers first; NO_LIMIT: never. */
static long long
next_event(const struct dialer *dr)
{
	long long when = dr->end;
	size_t i;

	for (i = 0; i < dr->queued; i++)
		when = earlier(when, dr->queue[i].retry ?
		    dr->queue[i].ready_at : dr->next_start);
	return when;
}

struct flight {
	struct attempt	*a;
	struct pollfd	*pfd;
	size_t		 n;
};

/*
 * Closes the attempts of dialer di that time out by now, or all of them
 * (not failed: the dial is over) with all.
 */
static void
expire(struct flight *f, struct dialer *dv, size_t di,
    const struct dial_options *o, long long now, bool all)
{
	size_t i, kept;

	for (i = kept = 0; i < f->n; i++) {
		if (f->a[i].dialer == di && (all || f->a[i].end <= now)) {
			close(f->a[i].fd);
			dv[di].inflight--;
			if (!all)
				attempt_failed(&dv[di], o, f->a[i].ai,
				    f->a[i].backoff, "connect", ETIMEDOUT,
				    now);
			continue;
		}
		f->a[kept] = f->a[i];
		f->pfd[kept++] = f->pfd[i];
	}
	f->n = kept;
}

/*
 * Moves dialer di on to now: gives up when its time is over, times out
 * attempts, starts the addresses that are due.  Returns when it next
 * needs attention (NO_LIMIT: only when an attempt answers).
 */
static long long
advance(struct dialer *dv, size_t di, const struct dial_options *o,
    long long now, struct flight *f)
{
	struct dialer *dr = &dv[di];
	struct pending p;
	struct attempt *a;
	int fd;

	if (dr->done)
		return NO_LIMIT;
	if (now >= dr->end) {
		if (dr->inflight > 0 || dr->d->error == 0)
			fail(dr, "connect", ETIMEDOUT);
		expire(f, dv, di, o, now, true);
		dr->d->waited_out = o->retry &&
		    connect_retryable(dr->d->error);
		finish(dr, now);
		return NO_LIMIT;
	}
	expire(f, dv, di, o, now, false);
	while (!dr->done && next_due(dr, now, &p)) {
		if ((fd = start_attempt(dr, o, &p, now)) == -1)
			continue;
		a = &f->a[f->n];
		a->fd = fd;
		a->dialer = di;
		a->ai = p.ai;
		a->backoff = p.backoff;
		a->end = earlier(time_after(now, o->timeout_ms), dr->end);
		f->pfd[f->n].fd = fd;
		f->pfd[f->n].events = POLLOUT;
		f->n++;
	}
	if (dr->done)
		return NO_LIMIT;
	if (dr->inflight == 0 && dr->queued == 0) {
		if (dr->d->error == 0)
			fail(dr, "connect", EADDRNOTAVAIL);	/* no address */
		/* a retry would have come after the end */
		dr->d->waited_out = o->retry &&
		    connect_retryable(dr->d->error);
		finish(dr, now);
		return NO_LIMIT;
	}
	return next_event(dr);
}

/* Closes the attempts that lost: their dialer connected. */
static void
drop_losers(struct flight *f, struct dialer *dv)
{
	size_t i, kept;

	for (i = kept = 0; i < f->n; i++) {
		if (dv[f->a[i].dialer].done) {
			close(f->a[i].fd);
			continue;
		}
		f->a[kept] = f->a[i];
		f->pfd[kept++] = f->pfd[i];
	}
	f->n = kept;
}

/* The earliest attempt timeout, or NO_LIMIT. */
static long long
first_expiry(const struct flight *f)
{
	long long when = NO_LIMIT;
	size_t i;

	for (i = 0; i < f->n; i++)
		when = earlier(when, f->a[i].end);
	return when;
}

void
dial_all(struct dial *v, size_t n, const struct dial_options *o)
{
	struct flight f = { 0 };
	struct dialer *dv;
	size_t i, total = 0, kept;
	long long now, next;
	bool pending;

	now = now_ms();
	if ((dv = calloc(n ? n : 1, sizeof(*dv))) == NULL ||
	    dialers_init(dv, v, n, o, now) == -1)
		goto nomem;
	for (i = 0; i < n; i++)
		total += dv[i].queued;
	if ((f.a = calloc(total ? total : 1, sizeof(*f.a))) == NULL ||
	    (f.pfd = calloc(total ? total : 1, sizeof(*f.pfd))) == NULL)
		goto nomem;

	for (;;) {
		now = now_ms();
		next = NO_LIMIT;
		pending = false;
		for (i = 0; i < n; i++) {
			next = earlier(next, advance(dv, i, o, now, &f));
			pending |= !dv[i].done;
		}
		drop_losers(&f, dv);
		if (!pending)
			break;
		next = earlier(next, first_expiry(&f));
		if (poll(f.pfd, f.n, poll_timeout(time_left(next, now))) == -1 &&
		    errno != EINTR) {
			for (i = 0; i < n; i++) {
				if (!dv[i].done) {
					fail(&dv[i], "poll", errno);
					finish(&dv[i], now);
				}
			}
			continue;
		}
		now = now_ms();
		for (i = kept = 0; i < f.n; i++) {
			if (f.pfd[i].revents == 0 || dv[f.a[i].dialer].done) {
				f.a[kept] = f.a[i];
				f.pfd[kept++] = f.pfd[i];
				continue;
			}
			answered(&dv[f.a[i].dialer], o, &f.a[i], now);
		}
		f.n = kept;
	}
	goto out;
nomem:
	for (i = 0; i < n; i++) {
		v[i].fd = -1;
		v[i].error = ENOMEM;
		v[i].step = "connect";
	}
out:
	for (i = 0; dv != NULL && i < n; i++)
		free(dv[i].queue);
	free(dv);
	free(f.a);
	free(f.pfd);
}
