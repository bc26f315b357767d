#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>

#include "listen.h"
#include "unixlisten.h"

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
		live = unix_try_connect(ua, SOCK_STREAM) == 0 ||
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

	/*
	 * getrandom(2), not getentropy: the static build would link
	 * libbsd's, ahead of libc's, and its fallbacks (8 KiB)
	 */
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
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
