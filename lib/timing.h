/* Deadlines on the monotonic clock: every wait in the suite is bounded. */
#ifndef SOCKUTILS_TIMING_H
#define SOCKUTILS_TIMING_H

#include <stdbool.h>
#include <time.h>

struct deadline {
	bool		set;	/* false: no deadline, waits are unbounded */
	struct timespec	at;	/* CLOCK_MONOTONIC */
};

/* Milliseconds since an arbitrary start, on the monotonic clock. */
long long now_ms(void);

/* A deadline ms milliseconds from now; ms < 0 means none. */
void	deadline_start(struct deadline *dl, long long ms);

/* Milliseconds left (0 once passed), or -1 when there is no deadline. */
long long deadline_left_ms(const struct deadline *dl);

bool	deadline_passed(const struct deadline *dl);

/* ms as users write seconds ("2 s", "0.25 s"), into buf. */
#define DURATION_STR_MAX	32
const char *format_duration(long long ms, char buf[DURATION_STR_MAX]);

#endif
