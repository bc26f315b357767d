#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "signals.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t holding;
static volatile sig_atomic_t waiting;	/* the signal that waits, or 0 */

static void
die_by(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_stop_signal(int sig)
{
	if (holding && waiting == 0)
		waiting = sig;
	else
		die_by(sig);
}

void
signals_init(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	struct sigaction old;
	size_t i;

	/* a write in progress goes on: the bytes still get out */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		/* nohup, or a script's background job: keep ignoring */
		if (sigaction(stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(stop_signals[i], &sa, NULL);
	}
}

void
signals_hold(void)
{
	holding = 1;
}

void
signals_release(void)
{
	holding = 0;
	if (waiting != 0)
		die_by(waiting);
}

bool
signals_waiting(void)
{
	return waiting != 0;
}

int
signals_poll(struct pollfd *pfd, nfds_t n, int timeout_ms)
{
	struct timespec ts, *tsp = NULL;
	sigset_t stop, old;
	size_t i;
	int rc, saved_errno;

	sigemptyset(&stop);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(&stop, stop_signals[i]);
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tsp = &ts;
	}
	/* blocked from the look until ppoll unblocks them, atomically */
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (waiting != 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = EINTR;
		return -1;
	}
	rc = ppoll(pfd, n, tsp, &old);
	saved_errno = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved_errno;
	return rc;
}
