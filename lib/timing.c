#include <stdio.h>

#include "timing.h"

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void
deadline_start(struct deadline *dl, long long ms)
{
	dl->set = ms >= 0;
	if (!dl->set)
		return;
	clock_gettime(CLOCK_MONOTONIC, &dl->at);
	dl->at.tv_sec += ms / 1000;
	dl->at.tv_nsec += (ms % 1000) * 1000000;
	if (dl->at.tv_nsec >= 1000000000) {
		dl->at.tv_sec++;
		dl->at.tv_nsec -= 1000000000;
	}
}

long long
deadline_left_ms(const struct deadline *dl)
{
	struct timespec now;
	long long left;

	if (!dl->set)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = (dl->at.tv_sec - now.tv_sec) * 1000LL +
	    (dl->at.tv_nsec - now.tv_nsec + 999999) / 1000000;
	return left > 0 ? left : 0;
}

bool
deadline_passed(const struct deadline *dl)
{
	return deadline_left_ms(dl) == 0;
}

const char *
format_duration(long long ms, char buf[DURATION_STR_MAX])
{
	long long frac = ms % 1000;
	int digits = 3;

	if (frac == 0) {
		snprintf(buf, DURATION_STR_MAX, "%lld s", ms / 1000);
		return buf;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, DURATION_STR_MAX, "%lld.%0*lld s", ms / 1000, digits,
	    frac);
	return buf;
}
