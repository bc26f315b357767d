/*
 * sink: the least a server can do for connrate, as a ceiling for the
 * connection-rate figures.  Listens on 127.0.0.1 (an ephemeral port,
 * written to PORT_FILE once listening), then accepts connections one
 * after another, reads each to EOF and closes it, until killed.  With
 * -c, serves them all at once instead, in one epoll loop: accept what
 * waits, read what is there, close at EOF.  A benchmark helper, not
 * installed.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVENTS	64

static void
usage(void)
{
	fprintf(stderr, "usage: sink [-c] PORT_FILE\n");
	exit(64);
}

/* Writes port to path through a temporary file and rename. */
static void
write_port(const char *path, unsigned short port)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		errx(64, "%s: name too long", path);
	if ((f = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(f, "%u\n", port);
	if (fclose(f) == EOF)
		err(1, "%s", tmp);
	if (rename(tmp, path) == -1)
		err(1, "rename %s", path);
}

/* Reads what c has; closes it at EOF or on an error. */
static void
drain(int c)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(c, buf, sizeof(buf))) > 0)
		;
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK))
		close(c);	/* leaves the epoll set with it */
}

/* Serves every connection on s at once, until killed. */
static void
serve_concurrently(int s)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[EVENTS];
	struct sockaddr_in peer;
	socklen_t peerlen = sizeof(peer);
	int ep, n, i, c;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		err(1, "epoll_create1");
	ev.data.fd = s;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == -1)
		err(1, "epoll_ctl");
	for (;;) {
		if ((n = epoll_wait(ep, evs, EVENTS, -1)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd != s) {
				drain(evs[i].data.fd);
				continue;
			}
			while ((c = accept4(s, (struct sockaddr *)&peer,
			    &peerlen, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
				peerlen = sizeof(peer);
				ev.data.fd = c;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) == -1)
					err(1, "epoll_ctl");
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != ECONNABORTED && errno != EINTR)
				err(1, "accept");
		}
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, peer;
	socklen_t len = sizeof(sin), peerlen;
	char buf[4096];
	int s, c, concurrent = 0;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		concurrent = 1;
		argv++;
		argc--;
	}
	if (argc != 2)
		usage();
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
	    (concurrent ? SOCK_NONBLOCK : 0), 0)) == -1)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	if (listen(s, SOMAXCONN) == -1)
		err(1, "listen");
	if (getsockname(s, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	write_port(argv[1], ntohs(sin.sin_port));
	if (concurrent)
		serve_concurrently(s);
	for (;;) {
		peerlen = sizeof(peer);
		if ((c = accept4(s, (struct sockaddr *)&peer, &peerlen,
		    SOCK_CLOEXEC)) == -1)
			err(1, "accept");
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}
