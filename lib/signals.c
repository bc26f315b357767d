#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "signals.h"

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t holding;
static volatile sig_atomic_t waiting;	/* the signal that waits, or 0 */
/* the pipe of signals_wake_fd, -1 until it is asked for */
static int wake_read = -1;
static volatile sig_atomic_t wake_write = -1;
static void (*last_words)(void);

void
signals_at_death(void (*fn)(void))
{
	last_words = fn;
}

static void
die_by(int sig)
{
	if (last_words != NULL)
		last_words();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Makes the wake pipe readable; its byte is never read: once is enough. */
static void
wake_up(void)
{
	int saved_errno = errno;
	ssize_t n;

	if (wake_write != -1) {
		n = write(wake_write, "", 1);	/* full: readable already */
		(void)n;
	}
	errno = saved_errno;
}

static void
on_stop_signal(int sig)
{
	if (holding && waiting == 0) {
		waiting = sig;
		wake_up();
	} else
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
signals_wake_fd(void)
{
	int p[2];

	if (wake_read == -1) {
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
			return -1;
		wake_read = p[0];
		wake_write = p[1];
	}
	return wake_read;
}
