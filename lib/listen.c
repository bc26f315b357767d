#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "listen.h"
#include "timing.h"

int
bind_address(const char *addr, int family, unsigned short port,
    struct sockaddr_storage *ss, const char **errstr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct addrinfo hints, *res;

	if (addr == NULL)
		addr = family == AF_INET6 ? "::1" : "127.0.0.1";
	memset(ss, 0, sizeof(*ss));
	/*
	 * IPv4 strictly, as parse_ip takes it: getaddrinfo would take
	 * inet_aton's forms too, where "127.1" is 127.0.0.1 and
	 * "010.1.1.1" is 8.1.1.1, and turn "::ffff:127.0.0.1" into
	 * 127.0.0.1 when asked for IPv4.
	 */
	if (family != AF_INET6 &&
	    inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sockaddr_set_port((struct sockaddr *)ss, port);
		return 0;
	}
	/* IPv6 through getaddrinfo, which also takes a scope ("%eth0") */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET6;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (family == AF_INET || getaddrinfo(addr, NULL, &hints, &res) != 0) {
		*errstr = family == AF_INET ? "not an IPv4 address" :
		    family == AF_INET6 ? "not an IPv6 address" :
		    "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	sockaddr_set_port((struct sockaddr *)ss, port);
	return 0;
}

int
listen_on(const struct sockaddr *sa, int socktype, enum step *step)
{
	int fd, on = 1, saved_errno;

	*step = STEP_SOCKET;
	if ((fd = socket(sa->sa_family, socktype | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* a restarted listener must not wait out TIME_WAIT */
	*step = STEP_SETSOCKOPT;
	if (socktype == SOCK_STREAM && setsockopt(fd, SOL_SOCKET,
	    SO_REUSEADDR, &on, sizeof(on)) == -1)
		goto fail;
	*step = STEP_BIND;
	if (bind(fd, sa, sockaddr_len(sa)) == -1)
		goto fail;
	*step = STEP_LISTEN;
	if (socktype == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return -1;
}

/* A port file is for everyone to read, as any file a tool creates. */
#define PORT_FILE_MODE	0666

int
write_port_file(const char *path, unsigned short port)
{
	char *tmp;
	FILE *f;
	mode_t mask;
	int fd, saved_errno;

	if (asprintf(&tmp, "%s.XXXXXX", path) == -1)
		return -1;
	if ((fd = mkstemp(tmp)) == -1)
		goto fail;
	/* mkstemp's 0600 would hide the port from other users */
	mask = umask(0);
	umask(mask);
	fchmod(fd, PORT_FILE_MODE & ~mask);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto fail_unlink;
	}
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		goto fail_unlink;
	free(tmp);
	return 0;
fail_unlink:
	saved_errno = errno;
	unlink(tmp);
	errno = saved_errno;
fail:
	saved_errno = errno;
	free(tmp);
	errno = saved_errno;
	return -1;
}

unsigned short
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return sockaddr_port((struct sockaddr *)&ss);
}

/* One try of listen_set_open_with: 0, or -1 with ls closed. */
static int
open_all(struct listen_set *ls, struct sockaddr_storage *addr, size_t n,
    int socktype, listen_fn *opener, enum step *step, size_t *failed)
{
	unsigned short port = 0;
	size_t i;
	int fd;

	for (i = 0; i < n; i++) {
		*failed = i;
		if (i > 0)
			sockaddr_set_port((struct sockaddr *)&addr[i], port);
		if ((fd = opener((struct sockaddr *)&addr[i], socktype,
		    step)) == -1)
			goto fail;
		ls->fd[ls->n++] = fd;
		*step = STEP_GETSOCKNAME;
		if (i == 0 && (port = bound_port(fd)) == 0)
			goto fail;
	}
	return 0;
fail:
	listen_set_close(ls);
	return -1;
}

int
listen_set_open_with(struct listen_set *ls, struct sockaddr_storage *addr,
    size_t n, int socktype, listen_fn *opener, enum step *step,
    size_t *failed)
{
	bool any_port = sockaddr_port((struct sockaddr *)&addr[0]) == 0;
	int tries;

	ls->n = ls->next = 0;
	if (n == 0 || n > LISTEN_SET_MAX) {
		*step = STEP_SOCKET;
		*failed = 0;
		errno = EINVAL;
		return -1;
	}
	for (tries = 1;; tries++) {
		if (any_port)
			sockaddr_set_port((struct sockaddr *)&addr[0], 0);
		if (open_all(ls, addr, n, socktype, opener, step, failed) == 0)
			return 0;
		/* a port the kernel chose for the first, the next's already */
		if (!any_port || *failed == 0 || errno != EADDRINUSE ||
		    tries == LISTEN_SET_TRIES)
			return -1;
	}
}

int
listen_set_open(struct listen_set *ls, struct sockaddr_storage *addr,
    size_t n, int socktype, enum step *step, size_t *failed)
{
	return listen_set_open_with(ls, addr, n, socktype, listen_on, step,
	    failed);
}

void
listen_set_one(struct listen_set *ls, int fd)
{
	ls->fd[0] = fd;
	ls->n = 1;
	ls->next = 0;
}

void
listen_set_close(struct listen_set *ls)
{
	int saved_errno = errno;

	while (ls->n > 0)
		close(ls->fd[--ls->n]);
	ls->next = 0;
	errno = saved_errno;
}

int
listen_set_wait(struct listen_set *ls, const struct deadline *dl)
{
	struct pollfd pfd[LISTEN_SET_MAX];
	size_t i, k;
	int rc;

	for (i = 0; i < ls->n; i++) {
		pfd[i].fd = ls->fd[i];
		pfd[i].events = POLLIN;
	}
	for (;;) {
		rc = poll(pfd, ls->n, poll_timeout(deadline_left_ms(dl)));
		if (rc == -1 && errno != EINTR)
			return -1;
		if (rc == 0 && deadline_passed(dl)) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc <= 0)
			continue;
		/* the one after the last served first: turns, not a favourite */
		for (i = 0; i < ls->n; i++) {
			k = (ls->next + i) % ls->n;
			if (pfd[k].revents != 0) {
				ls->next = (k + 1) % ls->n;
				return pfd[k].fd;
			}
		}
	}
}

int
accept_within(struct listen_set *ls, long long timeout_ms,
    struct sockaddr_storage *peer)
{
	struct deadline dl;
	socklen_t len;
	int cfd, fd;

	deadline_start(&dl, timeout_ms);
	for (;;) {
		/*
		 * A connection poll saw stays queued until we take it
		 * (Linux hands out even one reset meanwhile): accept
		 * does not block.
		 */
		if ((fd = listen_set_wait(ls, &dl)) == -1)
			return -1;
		len = sizeof(*peer);
		if (peer != NULL)	/* no name filled in reads as none */
			memset(peer, 0, sizeof(*peer));
		if ((cfd = accept4(fd, (struct sockaddr *)peer,
		    peer != NULL ? &len : NULL, SOCK_CLOEXEC)) != -1)
			return cfd;
		switch (errno) {
		case EINTR:
		case EAGAIN:
		case ECONNABORTED:	/* gone before we took it */
		case EPROTO:
			continue;
		default:
			return -1;
		}
	}
}
