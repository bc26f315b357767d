#include <stdio.h>

#include "timing.h"

#define MS_PER_S	1000LL
#define NS_PER_MS	1000000LL
#define NS_PER_S	1000000000LL

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

long long
earlier(long long a, long long b)
{
	return a < b ? a : b;
}

long long
time_after(long long now, long long ms)
{
	/* now is never negative: NO_LIMIT - now does not overflow */
	if (ms >= NO_LIMIT - now)
		return NO_LIMIT;
	return now + ms;
}

long long
time_left(long long end, long long now)
{
	if (end == NO_LIMIT)
		return NO_LIMIT;
	return end > now ? end - now : 0;
}

int
poll_timeout(long long ms)
{
	if (ms == NO_LIMIT)
		return -1;
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

void
deadline_start(struct deadline *dl, long long ms)
{
	dl->set = ms != NO_LIMIT;
	if (!dl->set)
		return;
	if (ms < 0)
		ms = 0;
	clock_gettime(CLOCK_MONOTONIC, &dl->at);
	dl->at.tv_sec += ms / MS_PER_S;
	dl->at.tv_nsec += (ms % MS_PER_S) * NS_PER_MS;
	if (dl->at.tv_nsec >= NS_PER_S) {
		dl->at.tv_sec++;
		dl->at.tv_nsec -= NS_PER_S;
	}
}

long long
timespec_left_ms(const struct timespec *at, const struct timespec *now)
{
	long long ns = (at->tv_sec - now->tv_sec) * NS_PER_S +
	    (at->tv_nsec - now->tv_nsec);

	/* rounded up, of the whole: a wait of what is left ends no earlier */
	return ns > 0 ? (ns + NS_PER_MS - 1) / NS_PER_MS : 0;
}

long long
deadline_left_ms(const struct deadline *dl)
{
	struct timespec now;

	if (!dl->set)
		return NO_LIMIT;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return timespec_left_ms(&dl->at, &now);
}

bool
deadline_passed(const struct deadline *dl)
{
	return deadline_left_ms(dl) == 0;
}

const char *
format_duration(long long ms, char buf[DURATION_STR_MAX])
{
	long long frac = ms % MS_PER_S;
	int digits = 3;

	if (ms == NO_LIMIT) {
		snprintf(buf, DURATION_STR_MAX, "no limit");
		return buf;
	}
	if (frac == 0) {
		snprintf(buf, DURATION_STR_MAX, "%lld s", ms / MS_PER_S);
		return buf;
	}
	for (; frac % 10 == 0; frac /= 10)
		digits--;
	snprintf(buf, DURATION_STR_MAX, "%lld.%0*lld s", ms / MS_PER_S, digits,
	    frac);
	return buf;
}

void
rtt_sample(struct rtt *r, long long ms)
{
	long long delta;

	if (r->srtt == 0) {
		r->srtt = ms > 0 ? ms : 1;
		r->rttvar = ms / 2;
	} else {
		delta = ms > r->srtt ? ms - r->srtt : r->srtt - ms;
		r->rttvar = (3 * r->rttvar + delta) / 4;
		/* never 0, which stands for no sample yet */
		r->srtt = (7 * r->srtt + ms + 7) / 8;
	}
}

long long
rtt_timeout(const struct rtt *r, long long least, long long most,
    long long first)
{
	long long ms = r->srtt + 4 * r->rttvar;

	if (r->srtt == 0)
		return first;
	return ms < least ? least : ms > most ? most : ms;
}
