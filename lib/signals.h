/*
 * SIGINT, SIGTERM and SIGHUP end a tool as the shell expects (status
 * 128 + N), but never with bytes it has read from the network and not
 * yet written out: from signals_hold, called as soon as a read returns,
 * to signals_release, once the bytes are written, such a signal waits.
 * A second one ends the tool at once, for a reader that never drains.
 */
#ifndef SOCKUTILS_SIGNALS_H
#define SOCKUTILS_SIGNALS_H

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

#endif
