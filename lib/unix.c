#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "exitcode.h"
#include "unix.h"

/*
 * What the temporary name adds to a path: ".NAME.01234567" for NAME, so
 * that ss(8) and a peer, which see the name bound, see whose it is.
 */
#define UNIX_TMP_SUFFIX_MAX	10

/* Where a long path's directory is reached: the opened descriptor. */
#define PROC_FD_DIR	"/proc/self/fd/%d"

/* Fills sun_path with DIR/NAME; -1 if it does not fit. */
static int
set_sun_path(struct unix_addr *ua, const char *dir, const char *name)
{
	int n;

	n = snprintf(ua->sun.sun_path, sizeof(ua->sun.sun_path), "%s%s%s",
	    dir, dir[0] != '\0' ? "/" : "", name);
	if (n < 0 || (size_t)n > UNIX_PATH_LIMIT)
		return -1;
	ua->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    (size_t)n + 1);
	return 0;
}

static int	name_through(struct unix_addr *, const char **);

/* A long path's directory opened, and ua naming path through it. */
static int
through_directory(const char *path, struct unix_addr *ua,
    const char **errstr)
{
	char *copy, *slash;
	const char *dir;

	if ((copy = strdup(path)) == NULL)
		return -1;
	slash = strrchr(copy, '/');
	ua->base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (slash == NULL)
		dir = ".";
	else {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
	}
	ua->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (ua->dirfd == -1)
		return -1;
	return name_through(ua, errstr);
}

/* ua naming its base through its opened dirfd; -1 if it does not fit. */
static int
name_through(struct unix_addr *ua, const char **errstr)
{
	snprintf(ua->dir, sizeof(ua->dir), PROC_FD_DIR, ua->dirfd);
	/* room for the listener's temporary name too */
	if (ua->base[0] == '\0' || strlen(ua->dir) + 1 + strlen(ua->base) +
	    UNIX_TMP_SUFFIX_MAX > UNIX_PATH_LIMIT ||
	    set_sun_path(ua, ua->dir, ua->base) == -1) {
		*errstr = ua->base[0] == '\0' ? "no file name" :
		    "file name too long for a socket address "
		    "(sun_path holds 107 bytes)";
		close(ua->dirfd);
		ua->dirfd = -1;
		return -1;
	}
	return 0;
}

int
unix_address(const char *path, struct unix_addr *ua, const char **errstr)
{
	size_t len = strlen(path);

	memset(ua, 0, sizeof(*ua));
	ua->sun.sun_family = AF_UNIX;
	ua->dirfd = -1;
	*errstr = NULL;
	if (len == 0 || (path[0] == '@' && len == 1)) {
		*errstr = "empty";
		return -1;
	}
	if (path[0] == '@') {
		if (len - 1 > UNIX_PATH_LIMIT) {
			*errstr = "abstract name too long (sun_path holds "
			    "107 bytes)";
			return -1;
		}
		ua->abstract = true;
		memcpy(ua->sun.sun_path + 1, path + 1, len - 1);
		ua->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len);
		return 0;
	}
	if (path[len - 1] == '/') {
		*errstr = "a directory, not a socket name";
		return -1;
	}
	ua->base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (len + UNIX_TMP_SUFFIX_MAX <= UNIX_PATH_LIMIT) {
		/* the directory as the path names it */
		snprintf(ua->dir, sizeof(ua->dir), "%.*s",
		    (int)(ua->base - path > 1 ? ua->base - path - 1 :
		    ua->base - path), path);
		return set_sun_path(ua, "", path);
	}
	return through_directory(path, ua, errstr);
}

int
unix_address_later(const char *path, struct unix_addr *ua,
    const char **errstr)
{
	if (unix_address(path, ua, errstr) == 0)
		return 0;
	/* only a long path's directory is opened, and found missing */
	if (*errstr != NULL || errno != ENOENT)
		return -1;
	/*
	 * The directory is not there yet: hold a descriptor number for it,
	 * so that the address through it is the same when it is opened.
	 */
	if ((ua->dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    name_through(ua, errstr) == -1)
		return -1;
	ua->pending = path;
	return 0;
}

int
unix_address_ready(struct unix_addr *ua)
{
	struct unix_addr now;
	const char *errstr;

	if (ua->pending == NULL)
		return 0;
	if (unix_address(ua->pending, &now, &errstr) == -1) {
		if (errstr != NULL)
			errno = ENOENT;	/* cannot be: the name fitted before */
		return -1;
	}
	if (dup3(now.dirfd, ua->dirfd, O_CLOEXEC) == -1) {
		unix_address_close(&now);
		return -1;
	}
	unix_address_close(&now);
	ua->pending = NULL;
	return 0;
}

void
unix_address_close(struct unix_addr *ua)
{
	if (ua->dirfd != -1)
		close(ua->dirfd);
	ua->dirfd = -1;
}

int
unix_exit_status(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return EX_NOHOST;
	case EAGAIN:		/* the backlog stayed full until the timeout */
		return EX_TEMPFAIL;
	case EPROTOTYPE:
	case ENOTSOCK:
	case ECONNREFUSED:
		return EX_UNAVAILABLE;
	default:
		return ex_errno(errnum, EX_OSERR);
	}
}

int
unix_try_connect(const struct unix_addr *ua, int socktype)
{
	int fd, rc, saved;

	if ((fd = socket(AF_UNIX, socktype | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)&ua->sun, ua->len);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

bool
unix_is_socket(const struct unix_addr *ua)
{
	struct stat st;

	return ua->abstract || stat(ua->sun.sun_path, &st) == -1 ||
	    S_ISSOCK(st.st_mode);
}

const char *
unix_socket_type(const struct unix_addr *ua)
{
	if (unix_try_connect(ua, SOCK_STREAM) == 0 || errno != EPROTOTYPE)
		return "stream";
	if (unix_try_connect(ua, SOCK_DGRAM) == 0 || errno != EPROTOTYPE)
		return "datagram";
	return NULL;
}
