/*
 * Pure core.  The listener's Unix socket file: it appears at its path
 * only once the socket is ready, replaces a stale one, and is removed
 * at exit unless something replaced it.
 */
#ifndef SOCKUTILS_UNIXLISTEN_H
#define SOCKUTILS_UNIXLISTEN_H

#include <sys/types.h>

#include "step.h"
#include "unix.h"

/*
 * A socket of socktype listening (bound, for datagrams) at ua, whose
 * file (not for an abstract name) appears at path only now, with mode
 * (-1: as the umask makes it), replacing a stale socket; a live socket
 * there, or anything else, fails with EADDRINUSE or ENOTSOCK.  Returns
 * the descriptor, or -1 with errno set and *step the call that failed.
 */
int	unix_listen(const struct unix_addr *ua, int socktype, mode_t mode,
	    enum step *step);

/*
 * Removes the socket file unix_listen made, unless something else is
 * at its path now.  Safe in a signal handler.
 */
void	unix_listen_remove(void);

#endif
