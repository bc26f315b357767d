#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "exitcode.h"
#include "idna.h"
#include "resolve.h"

/* Enough to keep a thousand slow DNS answers under two seconds. */
#define POOL_THREADS	64

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

struct pool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 answered;
	struct lookup	*v;	/* NULL once the caller stopped waiting */
	bool		*done;
	size_t		 n, next;
	int		 family;
	int		 refs;	/* the caller and each worker */
};

static void
pool_release(struct pool *p)
{
	bool last;

	pthread_mutex_lock(&p->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->answered);
	free(p->done);
	free(p);
}

static void *
pool_worker(void *arg)
{
	struct pool *p = arg;
	struct addrinfo *res;
	char *name;
	size_t i;
	int rc, saved_errno;

	pthread_mutex_lock(&p->lock);
	while (p->v != NULL && p->next < p->n) {
		i = p->next++;
		if (p->done[i])
			continue;	/* skipped by the caller */
		name = strdup(p->v[i].name);
		pthread_mutex_unlock(&p->lock);

		res = NULL;
		rc = name == NULL ? EAI_MEMORY : resolve_host(name, NULL,
		    p->family, SOCK_STREAM, 0, &res);
		saved_errno = errno;
		free(name);

		pthread_mutex_lock(&p->lock);
		if (p->v == NULL) {
			if (res != NULL)
				freeaddrinfo(res);
			break;
		}
		p->v[i].res = res;
		p->v[i].gai_error = rc;
		p->v[i].sys_errno = saved_errno;
		p->done[i] = true;
		pthread_cond_broadcast(&p->answered);
	}
	pthread_mutex_unlock(&p->lock);
	pool_release(p);
	return NULL;
}

/* Waits for item i; false if dl passed first.  Called locked. */
static bool
pool_wait(struct pool *p, size_t i, const struct deadline *dl)
{
	while (!p->done[i]) {
		if (!dl->set)
			pthread_cond_wait(&p->answered, &p->lock);
		else if (pthread_cond_timedwait(&p->answered, &p->lock,
		    &dl->at) == ETIMEDOUT)
			return p->done[i];
	}
	return true;
}

/*
 * The deadline passed while waiting for item i: the workers' answers
 * from now on are dropped, and every unanswered item times out.
 * Called locked.
 */
static void
abandon(struct pool *p, size_t i)
{
	for (; i < p->n; i++) {
		if (!p->done[i]) {
			p->v[i].timed_out = true;
			p->v[i].gai_error = EAI_AGAIN;
		}
	}
	p->v = NULL;
}

static struct pool *
pool_new(struct lookup *v, size_t n, int family)
{
	pthread_condattr_t ca;
	struct pool *p;
	size_t i;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->done = calloc(n, sizeof(*p->done))) == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->answered, &ca);
	pthread_condattr_destroy(&ca);
	p->v = v;
	p->n = n;
	p->family = family;
	p->refs = 1;
	for (i = 0; i < n; i++)
		p->done[i] = v[i].invalid != NULL;
	return p;
}

static void
fail_all(struct lookup *v, size_t n, int gai_error, int sys_errno)
{
	size_t i;

	for (i = 0; i < n; i++) {
		v[i].gai_error = gai_error;
		v[i].sys_errno = sys_errno;
	}
}

void
resolve_names(struct lookup *v, size_t n, int family,
    const struct deadline *dl, lookup_done_fn *done, void *ctx)
{
	pthread_t tid[POOL_THREADS];
	struct pool *p;
	size_t i, nthreads, started = 0;

	if ((p = pool_new(v, n, family)) == NULL) {
		fail_all(v, n, EAI_MEMORY, ENOMEM);
		nthreads = 0;
	} else
		nthreads = n < POOL_THREADS ? n : POOL_THREADS;
	for (; started < nthreads; started++) {
		p->refs++;
		if ((errno = pthread_create(&tid[started], NULL, pool_worker,
		    p)) != 0) {
			p->refs--;
			if (started == 0)
				fail_all(v, n, EAI_SYSTEM, errno);
			break;
		}
	}
	for (i = 0; i < n; i++) {
		if (started > 0 && !v[i].timed_out) {
			pthread_mutex_lock(&p->lock);
			if (!pool_wait(p, i, dl))
				abandon(p, i);
			pthread_mutex_unlock(&p->lock);
		}
		done(&v[i], ctx);
	}
	while (started-- > 0) {
		if (p->v == NULL)
			pthread_detach(tid[started]);	/* stuck in DNS */
		else
			pthread_join(tid[started], NULL);
	}
	if (p != NULL)
		pool_release(p);
}

const char *
lookup_strerror(const struct lookup *l)
{
	if (l->invalid != NULL)
		return l->invalid;
	if (l->timed_out)
		return "timed out";
	return gai_error_string(l->gai_error, l->sys_errno);
}

int
lookup_exit_status(const struct lookup *l)
{
	if (l->invalid != NULL)
		return EX_USAGE;
	if (l->timed_out)
		return EX_TEMPFAIL;
	if (l->gai_error == EAI_SYSTEM)
		return ex_errno(l->sys_errno, EX_OSERR);
	return ex_gai(l->gai_error);
}
