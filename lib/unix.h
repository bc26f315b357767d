/*
 * Pure core.  Unix-domain socket addresses (AF_UNIX) as users name them:
 * a path, or '@' and a name in Linux's abstract namespace, as ss(8) and
 * systemd write them.  A path longer than sun_path holds (107 bytes) is
 * reached through its directory, opened, as /proc/self/fd/N/NAME; only
 * a NAME too long even so is refused.  And what is at an address: a
 * socket, of which type (the listener's socket file is unixlisten.h's).
 */
#ifndef SOCKUTILS_UNIX_H
#define SOCKUTILS_UNIX_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

/* What sun_path holds besides its NUL. */
#define UNIX_PATH_LIMIT	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

struct unix_addr {
	struct sockaddr_un	 sun;
	socklen_t		 len;
	bool			 abstract;
	int			 dirfd;		/* a long path's directory, or -1 */
	const char		*base;		/* the name in it (named only) */
	char			 dir[UNIX_PATH_LIMIT + 1]; /* how sun names dirfd */
	const char		*pending;	/* a long path whose directory is
						   not there yet, or NULL */
};

/*
 * The address of path into ua.  Returns 0, or -1 with *errstr set
 * (empty, too long) or errno (the directory of a long path).
 */
int	unix_address(const char *path, struct unix_addr *ua,
	    const char **errstr);

/*
 * As unix_address, but a long path whose directory does not exist yet
 * is taken too, for a connect that waits: unix_address_ready opens the
 * directory before each try.
 */
int	unix_address_later(const char *path, struct unix_addr *ua,
	    const char **errstr);

/*
 * Opens the directory of a pending long path, if it is there now.
 * Returns 0 (also when nothing is pending), or -1 with errno set.
 */
int	unix_address_ready(struct unix_addr *ua);

/* Releases what unix_address opened. */
void	unix_address_close(struct unix_addr *ua);

/* The exit status for a Unix socket's errnum (68 ENOENT, 69 EPROTOTYPE). */
int	unix_exit_status(int errnum);

/* Whether ua is abstract, or its path is a socket file or nothing. */
bool	unix_is_socket(const struct unix_addr *ua);

/* "stream" or "datagram": the type of the socket at ua, or NULL. */
const char *unix_socket_type(const struct unix_addr *ua);

/*
 * A connect to ua with socktype, closed at once: 0, or -1 with errno
 * set (ECONNREFUSED: nothing listens; EPROTOTYPE: the other type).
 */
int	unix_try_connect(const struct unix_addr *ua, int socktype);

#endif
