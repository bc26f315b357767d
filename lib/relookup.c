#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"
#include "exitcode.h"
#include "relookup.h"
#include "timing.h"

long long
relookup_bound(long long timeout_ms, long long end, long long now)
{
	/* a lookup that starts late gets what is left, never a whole -t */
	return earlier(timeout_ms, time_left(end, now));
}

/* Whether l failed in a way that may change. */
static bool
failed_for_now(const struct lookup *l)
{
	return l->invalid == NULL && lookup_exit_status(l) == EX_TEMPFAIL;
}

void
relookup(struct lookup *lk, size_t n, int family, long long timeout_ms,
    long long wait_ms, long long start)
{
	struct lookup *again;
	struct deadline dl;
	long long end = time_after(start, wait_ms), now;
	long long pause_ms = CONNECT_RETRY_FIRST_MS;
	size_t i, k;

	if ((again = calloc(n ? n : 1, sizeof(*again))) == NULL)
		return;	/* the first answers stand */
	for (;;) {
		for (i = k = 0; i < n; i++)
			if (failed_for_now(&lk[i]))
				again[k++].name = lk[i].name;
		if (k == 0 || (now = now_ms()) >= end)
			break;
		(void)poll(NULL, 0, poll_timeout(earlier(pause_ms,
		    time_left(end, now))));
		pause_ms = dial_next_backoff(pause_ms, 0);
		deadline_start(&dl, relookup_bound(timeout_ms, end, now_ms()));
		resolve_names(again, k, family, &dl, lookup_keep, NULL);
		for (i = k = 0; i < n; i++) {
			if (!failed_for_now(&lk[i]))
				continue;
			/* cut short by the end: the server's last word stands */
			if (again[k].timed_out && !lk[i].timed_out) {
				memset(&again[k++], 0, sizeof(*again));
				continue;
			}
			lk[i].res = again[k].res;
			lk[i].gai_error = again[k].gai_error;
			lk[i].sys_errno = again[k].sys_errno;
			lk[i].timed_out = again[k].timed_out;
			memset(&again[k++], 0, sizeof(*again));
		}
	}
	free(again);
}
