#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"
#include "unix.h"
#include "unixlisten.h"

/* short enough that every path made from them fits PATH_MAX */
static char dir[256], sub[512];

/* dir/name, into buf. */
static const char *
in_dir(const char *name, char buf[PATH_MAX])
{
	snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return buf;
}

static void
test_address(void)
{
	struct unix_addr ua;
	const char *errstr;
	char path[300];

	ok(unix_address("/run/x.sock", &ua, &errstr) == 0 && !ua.abstract &&
	    strcmp(ua.sun.sun_path, "/run/x.sock") == 0 && ua.dirfd == -1 &&
	    ua.len == offsetof(struct sockaddr_un, sun_path) + 12,
	    "a path as it is, its NUL counted");
	ok(unix_address("@name", &ua, &errstr) == 0 && ua.abstract &&
	    ua.sun.sun_path[0] == '\0' &&
	    memcmp(ua.sun.sun_path + 1, "name", 4) == 0 &&
	    ua.len == offsetof(struct sockaddr_un, sun_path) + 5,
	    "@name is abstract, without a NUL at the end");
	ok(unix_address("./@name", &ua, &errstr) == 0 && !ua.abstract,
	    "./@name is a file");
	ok(unix_address("", &ua, &errstr) == -1 && errstr != NULL, "empty");
	ok(unix_address("@", &ua, &errstr) == -1 && errstr != NULL,
	    "an empty abstract name");
	ok(unix_address("/run/", &ua, &errstr) == -1 && errstr != NULL,
	    "a directory");
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '@';
	path[sizeof(path) - 1] = '\0';
	ok(unix_address(path, &ua, &errstr) == -1 && errstr != NULL &&
	    strstr(errstr, "107") != NULL, "a long abstract name, the limit named");
	path[0] = 'a';
	ok(unix_address(path, &ua, &errstr) == -1 && errstr != NULL &&
	    strstr(errstr, "107") != NULL, "a long file name, the limit named");
}

/* A path longer than sun_path under dir: its directory made. */
static const char *
long_path(char buf[PATH_MAX])
{
	snprintf(sub, sizeof(sub), "%s/%0100d", dir, 0);
	if (mkdir(sub, 0700) == -1 && errno != EEXIST)
		return NULL;
	snprintf(buf, PATH_MAX, "%s/long.sock", sub);
	return buf;
}

static void
test_listen(void)
{
	struct unix_addr ua;
	struct stat st;
	const char *errstr;
	enum step step;
	char path[PATH_MAX], lp[PATH_MAX];
	int fd, fd2, plain;

	in_dir("s.sock", path);
	unix_address(path, &ua, &errstr);
	fd = unix_listen(&ua, SOCK_STREAM, 0640, &step);
	ok(fd != -1 && stat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    (st.st_mode & 0777) == 0640, "the socket appears with its mode");
	ok(unix_listen(&ua, SOCK_STREAM, (mode_t)-1, &step) == -1 &&
	    errno == EADDRINUSE, "a live socket is in use");
	ok(unix_socket_type(&ua) != NULL &&
	    strcmp(unix_socket_type(&ua), "stream") == 0, "its type: stream");
	close(fd);
	ok(stat(path, &st) == 0, "closed, its file stays: stale");
	fd = unix_listen(&ua, SOCK_DGRAM, (mode_t)-1, &step);
	ok(fd != -1, "a stale socket is replaced");
	ok(strcmp(unix_socket_type(&ua), "datagram") == 0,
	    "its type: datagram");
	unix_listen_remove();
	ok(stat(path, &st) == -1 && errno == ENOENT, "removed at the end");
	close(fd);

	fd = unix_listen(&ua, SOCK_STREAM, (mode_t)-1, &step);
	unlink(path);
	/* another's socket at the path since */
	fd2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd2 != -1 && bind(fd2, (struct sockaddr *)&ua.sun, ua.len) == -1) {
		close(fd2);
		fd2 = -1;
	}
	unix_listen_remove();
	ok(fd2 != -1 && stat(path, &st) == 0,
	    "a socket that replaced ours is not removed");
	close(fd);
	close(fd2);
	unlink(path);

	in_dir("plain", path);
	plain = open(path, O_CREAT | O_WRONLY, 0600);
	close(plain);
	unix_address(path, &ua, &errstr);
	ok(unix_listen(&ua, SOCK_STREAM, (mode_t)-1, &step) == -1 &&
	    errno == ENOTSOCK && stat(path, &st) == 0 && S_ISREG(st.st_mode),
	    "a file that is not a socket is left alone");
	ok(!unix_is_socket(&ua), "and is not a socket");
	unlink(path);

	if (long_path(lp) == NULL) {
		ok(0, "a long path's directory");
		return;
	}
	ok(strlen(lp) > UNIX_PATH_LIMIT && unix_address(lp, &ua, &errstr) == 0 &&
	    ua.dirfd != -1, "a long path is reached through its directory");
	fd = unix_listen(&ua, SOCK_STREAM, (mode_t)-1, &step);
	ok(fd != -1 && stat(lp, &st) == 0 && S_ISSOCK(st.st_mode),
	    "and listened on there");
	unix_listen_remove();
	ok(stat(lp, &st) == -1, "and removed");
	close(fd);
	unix_address_close(&ua);
	ok(ua.dirfd == -1, "its directory closed");
	rmdir(sub);
}
/* A long path whose directory is made after its address is taken. */
static void
test_later(void)
{
	struct unix_addr ua;
	const char *errstr;
	char path[PATH_MAX + 2], later[PATH_MAX];
	struct stat st;

	snprintf(later, sizeof(later), "%s/%0100d", dir, 1);
	snprintf(path, sizeof(path), "%s/s", later);
	ok(unix_address(path, &ua, &errstr) == -1 && errstr == NULL &&
	    errno == ENOENT, "a long path's missing directory fails at once");
	ok(unix_address_later(path, &ua, &errstr) == 0 &&
	    ua.pending == path && ua.dirfd != -1, "unless taken for later");
	errno = 0;
	ok(unix_address_ready(&ua) == -1 && errno == ENOENT,
	    "not ready while the directory is missing");
	ok(mkdir(later, 0700) == 0 && unix_address_ready(&ua) == 0 &&
	    ua.pending == NULL && fstat(ua.dirfd, &st) == 0 &&
	    S_ISDIR(st.st_mode), "ready once it is made: the same descriptor");
	ok(unix_address_ready(&ua) == 0, "and ready after");
	unix_address_close(&ua);
	rmdir(later);
	ok(unix_address_later("/run/x.sock", &ua, &errstr) == 0 &&
	    ua.pending == NULL && unix_address_ready(&ua) == 0,
	    "a short path has nothing pending");
	ok(unix_address_later("", &ua, &errstr) == -1 && errstr != NULL,
	    "empty is still refused");
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test-unix.XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_address();
	test_listen();
	test_later();
	rmdir(dir);
	return tap_done();
}
