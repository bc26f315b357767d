#include <errno.h>
#include <time.h>

#include "tap.h"
#include "timing.h"

/* Sleeps ms milliseconds, whatever signal comes. */
static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	/* a signal cuts it short: sleep what is left */
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static void
test_no_limit(void)
{
	long long now = now_ms();

	ok(NO_LIMIT > 0, "no limit is not a negative number");
	ok(earlier(NO_LIMIT, 5) == 5 && earlier(5, NO_LIMIT) == 5,
	    "any limit is earlier than none");
	ok(earlier(NO_LIMIT, NO_LIMIT) == NO_LIMIT, "none and none: none");
	ok(earlier(3, 7) == 3 && earlier(7, 3) == 3, "the earlier of two");
	ok(time_after(now, NO_LIMIT) == NO_LIMIT, "no limit from now: none");
	ok(time_after(now, 250) == now + 250, "250 ms from now");
	ok(time_after(now, NO_LIMIT - 1) == NO_LIMIT,
	    "a point beyond the clock's range saturates to none");
}

/* The bug of issue 9: a deadline already passed must not read as none. */
static void
test_time_left(void)
{
	long long now = now_ms();

	ok(time_left(now + 100, now) == 100, "100 ms left");
	ok(time_left(now - 100, now) == 0, "a passed end leaves 0, not -100");
	ok(time_left(now, now) == 0, "the end itself leaves 0");
	ok(time_left(NO_LIMIT, now) == NO_LIMIT, "no end leaves no limit");
	ok(earlier(10000, time_left(now - 1, now)) == 0,
	    "the earlier of a bound and a passed end is now");
}

/* Across a second: the rounding is of the whole, not of the nanoseconds. */
static void
test_timespec_left(void)
{
	struct timespec at = { 101, 10000000 }, now = { 100, 980000000 };

	ok(timespec_left_ms(&at, &now) == 30, "30 ms across a second (%lld)",
	    timespec_left_ms(&at, &now));
	now.tv_nsec = 979999999;
	ok(timespec_left_ms(&at, &now) == 31, "30.000001 ms rounds up to 31");
	at.tv_nsec = 990000000;
	now.tv_sec = 101;
	now.tv_nsec = 0;
	ok(timespec_left_ms(&at, &now) == 990, "990 ms within a second");
	ok(timespec_left_ms(&now, &at) == 0, "passed: 0, never negative");
}

static void
test_poll_timeout(void)
{
	ok(poll_timeout(NO_LIMIT) == -1, "poll waits for ever without limit");
	ok(poll_timeout(0) == 0, "0 ms polls");
	ok(poll_timeout(1500) == 1500, "1500 ms as they are");
	ok(poll_timeout(INT_MAX + 1LL) == INT_MAX, "longer clamps to INT_MAX");
	ok(poll_timeout(-5) == 0, "a negative time left polls, never waits");
}

static void
test_deadline(void)
{
	struct deadline dl;
	struct timespec before, after;
	long long left;

	deadline_start(&dl, NO_LIMIT);
	ok(!dl.set && deadline_left_ms(&dl) == NO_LIMIT &&
	    !deadline_passed(&dl), "no deadline never passes");
	deadline_start(&dl, 0);
	ok(dl.set && deadline_passed(&dl), "a deadline of 0 ms has passed");
	deadline_start(&dl, -1);
	ok(dl.set && deadline_passed(&dl),
	    "a negative time left is a deadline passed, not none");
	deadline_start(&dl, 60000);
	left = deadline_left_ms(&dl);
	ok(left > 59000 && left <= 60000, "60 s left (%lld ms)", left);

	clock_gettime(CLOCK_MONOTONIC, &before);
	deadline_start(&dl, 1999);
	clock_gettime(CLOCK_MONOTONIC, &after);
	ok(dl.at.tv_nsec >= 0 && dl.at.tv_nsec < 1000000000,
	    "nanoseconds stay normalized");
	ok((dl.at.tv_sec - before.tv_sec) * 1000000000LL + dl.at.tv_nsec -
	    before.tv_nsec >= 1999000000LL &&
	    (dl.at.tv_sec - after.tv_sec) * 1000000000LL + dl.at.tv_nsec -
	    after.tv_nsec <= 1999000000LL, "1999 ms from when it started");

	deadline_start(&dl, 50);
	pause_ms(20);
	left = deadline_left_ms(&dl);
	ok(left >= 0 && left <= 30, "20 ms later, at most 30 ms left (%lld)",
	    left);
	pause_ms(left + 1);
	ok(deadline_passed(&dl) && deadline_left_ms(&dl) == 0,
	    "once passed, 0 left");
}

static void
test_clock(void)
{
	long long t0 = now_ms(), t1;

	pause_ms(20);
	t1 = now_ms();
	ok(t1 - t0 >= 20, "20 ms of sleep advance the clock 20 ms (%lld)",
	    t1 - t0);
}

static void
test_format_duration(void)
{
	char buf[DURATION_STR_MAX];

	is_str(format_duration(2000, buf), "2 s", "whole seconds");
	is_str(format_duration(250, buf), "0.25 s", "a quarter");
	is_str(format_duration(1005, buf), "1.005 s", "milliseconds");
	is_str(format_duration(1500, buf), "1.5 s", "no trailing zeros");
	is_str(format_duration(0, buf), "0 s", "zero");
	is_str(format_duration(NO_LIMIT, buf), "no limit",
	    "no limit is not a number of seconds");
}

static void
test_rtt(void)
{
	struct rtt r = { 0, 0 };

	ok(rtt_timeout(&r, 200, 1000, 1000) == 1000,
	    "before any answer: the first wait");
	rtt_sample(&r, 100);
	ok(r.srtt == 100 && r.rttvar == 50, "the first sample: mean, half its deviation");
	ok(rtt_timeout(&r, 200, 1000, 1000) == 300, "mean and four deviations");
	ok(rtt_timeout(&r, 400, 1000, 1000) == 400, "at least least");
	ok(rtt_timeout(&r, 100, 250, 1000) == 250, "at most most");
	rtt_sample(&r, 100);
	ok(r.srtt == 100 && r.rttvar == 37, "a sample at the mean: less deviation");
	r.srtt = r.rttvar = 0;
	rtt_sample(&r, 0);
	ok(r.srtt == 1, "an answer in no time still counts as a sample");
}

int
main(void)
{
	test_no_limit();
	test_time_left();
	test_timespec_left();
	test_poll_timeout();
	test_deadline();
	test_clock();
	test_format_duration();
	test_rtt();
	return tap_done();
}
