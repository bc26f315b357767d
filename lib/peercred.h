/*
 * Pure core.  Who is at the other end of a Unix socket: the peer's
 * credentials (SO_PEERCRED), and the words every message gives them.
 */
#ifndef SOCKUTILS_PEERCRED_H
#define SOCKUTILS_PEERCRED_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The credentials of the peer of the Unix socket fd (SO_PEERCRED).
 * Returns 0, or -1 with errno set (ENOPROTOOPT for another family).
 */
int	unix_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/* " (pid N, uid N, gid N)" with the longest numbers, and its NUL. */
#define PEER_CRED_MAX	80

/*
 * " (pid N, uid N, gid N)", the credentials of the peer of the Unix
 * socket fd (SO_PEERCRED), into buf; "" for another socket.
 */
const char *peer_credentials(int fd, char *buf, size_t size);

/* " (pid N, uid N, gid N)" into buf. */
const char *credentials_text(pid_t pid, uid_t uid, gid_t gid, char *buf,
	    size_t size);

#endif
