#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

/*
 * getaddrinfo and its NSS modules need far less; the default (8 MiB)
 * would reserve 4 GiB of address space for a full window.
 */
#define WORKER_STACK_BYTES	((size_t)1024 * 1024)

enum slot_state {
	SLOT_FREE,
	SLOT_PENDING,		/* waiting for a worker */
	SLOT_RUNNING,
	SLOT_ANSWERED,
	SLOT_TIMED_OUT,
};

struct slot {
	void			*job;
	struct deadline		 dl;
	unsigned long long	 seq;		/* input order */
	unsigned long long	 done_seq;	/* completion order */
	unsigned		 gen;		/* bumped as the slot is freed */
	enum slot_state		 state;
	bool			 running;	/* a worker is inside run(job) */
};

struct worker {
	struct pool		*pool;
	pthread_t		 tid;
	bool			 in_run;	/* inside run(job) */
};

struct pool {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* for the workers */
	pthread_cond_t		 changed;	/* for the reporter */
	pthread_cond_t		 room;		/* for pool_add */
	pthread_t		 reporter;
	const struct pool_ops	*ops;
	void			*ctx;
	struct slot		 slot[POOL_WINDOW];
	struct worker		 worker[POOL_WINDOW];
	unsigned long long	 added, answered;
	size_t			 used;		/* slots not free */
	size_t			 pending;	/* slots waiting for a worker */
	size_t			 threads, idle;	/* workers started, and waiting */
	int			 refs;		/* the owner and each worker */
	bool			 in_order;
	bool			 closing;
};

static bool
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void
pool_destroy(struct pool *p)
{
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->changed);
	pthread_cond_destroy(&p->room);
	free(p);
}

/* Drops one reference, locked; frees p after the last.  Unlocks. */
static void
pool_unref(struct pool *p)
{
	bool last = --p->refs == 0;

	pthread_mutex_unlock(&p->lock);
	if (last)
		pool_destroy(p);
}

/* The pending slot added first, or -1.  Called locked. */
static int
oldest_pending(const struct pool *p)
{
	int i, best = -1;

	for (i = 0; i < POOL_WINDOW; i++)
		if (p->slot[i].state == SLOT_PENDING &&
		    (best == -1 || p->slot[i].seq < p->slot[best].seq))
			best = i;
	return best;
}

static void
finish_slot(struct pool *p, struct slot *s, enum slot_state state)
{
	if (s->state == SLOT_PENDING)
		p->pending--;
	s->state = state;
	s->done_seq = p->answered++;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	struct slot *s;
	void *job;
	unsigned gen;
	int i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if ((i = oldest_pending(p)) == -1) {
			if (p->closing)
				break;
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
			continue;
		}
		s = &p->slot[i];
		p->pending--;
		s->state = SLOT_RUNNING;
		s->running = true;
		w->in_run = true;
		job = s->job;
		gen = s->gen;
		pthread_mutex_unlock(&p->lock);

		p->ops->run(job, p->ctx);

		pthread_mutex_lock(&p->lock);
		w->in_run = false;
		if (s->gen != gen) {
			/* reported as timed out and freed: the job is ours */
			pthread_mutex_unlock(&p->lock);
			p->ops->free(job);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		s->running = false;
		if (s->state == SLOT_RUNNING) {
			finish_slot(p, s, SLOT_ANSWERED);
			pthread_cond_signal(&p->changed);
		}
	}
	pool_unref(p);
	return NULL;
}

/* Starts a worker if the pending jobs outnumber the idle ones; -1 if none could be. */
static int
spawn_worker(struct pool *p)
{
	pthread_attr_t attr;
	struct worker *w;
	int rc;

	if (p->pending <= p->idle || p->threads == POOL_WINDOW)
		return 0;
	w = &p->worker[p->threads];
	w->pool = p;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_BYTES);
	rc = pthread_create(&w->tid, &attr, work, w);
	pthread_attr_destroy(&attr);
	if (rc == 0) {
		p->threads++;
		p->refs++;
		return 0;
	}
	/* the workers there are will get to it */
	if (p->threads > 0)
		return 0;
	errno = rc;
	return -1;
}

/*
 * Times out the jobs whose deadline passed; *next is the nearest
 * deadline still to come (next->set false if none).  Called locked.
 */
static void
expire(struct pool *p, struct deadline *next)
{
	struct timespec now;
	struct slot *s;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	next->set = false;
	for (i = 0; i < POOL_WINDOW; i++) {
		s = &p->slot[i];
		if ((s->state != SLOT_PENDING && s->state != SLOT_RUNNING) ||
		    !s->dl.set)
			continue;
		if (!before(&now, &s->dl.at))
			finish_slot(p, s, SLOT_TIMED_OUT);
		else if (!next->set || before(&s->dl.at, &next->at))
			*next = s->dl;
	}
}

static bool
is_done(const struct slot *s)
{
	return s->state == SLOT_ANSWERED || s->state == SLOT_TIMED_OUT;
}

/* The slot to report now, or -1.  Called locked. */
static int
reportable(const struct pool *p)
{
	const struct slot *s, *best = NULL;
	int i;

	for (i = 0; i < POOL_WINDOW; i++) {
		s = &p->slot[i];
		if (p->in_order) {
			if (s->state != SLOT_FREE &&
			    (best == NULL || s->seq < best->seq))
				best = s;
		} else if (is_done(s) &&
		    (best == NULL || s->done_seq < best->done_seq))
			best = s;
	}
	if (best == NULL || !is_done(best))
		return -1;
	return (int)(best - p->slot);
}

/* Reports slot i, unlocked, and frees it.  Called locked. */
static void
report_slot(struct pool *p, int i)
{
	struct slot *s = &p->slot[i];
	void *job = s->job;
	bool timed_out = s->state == SLOT_TIMED_OUT;

	pthread_mutex_unlock(&p->lock);
	p->ops->report(job, timed_out, p->ctx);
	pthread_mutex_lock(&p->lock);
	/* a worker still inside run(job) frees it on its return */
	if (!s->running) {
		pthread_mutex_unlock(&p->lock);
		p->ops->free(job);
		pthread_mutex_lock(&p->lock);
	}
	s->job = NULL;
	s->state = SLOT_FREE;
	s->running = false;
	s->gen++;
	p->used--;
	pthread_cond_signal(&p->room);
}

static void *
reporter(void *arg)
{
	struct pool *p = arg;
	struct deadline next;
	int i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		expire(p, &next);
		if ((i = reportable(p)) != -1) {
			report_slot(p, i);
			continue;
		}
		if (p->closing && p->used == 0)
			break;
		if (!next.set)
			pthread_cond_wait(&p->changed, &p->lock);
		else
			(void)pthread_cond_timedwait(&p->changed, &p->lock,
			    &next.at);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct pool *
pool_new(const struct pool_ops *ops, void *ctx, bool in_order)
{
	pthread_condattr_t ca;
	struct pool *p;
	int rc;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->work, &ca);
	pthread_cond_init(&p->changed, &ca);
	pthread_cond_init(&p->room, &ca);
	pthread_condattr_destroy(&ca);
	p->ops = ops;
	p->ctx = ctx;
	p->in_order = in_order;
	p->refs = 1;
	if ((rc = pthread_create(&p->reporter, NULL, reporter, p)) != 0) {
		pool_destroy(p);
		errno = rc;
		return NULL;
	}
	return p;
}

int
pool_add(struct pool *p, void *job, bool answered, const struct deadline *dl)
{
	struct slot *s;
	int i;

	pthread_mutex_lock(&p->lock);
	while (p->used == POOL_WINDOW)
		pthread_cond_wait(&p->room, &p->lock);
	for (i = 0; p->slot[i].state != SLOT_FREE; i++)
		;
	s = &p->slot[i];
	s->job = job;
	s->dl = *dl;
	s->seq = p->added++;
	if (answered) {
		s->state = SLOT_ANSWERED;
		s->done_seq = p->answered++;
	} else {
		s->state = SLOT_PENDING;
		p->pending++;
		if (spawn_worker(p) == -1) {
			s->state = SLOT_FREE;
			s->job = NULL;
			p->pending--;
			p->added--;
			pthread_mutex_unlock(&p->lock);
			return -1;
		}
		pthread_cond_signal(&p->work);
	}
	p->used++;
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void
pool_end(struct pool *p)
{
	bool stuck[POOL_WINDOW];
	size_t i, n;

	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->reporter, NULL);

	/*
	 * Every job is reported: a worker still inside run is stuck past a
	 * deadline, and is left to end on its own; the others end now, and
	 * are waited for, so that none is still ending as the tool exits.
	 */
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->work);
	n = p->threads;
	for (i = 0; i < n; i++)
		stuck[i] = p->worker[i].in_run;
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < n; i++) {
		if (stuck[i])
			pthread_detach(p->worker[i].tid);
		else
			pthread_join(p->worker[i].tid, NULL);
	}
	pthread_mutex_lock(&p->lock);
	pool_unref(p);
}
