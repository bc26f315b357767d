/*
 * sink: the least a server can do for connrate, as a ceiling for the
 * connection-rate figure.  Listens on 127.0.0.1 (an ephemeral port,
 * written to PORT_FILE once listening), then accepts connections one
 * after another, reads each to EOF and closes it, until killed.  A
 * benchmark helper, not installed.
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: sink PORT_FILE\n");
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

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, peer;
	socklen_t len = sizeof(sin), peerlen;
	char buf[4096];
	int s, c;

	if (argc != 2)
		usage();
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "bind");
	if (listen(s, 128) == -1)
		err(1, "listen");
	if (getsockname(s, (struct sockaddr *)&sin, &len) == -1)
		err(1, "getsockname");
	write_port(argv[1], ntohs(sin.sin_port));
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
