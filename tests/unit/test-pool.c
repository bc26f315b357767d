/* lib/pool: input and completion order, deadlines, the window's bound. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "pool.h"
#include "tap.h"
#include "timing.h"

#define JOBS_MAX	(2 * POOL_WINDOW)

struct job {
	int	id;
	int	delay_ms;	/* how long run blocks */
};

struct log {
	pthread_mutex_t	lock;
	int		order[JOBS_MAX];
	bool		timed_out[JOBS_MAX];
	int		reported, freed, running, most_running;
};

static struct log lg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1)
		;
}

static void
run(void *job, void *ctx)
{
	struct job *j = job;

	(void)ctx;
	pthread_mutex_lock(&lg.lock);
	if (++lg.running > lg.most_running)
		lg.most_running = lg.running;
	pthread_mutex_unlock(&lg.lock);
	pause_ms(j->delay_ms);
	pthread_mutex_lock(&lg.lock);
	lg.running--;
	pthread_mutex_unlock(&lg.lock);
}

static void
report(void *job, bool timed_out, void *ctx)
{
	const struct job *j = job;

	(void)ctx;
	lg.timed_out[lg.reported] = timed_out;
	lg.order[lg.reported++] = j->id;
}

static void
job_free(void *job)
{
	pthread_mutex_lock(&lg.lock);
	lg.freed++;
	pthread_mutex_unlock(&lg.lock);
	free(job);
}

static const struct pool_ops ops = { run, report, job_free };

static struct job *
new_job(int id, int delay_ms)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		abort();
	j->id = id;
	j->delay_ms = delay_ms;
	return j;
}

static void
reset(void)
{
	lg.reported = lg.freed = lg.running = lg.most_running = 0;
}

/* The frees of jobs still running when reported come later: 10 s at most. */
static bool
all_freed(int n)
{
	int tries, freed;

	for (tries = 0; tries < 1000; tries++) {
		pthread_mutex_lock(&lg.lock);
		freed = lg.freed;
		pthread_mutex_unlock(&lg.lock);
		if (freed == n)
			return true;
		pause_ms(10);
	}
	return false;
}

/* Adds jobs with these delays, all with deadline dl, and ends the pool. */
static void
run_pool(bool in_order, const int *delays, int n, long long timeout_ms)
{
	struct deadline dl;
	struct pool *p;
	int i;

	reset();
	if ((p = pool_new(&ops, NULL, in_order)) == NULL)
		abort();
	deadline_start(&dl, timeout_ms);
	for (i = 0; i < n; i++)
		if (pool_add(p, new_job(i, delays[i]), false, &dl) == -1)
			abort();
	pool_end(p);
}

int
main(void)
{
	static const int slow_first[] = { 200, 0, 0 };
	static const int stuck[] = { 4000, 0 };
	static int many[JOBS_MAX];
	struct deadline none;
	struct pool *p;
	long long start;
	int i;

	run_pool(true, slow_first, 3, NO_LIMIT);
	ok(lg.reported == 3 && lg.order[0] == 0 && lg.order[1] == 1 &&
	    lg.order[2] == 2, "in input order, behind a slow job");
	ok(all_freed(3), "every job freed");

	run_pool(false, slow_first, 3, NO_LIMIT);
	ok(lg.reported == 3 && lg.order[2] == 0,
	    "in completion order, the slow job last");

	start = now_ms();
	run_pool(true, stuck, 2, 100);
	ok(lg.reported == 2 && lg.timed_out[0] && !lg.timed_out[1],
	    "a job past its deadline is reported timed out");
	/* the 4 s its thread is blocked for are not waited for */
	ok(now_ms() - start < 2500,
	    "at its deadline, while its thread is still blocked");
	ok(all_freed(2), "and freed by its thread once the call returns");

	for (i = 0; i < JOBS_MAX; i++)
		many[i] = 20;
	run_pool(false, many, JOBS_MAX, NO_LIMIT);
	ok(lg.reported == JOBS_MAX, "twice the window, all reported");
	ok(lg.most_running <= POOL_WINDOW && lg.most_running > 1,
	    "never more than the window at once (%d)", lg.most_running);

	reset();
	if ((p = pool_new(&ops, NULL, true)) == NULL)
		abort();
	deadline_start(&none, NO_LIMIT);
	if (pool_add(p, new_job(7, 0), true, &none) == -1 ||
	    pool_add(p, new_job(8, 0), false, &none) == -1)
		abort();
	pool_end(p);
	ok(lg.reported == 2 && lg.order[0] == 7 && lg.order[1] == 8 &&
	    lg.most_running == 1, "a job added answered is reported, not run");
	ok(all_freed(2), "and freed");
	return tap_done();
}
