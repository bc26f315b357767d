/*
 * Pure core, returns -1 and errno, prints nothing.  A window of
 * blocking jobs (lookups through getaddrinfo and the like) run on a
 * bounded set of threads while the caller goes on adding more, each
 * reported once, from one reporting thread, as soon as it is answered
 * or its deadline passes: in input order or in the order the answers
 * come. A job whose thread is stuck past its deadline is reported then
 * and left to its thread, which frees it when the call returns; the
 * threads never outnumber the window.
 */
#ifndef SOCKUTILS_POOL_H
#define SOCKUTILS_POOL_H

#include <stdbool.h>

#include "timing.h"

/*
 * At most this many jobs are in flight, added and not yet reported, and
 * at most this many threads run them: 10,000 names answered after 50 ms
 * each take a second, and the memory held stays small however many pass.
 */
#define POOL_WINDOW	512

struct pool_ops {
	/* On a worker thread, the blocking part: writes its answer into job. */
	void	(*run)(void *job, void *ctx);
	/*
	 * On the reporting thread, one job at a time.  A job that timed
	 * out may still be running: only what run does not write is read.
	 */
	void	(*report)(void *job, bool timed_out, void *ctx);
	/* By whichever thread is last done with job. */
	void	(*free)(void *job);
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

/* Waits until every job added is reported, then frees p. */
void	pool_end(struct pool *p);

#endif
