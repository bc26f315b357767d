#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>

#include "exitcode.h"
#include "listen.h"
#include "unix.h"

/*
 * The listener's socket file, to remove at exit: its path, and the
 * temporary name it was bound under until the rename, with the
 * identity both share.  A stop signal may come at any point, so the
 * file is noted before it appears, and the flags are set last.
 */
static struct {
	char			sun_path[UNIX_PATH_LIMIT + 1];	/* through dirfd */
	char			tmp_path[UNIX_PATH_LIMIT + 1];
	dev_t			dev;
	ino_t			ino;
	volatile sig_atomic_t	made;		/* sun_path may be ours */
	volatile sig_atomic_t	tmp_made;	/* tmp_path is ours */
} made_file;

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

/* A connect to ua with socktype: 0, or -1 with errno set. */
static int
try_connect(const struct unix_addr *ua, int socktype)
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
	if (try_connect(ua, SOCK_STREAM) == 0 || errno != EPROTOTYPE)
		return "stream";
	if (try_connect(ua, SOCK_DGRAM) == 0 || errno != EPROTOTYPE)
		return "datagram";
	return NULL;
}

/* The kernel's encoding of a device number, as sock_diag reports it. */
static unsigned int
kernel_dev(dev_t dev)
{
	return major(dev) << 20 | minor(dev);
}

/*
 * Whether a socket is bound to the file st (and listening, for a
 * stream socket), as the kernel's socket diagnostics (unix_diag) tell:
 * 1 or 0, or -1 when they cannot (no such module).  Unlike a connect,
 * asking takes no connection from the listener.
 */
static int
bound_to(const struct stat *st)
{
	struct {
		struct nlmsghdr		nlh;
		struct unix_diag_req	req;
	} ask = {
		.nlh = { .nlmsg_len = sizeof(ask),
		    .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = AF_UNIX, .udiag_states = ~0U,
		    .udiag_show = UDIAG_SHOW_VFS },
	};
	/* aligned for the messages read into it */
	static long buf[8192 / sizeof(long)];
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *h;
	const struct unix_diag_msg *m;
	const struct rtattr *a;
	const struct unix_diag_vfs *vfs;
	ssize_t n;
	size_t len;
	int fd, found = -1;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return -1;
	if (sendto(fd, &ask, sizeof(ask), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) == -1)
		goto out;
	while (found == -1 && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				found = 0;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				goto out;
			m = NLMSG_DATA(h);
			len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			for (a = (const struct rtattr *)(m + 1);
			    RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				if (a->rta_type != UNIX_DIAG_VFS)
					continue;
				vfs = RTA_DATA(a);
				if (vfs->udiag_vfs_ino == st->st_ino &&
				    vfs->udiag_vfs_dev == kernel_dev(st->st_dev) &&
				    (m->udiag_type != SOCK_STREAM ||
				    m->udiag_state == TCP_LISTEN)) {
					found = 1;
					goto out;
				}
			}
		}
	}
out:
	close(fd);
	return found;
}

/*
 * Whether what is at ua's path may be replaced: 0 if nothing is there
 * or a stale socket (nothing bound to it; connecting is refused); -1
 * with errno EADDRINUSE for a live socket, ENOTSOCK for anything else.
 */
static int
check_path(const struct unix_addr *ua)
{
	struct stat st;
	int live;

	if (lstat(ua->sun.sun_path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	/* without the diagnostics, connect: it costs the listener one */
	if ((live = bound_to(&st)) == -1)
		live = try_connect(ua, SOCK_STREAM) == 0 ||
		    errno != ECONNREFUSED;
	if (!live)
		return 0;
	errno = EADDRINUSE;
	return -1;
}

/* The temporary name the socket is bound to, in the same directory. */
static int
temporary_name(const struct unix_addr *ua, struct sockaddr_un *tmp,
    socklen_t *len)
{
	unsigned int r;
	int n;

	if (getentropy(&r, sizeof(r)) == -1)
		return -1;
	*tmp = ua->sun;
	n = snprintf(tmp->sun_path, sizeof(tmp->sun_path), "%s%s.%s.%08x",
	    ua->dir, ua->dir[0] != '\0' ? "/" : "", ua->base, r);
	if (n < 0 || (size_t)n > UNIX_PATH_LIMIT) {
		errno = ENAMETOOLONG;
		return -1;
	}
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    (size_t)n + 1);
	return 0;
}

/*
 * Notes the socket file bound at bound (a temporary name, or sun_path
 * itself) as ours, to be removed at exit from sun_path, and from bound
 * until it is renamed there.
 */
static int
remember_file(const char *sun_path, const char *bound)
{
	struct stat st;

	if (lstat(bound, &st) == -1)
		return -1;
	strlcpy(made_file.sun_path, sun_path, sizeof(made_file.sun_path));
	strlcpy(made_file.tmp_path, bound, sizeof(made_file.tmp_path));
	made_file.dev = st.st_dev;
	made_file.ino = st.st_ino;
	made_file.tmp_made = strcmp(bound, sun_path) != 0;
	made_file.made = 1;
	return 0;
}

/*
 * Makes the socket fd, bound at the temporary name tmp, ready and moves
 * it to ua's path: noted as ours, its mode set, listening, renamed.
 * Returns 0, or -1 with errno set and *step the call that failed.
 */
static int
settle_file(int fd, const struct unix_addr *ua, const char *tmp,
    int socktype, mode_t mode, enum step *step)
{
	/* noted before the name appears: a signal then still removes it */
	*step = STEP_LSTAT;
	if (remember_file(ua->sun.sun_path, tmp) == -1)
		return -1;
	*step = STEP_CHMOD;
	if (mode != (mode_t)-1 && chmod(tmp, mode) == -1)
		return -1;
	*step = STEP_LISTEN;
	if (socktype == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) == -1)
		return -1;
	*step = STEP_RENAME;
	return rename(tmp, ua->sun.sun_path);
}

/* Binds fd at ua through a temporary name, as said above. */
static int
bind_file(int fd, const struct unix_addr *ua, int socktype, mode_t mode,
    enum step *step)
{
	struct sockaddr_un tmp;
	socklen_t len;
	mode_t old_mask;
	int rc;

	*step = STEP_BIND;
	if (check_path(ua) == -1 || temporary_name(ua, &tmp, &len) == -1)
		return -1;
	/* with --mode, nobody may connect before it is set */
	old_mask = umask(mode != (mode_t)-1 ? 0777 : 0);
	if (mode == (mode_t)-1)
		umask(old_mask);
	rc = bind(fd, (struct sockaddr *)&tmp, len);
	umask(old_mask);
	if (rc == -1)
		return -1;
	if (settle_file(fd, ua, tmp.sun_path, socktype, mode, step) == -1) {
		made_file.made = made_file.tmp_made = 0;
		(void)unlink(tmp.sun_path);
		return -1;
	}
	made_file.tmp_made = 0;
	return 0;
}

/*
 * Binds fd at ua.  An abstract name is bound as it is.  A datagram
 * socket is ready once bound, so it is bound under its own name (which
 * its replies come from) when nothing is there; a stream socket, a
 * file already there and --mode take the way through a temporary name.
 */
static int
bind_unix(int fd, const struct unix_addr *ua, int socktype, mode_t mode,
    enum step *step)
{
	*step = STEP_BIND;
	if (ua->abstract)
		return bind(fd, (const struct sockaddr *)&ua->sun, ua->len);
	if (socktype == SOCK_DGRAM && mode == (mode_t)-1) {
		if (bind(fd, (const struct sockaddr *)&ua->sun, ua->len) == 0)
			return remember_file(ua->sun.sun_path,
			    ua->sun.sun_path);
		if (errno != EADDRINUSE)
			return -1;
	}
	return bind_file(fd, ua, socktype, mode, step);
}

int
unix_listen(const struct unix_addr *ua, int socktype, mode_t mode,
    enum step *step)
{
	int fd, saved;

	*step = STEP_SOCKET;
	if ((fd = socket(AF_UNIX, socktype | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind_unix(fd, ua, socktype, mode, step) == 0) {
		/* bind_file listens before the name appears */
		*step = STEP_LISTEN;
		if (socktype != SOCK_STREAM || listen(fd, LISTEN_BACKLOG) == 0)
			return fd;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Unlinks path if the socket file there is still ours. */
static void
remove_ours(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_dev == made_file.dev &&
	    st.st_ino == made_file.ino)
		(void)unlink(path);
}

void
unix_listen_remove(void)
{
	if (made_file.tmp_made) {
		made_file.tmp_made = 0;
		remove_ours(made_file.tmp_path);
	}
	if (made_file.made) {
		made_file.made = 0;
		remove_ours(made_file.sun_path);
	}
}

int
unix_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cr;
	socklen_t len = sizeof(int);
	int domain;

	/* a TCP socket answers too, with nobody's credentials */
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1)
		return -1;
	if (domain != AF_UNIX) {
		errno = ENOPROTOOPT;
		return -1;
	}
	len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return -1;
	*pid = cr.pid;
	*uid = cr.uid;
	*gid = cr.gid;
	return 0;
}
