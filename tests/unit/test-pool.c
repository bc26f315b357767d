/*
 * lib/pool: input and completion order, deadlines, the window's bound,
 * retries of what failed for now, and the window halving for them; a
 * try given up as lost, and the late answer that beats its successor.
 */
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
	int	busy_tries;	/* the first tries fail for now */
	int	tries;
	int	copy_delay_ms;	/* how long a copy's run blocks, */
	bool	copyable;	/* if the job may have one */
	bool	is_copy;	/* the job is another try's */
};

struct log {
	pthread_mutex_t	lock;
	int		order[JOBS_MAX];
	bool		timed_out[JOBS_MAX];
	int		tries[JOBS_MAX];
	bool		by_copy[JOBS_MAX];	/* a copy's try answered */
	int		reported, freed, running, most_running;
	int		running_again, most_running_again;	/* retries */
	int		again_done;	/* retries over: the window grew */
	int		gate;		/* first tries wait for this many */
	int		gate_again;	/* and retries for this many */
	int		first_tries, retries;	/* started */
	pthread_cond_t	all_in;
};

static struct log lg = { .lock = PTHREAD_MUTEX_INITIALIZER,
    .all_in = PTHREAD_COND_INITIALIZER };

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1)
		;
}

/*
 * Counts a try in *started and waits (5 s at most) until want tries are
 * running together: what the pool runs at once is then what it lets
 * run, not what a busy machine's threads happened to reach.
 */
static void
pass_gate(int *started, int want)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&lg.lock);
	(*started)++;
	pthread_cond_broadcast(&lg.all_in);
	while (*started < want &&
	    pthread_cond_timedwait(&lg.all_in, &lg.lock, &until) == 0)
		;
	pthread_mutex_unlock(&lg.lock);
}

static enum pool_try
run(void *job, unsigned failed, void *ctx)
{
	struct job *j = job;
	bool again = failed > 0;

	j->tries = (int)failed + 1;

	(void)ctx;
	pthread_mutex_lock(&lg.lock);
	if (++lg.running > lg.most_running)
		lg.most_running = lg.running;
	if (again && ++lg.running_again > lg.most_running_again &&
	    lg.again_done == 0)
		lg.most_running_again = lg.running_again;
	pthread_mutex_unlock(&lg.lock);
	if (again)
		pass_gate(&lg.retries, lg.gate_again);
	else
		pass_gate(&lg.first_tries, lg.gate);
	pause_ms(j->is_copy ? j->copy_delay_ms : j->delay_ms);
	pthread_mutex_lock(&lg.lock);
	lg.running--;
	lg.running_again -= again;
	lg.again_done += again;
	pthread_mutex_unlock(&lg.lock);
	return j->tries <= j->busy_tries ? POOL_BUSY : POOL_ANSWERED;
}

static void
report(void *job, bool timed_out, void *ctx)
{
	const struct job *j = job;

	(void)ctx;
	pthread_mutex_lock(&lg.lock);
	lg.timed_out[lg.reported] = timed_out;
	lg.tries[lg.reported] = j->tries;
	lg.by_copy[lg.reported] = j->is_copy;
	lg.order[lg.reported++] = j->id;
	pthread_mutex_unlock(&lg.lock);
}

static void
job_free(void *job)
{
	pthread_mutex_lock(&lg.lock);
	lg.freed++;
	pthread_mutex_unlock(&lg.lock);
	free(job);
}

/* Another try of a copyable job, beside its slow one. */
static void *
job_copy(const void *job)
{
	const struct job *j = job;
	struct job *copy;

	if (!j->copyable || (copy = malloc(sizeof(*copy))) == NULL)
		return NULL;
	*copy = *j;
	copy->is_copy = true;
	return copy;
}

static const struct pool_ops ops = { run, report, job_free, job_copy };

static struct job *
new_job(int id, int delay_ms, int busy_tries)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		abort();
	j->id = id;
	j->delay_ms = delay_ms;
	j->busy_tries = busy_tries;
	return j;
}

static void
reset(void)
{
	lg.reported = lg.freed = lg.running = lg.most_running = 0;
	lg.running_again = lg.most_running_again = 0;
	lg.first_tries = lg.retries = lg.again_done = 0;
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

/*
 * Adds jobs with these delays, failing for now busy_tries times, all
 * with a deadline timeout_ms away, and ends the pool.
 */
static void
run_pool(bool in_order, const int *delays, int n, long long timeout_ms,
    int busy_tries)
{
	struct deadline dl;
	struct pool *p;
	int i;

	reset();
	if ((p = pool_new(&ops, NULL, in_order)) == NULL)
		abort();
	deadline_start(&dl, timeout_ms);
	for (i = 0; i < n; i++)
		if (pool_add(p, new_job(i, delays[i], busy_tries), false,
		    &dl) == -1)
			abort();
	pool_end(p);
}

/* lg.reported, as the reporting thread has it now. */
static int
reported_now(void)
{
	int n;

	pthread_mutex_lock(&lg.lock);
	n = lg.reported;
	pthread_mutex_unlock(&lg.lock);
	return n;
}

/*
 * Jobs run outside the pool (lib/stub.c's): 0 answered there, 1 left to
 * a worker, 2 failing for now there (a worker answers its next try), 3
 * outside past its deadline, back only after its report.  In input order.
 */
static void
test_outside(void)
{
	struct pool_ticket t[4];
	struct deadline none, soon;
	struct pool *p;
	int i;

	reset();
	if ((p = pool_new(&ops, NULL, true)) == NULL)
		abort();
	deadline_start(&none, NO_LIMIT);
	deadline_start(&soon, 100);
	for (i = 0; i < 4; i++)
		pool_add_outside(p, new_job(i, 0, 0), i == 3 ? &soon : &none,
		    &t[i]);
	pool_outside_done(p, &t[1], POOL_RUN);
	pool_outside_done(p, &t[0], POOL_ANSWERED);
	pool_outside_done(p, &t[2], POOL_BUSY);
	/* 3 is reported timed out while still outside: 10 s at most */
	for (i = 0; i < 1000 && reported_now() < 4; i++)
		pause_ms(10);
	pthread_mutex_lock(&lg.lock);
	ok(lg.reported == 4 && lg.order[0] == 0 && lg.order[1] == 1 &&
	    lg.order[2] == 2 && lg.order[3] == 3,
	    "jobs outside are reported in input order (%d)", lg.reported);
	ok(lg.tries[0] == 0 && lg.tries[1] == 1 && lg.tries[2] == 2,
	    "answered outside, not run; left to a worker, run once; failed "
	    "outside, run as its second try");
	ok(lg.timed_out[3] && lg.freed == 3,
	    "one outside past its deadline reported timed out, not freed");
	pthread_mutex_unlock(&lg.lock);
	pool_outside_done(p, &t[3], POOL_ANSWERED);
	ok(all_freed(4), "but once it is back");
	pool_end(p);
}

int
main(void)
{
	static const int slow_first[] = { 200, 0, 0 };
	static const int stuck[] = { 4000, 0 };
	static int many[JOBS_MAX];
	struct deadline none, dl;
	struct pool *p;
	struct job *j;
	long long start;
	int i;

	run_pool(true, slow_first, 3, NO_LIMIT, 0);
	ok(lg.reported == 3 && lg.order[0] == 0 && lg.order[1] == 1 &&
	    lg.order[2] == 2, "in input order, behind a slow job");
	ok(all_freed(3), "every job freed");

	run_pool(false, slow_first, 3, NO_LIMIT, 0);
	ok(lg.reported == 3 && lg.order[2] == 0,
	    "in completion order, the slow job last");

	start = now_ms();
	run_pool(true, stuck, 2, 100, 0);
	ok(lg.reported == 2 && lg.timed_out[0] && !lg.timed_out[1],
	    "a job past its deadline is reported timed out");
	/* the 4 s its thread is blocked for are not waited for */
	ok(now_ms() - start < 2500,
	    "at its deadline, while its thread is still blocked");
	ok(all_freed(2), "and freed by its thread once the call returns");

	for (i = 0; i < JOBS_MAX; i++)
		many[i] = 20;
	run_pool(false, many, JOBS_MAX, NO_LIMIT, 0);
	ok(lg.reported == JOBS_MAX, "twice the window, all reported");
	ok(lg.most_running <= POOL_WINDOW && lg.most_running > 1,
	    "never more than the window at once (%d)", lg.most_running);

	reset();
	if ((p = pool_new(&ops, NULL, true)) == NULL)
		abort();
	deadline_start(&none, NO_LIMIT);
	if (pool_add(p, new_job(7, 0, 0), true, &none) == -1 ||
	    pool_add(p, new_job(8, 0, 0), false, &none) == -1)
		abort();
	pool_end(p);
	ok(lg.reported == 2 && lg.order[0] == 7 && lg.order[1] == 8 &&
	    lg.most_running == 1, "a job added answered is reported, not run");
	ok(all_freed(2), "and freed");

	run_pool(true, slow_first, 3, NO_LIMIT, 2);
	ok(lg.reported == 3 && lg.tries[0] == 3 && lg.tries[2] == 3 &&
	    !lg.timed_out[0], "a job failing for now is run again until it answers");

	start = now_ms();
	run_pool(true, slow_first + 1, 1, 300, 1000);
	ok(lg.reported == 1 && !lg.timed_out[0] && lg.tries[0] > 3,
	    "and one that keeps failing, until its deadline (%d tries)",
	    lg.tries[0]);
	ok(now_ms() - start < 1000,
	    "where it is reported with its last answer, not timed out");

	/* the first tries all run at once, and all fail; their retries
	 * run as many at once as the halved window lets them */
	lg.gate = POOL_WINDOW;
	lg.gate_again = POOL_WINDOW / 2;
	run_pool(false, many, POOL_WINDOW, NO_LIMIT, 1);
	lg.gate = lg.gate_again = 0;
	ok(lg.reported == POOL_WINDOW && lg.most_running == POOL_WINDOW,
	    "a full window at first (%d at once)", lg.most_running);
	ok(lg.most_running_again <= POOL_WINDOW / 2 + 1 &&
	    lg.most_running_again > POOL_WINDOW / 4,
	    "halved once by a window of failures, not once each (%d at once "
	    "before the first answer)",
	    lg.most_running_again);

	/*
	 * Tries given up as lost: no answer has come to time them by, so a
	 * try is given POOL_TRY_FIRST_MS, and then another starts, although
	 * the reporting thread was asleep until the far deadline then.
	 */
	reset();
	if ((p = pool_new(&ops, NULL, true)) == NULL)
		abort();
	deadline_start(&dl, 10000);
	j = new_job(30, 3000, 0);
	j->copyable = true;
	start = now_ms();
	if (pool_add(p, j, false, &dl) == -1)
		abort();
	pool_end(p);
	ok(lg.reported == 1 && lg.by_copy[0] && !lg.timed_out[0],
	    "a try past its time is tried again, and the new try answers");
	ok(now_ms() - start < 2500,
	    "started once the first try's time is over (%lld ms)",
	    now_ms() - start);
	ok(all_freed(2), "both tries' jobs freed");

	reset();
	if ((p = pool_new(&ops, NULL, true)) == NULL)
		abort();
	j = new_job(31, POOL_TRY_FIRST_MS + 500, 0);
	j->copyable = true;
	j->copy_delay_ms = 2000;
	start = now_ms();
	if (pool_add(p, j, false, &dl) == -1)
		abort();
	pool_end(p);
	ok(lg.reported == 1 && !lg.by_copy[0] && !lg.timed_out[0],
	    "the try given up on answers first, and its answer stands");
	ok(now_ms() - start < POOL_TRY_FIRST_MS + 1500,
	    "as it comes (%lld ms)", now_ms() - start);
	ok(all_freed(2), "the newer try's job freed as it ends");
	test_outside();
	return tap_done();
}
