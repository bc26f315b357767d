/*
 * Pure core.  Durations and deadlines on the monotonic clock: every
 * wait in the suite is bounded, or says it is not with NO_LIMIT.
 */
#ifndef SOCKUTILS_TIMING_H
#define SOCKUTILS_TIMING_H

#include <limits.h>
#include <stdbool.h>
#include <time.h>

/*
 * A wait without limit, as a duration or as a point on the clock of
 * now_ms: later than every other, so that the earlier of two is the
 * smaller, and never the result of subtracting two clock readings.
 */
#define NO_LIMIT	LLONG_MAX

struct deadline {
	bool		set;	/* false: no deadline, waits are unbounded */
	struct timespec	at;	/* CLOCK_MONOTONIC */
};

/* Milliseconds since an arbitrary start, on the monotonic clock. */
long long now_ms(void);

/* The earlier of two points (or the shorter of two durations). */
long long earlier(long long a, long long b);

/* The point ms after now; NO_LIMIT if ms is. */
long long time_after(long long now, long long ms);

/*
 * Milliseconds from now to end: 0 once it has passed, never negative;
 * NO_LIMIT if end is.
 */
long long time_left(long long end, long long now);

/* ms as poll(2) takes it: -1 for NO_LIMIT, at most INT_MAX. */
int	poll_timeout(long long ms);

/* A deadline ms milliseconds from now (passed if ms <= 0); or none. */
void	deadline_start(struct deadline *dl, long long ms);

/* Milliseconds from now to at, rounded up; 0 once at has passed. */
long long timespec_left_ms(const struct timespec *at,
	    const struct timespec *now);

/* Milliseconds left (0 once passed), or NO_LIMIT for no deadline. */
long long deadline_left_ms(const struct deadline *dl);

bool	deadline_passed(const struct deadline *dl);

/*
 * How long answers take, as TCP times a retransmission (RFC 6298's
 * smoothed mean and deviation, in ms): srtt 0 until the first sample.
 */
struct rtt {
	long long	srtt, rttvar;
};

/* An answer came after ms. */
void	rtt_sample(struct rtt *r, long long ms);

/*
 * The wait for an answer before it is taken for lost: the mean and four
 * deviations, between least and most; first before any sample.
 */
long long rtt_timeout(const struct rtt *r, long long least, long long most,
	    long long first);

/* ms as users write seconds ("2 s", "0.25 s"), into buf. */
#define DURATION_STR_MAX	32
const char *format_duration(long long ms, char buf[DURATION_STR_MAX]);

#endif
