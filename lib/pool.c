#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "pool.h"

/*
 * A worker's stack.  What it costs is the pages a lookup touches, not
 * this size: glibc 2.36's getaddrinfo, through the hosts file and a DNS
 * answer, touches 16 KiB of it (18 KiB under ASan), musl 1.2.3's 7 KiB,
 * and they stay resident, some 10 MiB for a full window of 512 (the
 * memory of resolve -).  256 KiB is ten times that, for libidn2 and
 * newer musl's larger answer buffers, and twice musl's own default, on
 * which its resolver runs in any thread; glibc's default (8 MiB) would
 * reserve 4 GiB of address space for the window, this 128 MiB.
 */
#define WORKER_STACK_BYTES	((size_t)256 * 1024)

/*
 * glibc gives new threads malloc arenas of their own, up to eight a
 * core, and each keeps what its lookups touched: resolve - with a full
 * window peaked 3 MiB higher with 512 arenas (as on 64 cores) than with
 * these 2, 0.2 MiB with the 16 of 2 cores.  The workers' few allocations
 * share them at no cost that the wait for the server would show.  musl
 * has one heap.
 */
#define WORKER_ARENAS	2

enum slot_state {
	SLOT_FREE,
	SLOT_PENDING,		/* waiting for a worker */
	SLOT_RUNNING,
	SLOT_WAITING,		/* failed for now: run again at retry */
	SLOT_ANSWERED,
	SLOT_TIMED_OUT,
};

struct slot {
	void			*job;
	struct deadline		 dl;
	struct deadline		 retry;		/* SLOT_WAITING: until then */
	struct deadline		 try_end;	/* SLOT_RUNNING: given up then */
	long long		 try_ms;	/* what the next try is given */
	long long		 started_ms;	/* when its try started */
	long long		 backoff;	/* the pause before the next try */
	unsigned long long	 seq;		/* input order */
	unsigned long long	 done_seq;	/* completion order */
	unsigned long long	 start_no;	/* when its try started */
	unsigned		 gen;		/* bumped as a try is left, and as
						   the slot is freed */
	unsigned		 first_gen;	/* gen as the job was added: its
						   tries' are no less */
	unsigned		 failed;	/* tries that ended failing */
	enum slot_state		 state;
	bool			 running;	/* a worker is inside run(job), or
						   the caller of pool_add_outside
						   has it */
	bool			 outside;	/* pool_add_outside's */
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
	struct slot		 slot[POOL_SLOTS];
	struct worker		 worker[POOL_WINDOW];
	unsigned long long	 added, answered;
	unsigned long long	 started;	/* tries started */
	unsigned long long	 halved_at;	/* started, at the last halving */
	int			 reach;		/* slots ever used: the scans
						   stop there */
	size_t			 used;		/* slots not free */
	size_t			 pending;	/* slots waiting for a worker */
	size_t			 waiting;	/* slots waiting to be retried */
	size_t			 threads, idle;	/* workers started, and waiting */
	size_t			 busy;		/* workers inside run */
	size_t			 left;		/* of them, on a job its slot left
						   (timed out, or tried again) */
	size_t			 window;	/* at most this many busy, not left */
	struct rtt		 rtt;		/* of the answers */
	struct deadline		 wake;		/* when the reporter wakes, unless
						   signalled */
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

	for (i = 0; i < p->reach; i++)
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
	else if (s->state == SLOT_WAITING)
		p->waiting--;
	s->state = state;
	s->done_seq = p->answered++;
}

/* An answer came: the window grows by one.  Called locked. */
static void
window_grow(struct pool *p)
{
	if (p->window < POOL_WINDOW) {
		p->window++;
		pthread_cond_signal(&p->work);
	}
}

/*
 * An answer came after ms: the window grows, and the time a try is
 * given follows the answers'.  Called locked.
 */
static void
answered_after(struct pool *p, long long ms)
{
	rtt_sample(&p->rtt, ms);
	window_grow(p);
}

/* How long a first try is given before another one starts. */
static long long
try_time(const struct pool *p)
{
	return rtt_timeout(&p->rtt, POOL_TRY_MIN_MS, POOL_TRY_FIRST_MS,
	    POOL_TRY_FIRST_MS);
}

/*
 * A try that started as start_no failed as if the server could not keep
 * up: halve the window, once for all the tries started before the last
 * halving (they went out at the old window's pace).  Called locked.
 */
static void
window_halve(struct pool *p, unsigned long long start_no)
{
	if (start_no < p->halved_at)
		return;
	p->window = p->window > 1 ? p->window / 2 : 1;
	p->halved_at = p->started;
}

/*
 * The try of s failed for now: it waits for its next, unless that would
 * not end before its deadline (it starts after the pause, and takes what
 * the answers take), when its last answer stands.  Called locked.
 */
static void
retry_later(struct pool *p, struct slot *s)
{
	if (s->dl.set &&
	    deadline_left_ms(&s->dl) <= s->backoff + p->rtt.srtt) {
		finish_slot(p, s, SLOT_ANSWERED);
		return;
	}
	s->state = SLOT_WAITING;
	deadline_start(&s->retry, s->backoff);
	s->backoff = dial_next_backoff(s->backoff, 0);
	p->waiting++;
}

/* What the try of s came to, its worker back from run.  Called locked. */
static void
try_ended(struct pool *p, struct slot *s, enum pool_try result)
{
	switch (result) {
	case POOL_ANSWERED:
	case POOL_RUN:
		answered_after(p, now_ms() - s->started_ms);
		finish_slot(p, s, SLOT_ANSWERED);
		break;
	case POOL_BUSY:
		window_halve(p, s->start_no);
		s->failed++;
		retry_later(p, s);
		break;
	case POOL_NOT_YET:
		s->failed++;
		retry_later(p, s);
		break;
	}
	pthread_cond_signal(&p->changed);
}

/*
 * Whether the window has room for another try: a try given up on is
 * not counted, as its query was lost or is the server's no more.
 * Called locked.
 */
static bool
window_room(const struct pool *p)
{
	return p->busy - p->left < p->window;
}

/* Whether a worker may start a try now.  Called locked. */
static bool
can_start(const struct pool *p)
{
	return p->pending > 0 && window_room(p);
}

/*
 * Whether s still waits for the answer that a try of gen, one it left
 * for another, brings.  Called locked.
 */
static bool
still_trying(const struct slot *s, unsigned gen)
{
	return gen - s->first_gen < s->gen - s->first_gen &&
	    (s->state == SLOT_PENDING || s->state == SLOT_RUNNING ||
	    s->state == SLOT_WAITING);
}

/*
 * A try that s left answered first, as one whose query was slow rather
 * than lost does: its job takes the place of the one trying now, which
 * is returned to be freed (NULL: its worker frees it).  The answer's
 * time is no sample, as it is not known which query it answers (Karn's
 * rule).  Called locked.
 */
static void *
late_answer(struct pool *p, struct slot *s, void *answered)
{
	void *trying = s->job;

	if (s->state == SLOT_RUNNING) {
		s->gen++;
		p->left++;
		s->running = false;
		trying = NULL;
	}
	s->job = answered;
	window_grow(p);
	finish_slot(p, s, SLOT_ANSWERED);
	pthread_cond_signal(&p->changed);
	return trying;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	enum pool_try result;
	struct slot *s;
	void *job;
	unsigned gen, failed;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (!can_start(p)) {
			if (p->closing && p->pending == 0 && p->waiting == 0)
				break;
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
			continue;
		}
		s = &p->slot[oldest_pending(p)];
		p->pending--;
		p->busy++;
		s->state = SLOT_RUNNING;
		s->running = true;
		s->start_no = p->started++;
		s->started_ms = now_ms();
		if (s->try_ms == 0)
			s->try_ms = try_time(p);
		deadline_start(&s->try_end, s->try_ms);
		/* the reporter gives the try up at its end: tell it */
		if (!p->wake.set || before(&s->try_end.at, &p->wake.at))
			pthread_cond_signal(&p->changed);
		w->in_run = true;
		job = s->job;
		gen = s->gen;
		failed = s->failed;
		pthread_mutex_unlock(&p->lock);

		result = p->ops->run(job, failed, p->ctx);

		pthread_mutex_lock(&p->lock);
		w->in_run = false;
		p->busy--;
		/* the next try may start: this one is over */
		pthread_cond_signal(&p->work);
		if (s->gen != gen) {
			/* timed out or tried again: the job is ours */
			p->left--;
			if (result == POOL_ANSWERED && still_trying(s, gen))
				job = late_answer(p, s, job);
			if (job != NULL) {
				pthread_mutex_unlock(&p->lock);
				p->ops->free(job);
				pthread_mutex_lock(&p->lock);
			}
			continue;
		}
		s->running = false;
		if (s->state == SLOT_RUNNING)
			try_ended(p, s, result);
	}
	pool_unref(p);
	return NULL;
}

/*
 * Starts a worker if the pending jobs outnumber the idle ones and the
 * window has room for one more; -1 if none could be.
 */
static int
spawn_worker(struct pool *p)
{
	pthread_attr_t attr;
	struct worker *w;
	int rc;

	if (p->pending <= p->idle || p->threads == POOL_WINDOW ||
	    !window_room(p))
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

/* Marks s pending and finds it a worker.  Called locked. */
static int
make_pending(struct pool *p, struct slot *s)
{
	s->state = SLOT_PENDING;
	p->pending++;
	if (spawn_worker(p) == -1)
		return -1;
	pthread_cond_signal(&p->work);
	return 0;
}

/*
 * The try of s has taken longer than it was given, as one whose query
 * was lost does: another starts on a copy of its job, and this one's
 * worker frees the job when it returns, unless it answers first.  With
 * a deadline, the new try is given what the answers take, so that each
 * query lost costs that much; without one, twice what this one had, so
 * that a try outlasts the resolver's own timeout and its failure counts.
 * Without memory for the copy, the try is waited for.  Called locked.
 */
static void
try_again_now(struct pool *p, struct slot *s)
{
	void *copy;

	s->try_end.set = false;
	if ((copy = p->ops->copy(s->job)) == NULL)
		return;
	window_halve(p, s->start_no);
	s->gen++;
	p->left++;
	s->job = copy;
	s->running = false;
	s->try_ms = s->dl.set ? 0 : s->try_ms * 2;
	/* with no worker at all it waits for one to end */
	(void)make_pending(p, s);
}

static void
nearer(struct deadline *next, const struct deadline *dl)
{
	if (!next->set || before(&dl->at, &next->at))
		*next = *dl;
}

/*
 * Times out the jobs whose deadline passed, and makes those whose pause
 * is over pending again; *next is the nearest deadline or end of a
 * pause still to come (next->set false if none).  Called locked.
 */
static void
expire(struct pool *p, struct deadline *next)
{
	struct timespec now;
	struct slot *s;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	next->set = false;
	for (i = 0; i < p->reach; i++) {
		s = &p->slot[i];
		if (s->state != SLOT_PENDING && s->state != SLOT_RUNNING &&
		    s->state != SLOT_WAITING)
			continue;
		if (s->dl.set && !before(&now, &s->dl.at)) {
			finish_slot(p, s, SLOT_TIMED_OUT);
			continue;
		}
		if (s->dl.set)
			nearer(next, &s->dl);
		if (s->state == SLOT_RUNNING && s->try_end.set) {
			if (before(&now, &s->try_end.at))
				nearer(next, &s->try_end);
			else
				try_again_now(p, s);
		}
		if (s->state != SLOT_WAITING)
			continue;
		if (before(&now, &s->retry.at)) {
			nearer(next, &s->retry);
			continue;
		}
		p->waiting--;
		/* with no worker at all it waits for one to end */
		(void)make_pending(p, s);
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

	for (i = 0; i < p->reach; i++) {
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
	/*
	 * a worker still inside run(job) frees it on its return, and
	 * pool_outside_done a job outside
	 */
	if (s->running && !s->outside)
		p->left++;
	else if (!s->running) {
		pthread_mutex_unlock(&p->lock);
		p->ops->free(job);
		pthread_mutex_lock(&p->lock);
	}
	s->job = NULL;
	s->state = SLOT_FREE;
	s->running = false;
	s->outside = false;
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
		p->wake = next;
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

#ifdef M_ARENA_MAX
	(void)mallopt(M_ARENA_MAX, WORKER_ARENAS);
#endif
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
	p->window = POOL_WINDOW;
	p->refs = 1;
	if ((rc = pthread_create(&p->reporter, NULL, reporter, p)) != 0) {
		pool_destroy(p);
		errno = rc;
		return NULL;
	}
	return p;
}

/*
 * A free slot for job, by dl, waiting while there is none (not yet
 * counted used: the caller's state for it first).  Called locked.
 */
static struct slot *
slot_take(struct pool *p, void *job, const struct deadline *dl)
{
	struct slot *s;
	int i;

	while (p->used == POOL_SLOTS)
		pthread_cond_wait(&p->room, &p->lock);
	for (i = 0; p->slot[i].state != SLOT_FREE; i++)
		;
	/*
	 * The lowest free slot, so that a few names touch a few slots: the
	 * scans of all 2,048, whose pages were never written, took a
	 * millisecond of page faults from a lookup of one name.
	 */
	if (i == p->reach)
		p->reach++;
	s = &p->slot[i];
	s->job = job;
	s->dl = *dl;
	s->backoff = CONNECT_RETRY_FIRST_MS;
	s->try_ms = 0;
	s->failed = 0;
	s->try_end.set = false;
	s->first_gen = s->gen;
	s->seq = p->added++;
	return s;
}

int
pool_add(struct pool *p, void *job, bool answered, const struct deadline *dl)
{
	struct slot *s;

	pthread_mutex_lock(&p->lock);
	s = slot_take(p, job, dl);
	if (answered) {
		s->state = SLOT_ANSWERED;
		s->done_seq = p->answered++;
	} else if (make_pending(p, s) == -1) {
		s->state = SLOT_FREE;
		s->job = NULL;
		p->pending--;
		p->added--;
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	p->used++;
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void
pool_add_outside(struct pool *p, void *job, const struct deadline *dl,
    struct pool_ticket *t)
{
	struct slot *s;

	pthread_mutex_lock(&p->lock);
	s = slot_take(p, job, dl);
	s->state = SLOT_RUNNING;
	s->running = true;
	s->outside = true;
	s->start_no = p->started;
	s->started_ms = now_ms();
	t->job = job;
	t->slot = (int)(s - p->slot);
	t->gen = s->gen;
	p->used++;
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

void
pool_outside_done(struct pool *p, const struct pool_ticket *t,
    enum pool_try result)
{
	struct slot *s = &p->slot[t->slot];

	pthread_mutex_lock(&p->lock);
	if (s->gen != t->gen) {
		/* reported as timed out, and left to us */
		pthread_mutex_unlock(&p->lock);
		p->ops->free(t->job);
		return;
	}
	s->running = false;
	s->outside = false;
	/* (timed out, not yet reported: the report frees it) */
	if (s->state == SLOT_RUNNING) {
		if (result != POOL_RUN)
			try_ended(p, s, result);
		else if (deadline_passed(&s->dl))
			finish_slot(p, s, SLOT_TIMED_OUT);
		else
			/* with no worker at all it waits for one to end */
			(void)make_pending(p, s);
	}
	pthread_cond_signal(&p->changed);
	pthread_mutex_unlock(&p->lock);
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
