/*
 * Pure core, returns -1 and errno, prints nothing.  A window of
 * blocking jobs (lookups through getaddrinfo and the like) run on a
 * bounded set of threads while the caller goes on adding more, each
 * reported once, from one reporting thread, as soon as it is answered
 * or its deadline passes: in input order or in the order the answers
 * come. A job whose thread is stuck past its deadline is reported then
 * and left to its thread, which frees it when the call returns; the
 * threads never outnumber POOL_WINDOW.
 *
 * A job that failed for now is run again after a pause (the dialer's
 * backoff: 5 ms, doubling up to 250 ms) while its deadline leaves time
 * for another try (the pause, and what the answers take); otherwise
 * it is reported with its last answer.  A try that takes longer than
 * the answers do (their mean and four deviations, as RFC 6298 times a
 * retransmission: POOL_TRY_FIRST_MS before the first answer, never less
 * than POOL_TRY_MIN_MS nor more than POOL_TRY_FIRST_MS), as one whose
 * query was lost does, is left to its thread and another starts at once,
 * on a copy of the job: given as long again while the job has a
 * deadline, twice as long without one.  Whichever try answers first
 * stands, the one left included, as a slow server's late answer does.
 *
 * The window adapts as TCP's congestion window: a try that failed as
 * if the server could not keep up (POOL_BUSY, or taking too long)
 * halves the tries run at once, at most once for all those started
 * before the last halving, never below one; each answer adds one, up
 * to POOL_WINDOW, so that it doubles in a round of answers.
 */
#ifndef SOCKUTILS_POOL_H
#define SOCKUTILS_POOL_H

#include <stdbool.h>

#include "timing.h"

/*
 * At most this many tries run at once, on as many threads: 10,000 names
 * answered after 50 ms each take a second.
 */
#define POOL_WINDOW	512

/*
 * At most this many jobs are in flight, added and not yet reported: in
 * input order, the answers held back behind a slow one, whose try was
 * lost, while the window runs on.
 */
#define POOL_SLOTS	2048

/* The time a try is given: before any answer, and at least. */
#define POOL_TRY_FIRST_MS	1000
#define POOL_TRY_MIN_MS		200

/* What a try of a job came to. */
enum pool_try {
	POOL_ANSWERED,	/* to be reported */
	POOL_BUSY,	/* failed for now, maybe for the load: fewer at once */
	POOL_NOT_YET,	/* an answer that may change: try again */
	POOL_RUN,	/* pool_outside_done's: not tried, for a worker */
};

struct pool_ops {
	/*
	 * On a worker thread, the blocking part: writes its answer into
	 * job.  failed counts the earlier tries of the job (its copies'
	 * too) that ended failing, not those given up as lost.
	 */
	enum pool_try (*run)(void *job, unsigned failed, void *ctx);
	/*
	 * On the reporting thread, one job at a time.  A job that timed
	 * out may still be running: only what run does not write is read.
	 */
	void	(*report)(void *job, bool timed_out, void *ctx);
	/* By whichever thread is last done with job. */
	void	(*free)(void *job);
	/*
	 * On the reporting thread: a new job for another try of job, which
	 * is still running; NULL on ENOMEM (its try is then waited for).
	 * Reads only what run does not write.
	 */
	void	*(*copy)(const void *job);
};

struct pool;

/*
 * A pool calling ops with ctx, reporting in input order or, with
 * in_order false, in completion order; NULL with errno set.
 */
struct pool *pool_new(const struct pool_ops *ops, void *ctx, bool in_order);

/*
 * Adds job, to be run (unless answered already) and reported by dl,
 * waiting while the window is full.  Returns 0, or -1 with errno when no
 * thread can run it (the job is not taken: add it again answered).
 */
int	pool_add(struct pool *p, void *job, bool answered,
	    const struct deadline *dl);

/* A job run outside the pool: what pool_outside_done is given back. */
struct pool_ticket {
	void		*job;
	int		 slot;
	unsigned	 gen;
};

/*
 * Adds job as pool_add does, but run by the caller (lib/stub.c) rather
 * than a worker: it is reported once pool_outside_done says so, or by dl
 * as the others are.  Waits while the window is full.
 */
void	pool_add_outside(struct pool *p, void *job, const struct deadline *dl,
	    struct pool_ticket *t);

/*
 * The caller is done with the job of t, whose try came to result as a
 * worker's would (POOL_BUSY, POOL_NOT_YET: tried again by a worker), or
 * POOL_RUN: left to a worker to run after all, unless its deadline
 * passed (reported as timed out).  A job reported as timed out already
 * is freed.  Every job added outside must come back so before pool_end.
 */
void	pool_outside_done(struct pool *p, const struct pool_ticket *t,
	    enum pool_try result);

/* Waits until every job added is reported, then frees p. */
void	pool_end(struct pool *p);

#endif
