/*
 * Pure core.  SIGINT, SIGTERM and SIGHUP end a tool as the shell
 * expects (status 128 + N), but never with bytes it has read from the
 * network and not yet written out: from signals_hold, called as soon as
 * a read returns, to signals_release, once the bytes are written, such
 * a signal waits.  A second one ends the tool at once, for a reader that
 * never drains.
 */
#ifndef SOCKUTILS_SIGNALS_H
#define SOCKUTILS_SIGNALS_H

#include <stdbool.h>

/* Called by cli_init; a signal the caller ignores stays ignored. */
void	signals_init(void);

void	signals_hold(void);

/* Ends the tool by the signal that waited, if one did. */
void	signals_release(void);

/*
 * fn is called (in the signal handler: async-signal-safe calls only)
 * before a stop signal ends the tool, to remove what it made.
 */
void	signals_at_death(void (*fn)(void));

/* Whether a stop signal waits for signals_release. */
bool	signals_waiting(void);

/*
 * A descriptor that becomes readable once a stop signal waits, for a
 * loop that holds them while it polls: one that comes between its look
 * at signals_waiting and its poll is not missed.  Made on the first
 * call; returns -1 with errno set if it cannot be.
 */
int	signals_wake_fd(void);

#endif
