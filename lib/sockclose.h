/*
 * Pure core.  Closing a connected stream socket so that the peer sees
 * what it should: all that was sent, or a transfer cut short.
 */
#ifndef SOCKUTILS_SOCKCLOSE_H
#define SOCKUTILS_SOCKCLOSE_H

/*
 * Closes a socket whose write side is shut down once the peer has
 * acknowledged all that was sent, dropping what it sends meanwhile, so
 * that the close is not a reset that discards the last data.  Returns
 * 0; or -1 with errno set (ETIMEDOUT when timeout_ms passed first,
 * NO_LIMIT meaning a minute; the connection's error) after closing with a reset.
 */
int	close_sent(int fd, long long timeout_ms);

/*
 * Closes a socket with a reset (SO_LINGER 0), errno kept: the peer
 * sees the transfer cut short, not a clean end of file.
 */
void	close_reset(int fd);

/*
 * Closes a socket whose reply was read as far as it was wanted (an
 * --expect that matched): the write side shut down, then what has
 * arrived already read and dropped without waiting, so that a peer that
 * has sent all it had sees an end of file, not a reset.  errno kept.
 */
void	close_read_enough(int fd);

#endif
