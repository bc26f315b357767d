#include "tap.h"
#include "timing.h"

int
main(void)
{
	struct deadline dl;
	long long left;
	char buf[DURATION_STR_MAX];

	deadline_start(&dl, -1);
	ok(!dl.set && deadline_left_ms(&dl) == -1 && !deadline_passed(&dl),
	    "no deadline never passes");
	deadline_start(&dl, 0);
	ok(deadline_passed(&dl), "a deadline of 0 ms has passed");
	deadline_start(&dl, 60000);
	left = deadline_left_ms(&dl);
	ok(left > 59000 && left <= 60000, "60 s left (%lld ms)", left);
	deadline_start(&dl, 1999);
	ok(dl.at.tv_nsec < 1000000000, "nanoseconds stay normalized");
	ok(now_ms() <= now_ms(), "the clock does not go back");
	is_str(format_duration(2000, buf), "2 s", "whole seconds");
	is_str(format_duration(250, buf), "0.25 s", "a quarter");
	is_str(format_duration(1005, buf), "1.005 s", "milliseconds");
	is_str(format_duration(0, buf), "0 s", "zero");
	return tap_done();
}
