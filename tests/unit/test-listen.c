#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "listen.h"
#include "tap.h"

/* bind_address(addr, family, 8080) as "HOST PORT", or "error: WHY". */
static const char *
bound(const char *addr, int family, char buf[ENDPOINT_MAX])
{
	struct sockaddr_storage ss;
	char host[ADDRSTR_MAX];
	const char *errstr;

	if (bind_address(addr, family, 8080, &ss, &errstr) == -1) {
		snprintf(buf, ENDPOINT_MAX, "error: %s", errstr);
		return buf;
	}
	snprintf(buf, ENDPOINT_MAX, "%s %u",
	    sockaddr_host((struct sockaddr *)&ss, host),
	    sockaddr_port((struct sockaddr *)&ss));
	return buf;
}

static void
test_bind_address(void)
{
	char buf[ENDPOINT_MAX];

	is_str(bound(NULL, AF_UNSPEC, buf), "127.0.0.1 8080",
	    "loopback by default");
	is_str(bound(NULL, AF_INET6, buf), "::1 8080", "::1 for IPv6");
	is_str(bound("192.0.2.1", AF_UNSPEC, buf), "192.0.2.1 8080", "IPv4");
	is_str(bound("0.0.0.0", AF_INET, buf), "0.0.0.0 8080", "any IPv4");
	is_str(bound("2001:db8::1", AF_UNSPEC, buf), "2001:db8::1 8080",
	    "IPv6");
	is_str(bound("::", AF_INET6, buf), ":: 8080", "any IPv6");
	is_str(bound("fe80::1%1", AF_INET6, buf), "fe80::1%lo 8080",
	    "a scope");
	is_str(bound("::ffff:127.0.0.1", AF_UNSPEC, buf),
	    "::ffff:127.0.0.1 8080", "IPv4-mapped stays IPv6");
	is_str(bound("::1", AF_INET, buf), "error: not an IPv4 address",
	    "IPv6 where IPv4 is asked");
	is_str(bound("127.0.0.1", AF_INET6, buf),
	    "error: not an IPv6 address", "IPv4 where IPv6 is asked");
	/* found by fuzz/fuzz-bind-address: getaddrinfo's inet_aton forms */
	is_str(bound("010.1.1.1", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address",
	    "010.1.1.1 is refused, not taken for 8.1.1.1 (octal)");
	is_str(bound("127.1", AF_INET, buf), "error: not an IPv4 address",
	    "127.1 is refused");
	is_str(bound("0x7f.0.0.1", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address", "0x7f.0.0.1 is refused");
	is_str(bound("::ffff:127.0.0.1", AF_INET, buf),
	    "error: not an IPv4 address",
	    "IPv4-mapped IPv6 is no IPv4 address");
	is_str(bound("1.2.3.4.5", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address", "1.2.3.4.5");
	is_str(bound("[::1]", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address", "[::1]");
	is_str(bound("localhost", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address", "a name");
	is_str(bound("", AF_UNSPEC, buf),
	    "error: not an IPv4 or IPv6 address", "empty");
}

static void
test_port_file(void)
{
	char dir[] = "/tmp/test-listen.XXXXXX", path[64], line[16];
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/port", dir);
	ok(write_port_file(path, 4242) == 0, "write_port_file succeeds");
	f = fopen(path, "r");
	ok(f != NULL && fgets(line, sizeof(line), f) != NULL &&
	    strcmp(line, "4242\n") == 0, "the file holds the port and a newline");
	if (f != NULL)
		fclose(f);
	ok(write_port_file(path, 1) == 0, "an existing file is replaced");
	unlink(path);
	rmdir(dir);
	ok(write_port_file("/nonexistent/dir/port", 1) == -1,
	    "a missing directory fails");
}

static void
test_listen_on(void)
{
	struct sockaddr_storage ss;
	const char *errstr;
	enum step step;
	char endpoint[ENDPOINT_MAX];
	int fd;

	bind_address(NULL, AF_INET, 0, &ss, &errstr);
	fd = listen_on((struct sockaddr *)&ss, SOCK_STREAM, &step);
	ok(fd >= 0, "a stream socket listens on an ephemeral port");
	socket_endpoint(fd, 0, endpoint);
	ok(strncmp(endpoint, "127.0.0.1 ", 10) == 0 &&
	    strcmp(endpoint, "127.0.0.1 0") != 0,
	    "its endpoint has a port (%s)", endpoint);
	ok(strcmp(socket_endpoint(fd, 1, endpoint), "? ?") == 0,
	    "a listening socket has no peer");
	close(fd);
}

/* How many times fake_listen refuses the second address, and was called. */
static int taken_left, first_opens;

/*
 * listen_on, except that the second address (127.0.0.2) finds its port
 * taken while taken_left lasts.
 */
static int
fake_listen(const struct sockaddr *sa, int socktype, enum step *step)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

	if (sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK))
		first_opens++;
	else if (taken_left > 0) {
		taken_left--;
		*step = STEP_BIND;
		errno = EADDRINUSE;
		return -1;
	}
	return listen_on(sa, socktype, step);
}

/* The descriptors this process has open. */
static int
open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* A set of 127.0.0.1 and 127.0.0.2 on port, the second taken taken times. */
static int
open_pair(struct listen_set *ls, unsigned short port, int taken,
    size_t *failed, enum step *step, struct sockaddr_storage addr[2])
{
	const char *errstr;

	bind_address("127.0.0.1", AF_INET, port, &addr[0], &errstr);
	bind_address("127.0.0.2", AF_INET, port, &addr[1], &errstr);
	taken_left = taken;
	first_opens = 0;
	return listen_set_open_with(ls, addr, 2, SOCK_STREAM, fake_listen,
	    step, failed);
}

static void
test_listen_set_retry(void)
{
	struct sockaddr_storage addr[2];
	struct listen_set ls;
	enum step step;
	size_t failed;
	int before = open_fds(), rc;

	rc = open_pair(&ls, 0, 2, &failed, &step, addr);
	ok(rc == 0 && ls.n == 2, "PORT 0: a port the second finds taken is "
	    "left for another");
	ok(first_opens == 3, "tried three ports for two taken (%d)",
	    first_opens);
	ok(bound_port(ls.fd[0]) == bound_port(ls.fd[1]) &&
	    bound_port(ls.fd[0]) != 0, "both listen on one port");
	ok(open_fds() == before + 2, "the sockets of failed tries are closed");
	listen_set_close(&ls);
	ok(ls.n == 0 && open_fds() == before, "listen_set_close closes all");

	rc = open_pair(&ls, 0, LISTEN_SET_TRIES, &failed, &step, addr);
	ok(rc == -1 && errno == EADDRINUSE && failed == 1 &&
	    step == STEP_BIND, "ports always taken: EADDRINUSE on "
	    "the second's bind");
	ok(first_opens == LISTEN_SET_TRIES, "gives up after %d tries (%d)",
	    LISTEN_SET_TRIES, first_opens);
	ok(sockaddr_port((struct sockaddr *)&addr[1]) != 0,
	    "the address says the port that was taken");
	ok(ls.n == 0 && open_fds() == before, "nothing is left open");

	rc = open_pair(&ls, sockaddr_port((struct sockaddr *)&addr[1]), 1,
	    &failed, &step, addr);
	ok(rc == -1 && errno == EADDRINUSE && first_opens == 1,
	    "a given PORT is tried once");
	ok(open_fds() == before, "and nothing is left open");

	rc = open_pair(&ls, 0, 0, &failed, &step, addr);
	ok(rc == 0 && first_opens == 1, "a free port is taken at once");
	listen_set_close(&ls);
}

static void
test_listen_set_wait(void)
{
	struct sockaddr_storage addr[2];
	struct listen_set ls;
	struct deadline dl;
	enum step step;
	size_t failed;
	int c[2], i, got[4], a[2];

	if (open_pair(&ls, 0, 0, &failed, &step, addr) == -1) {
		ok(0, "open a set: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 2; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		((struct sockaddr_in *)&addr[i])->sin_port =
		    htons(bound_port(ls.fd[i]));
		ok(connect(c[i], (struct sockaddr *)&addr[i],
		    sizeof(struct sockaddr_in)) == 0, "connect to socket %d", i);
	}
	deadline_start(&dl, 1000);
	/* both have a connection waiting, none is taken: they alternate */
	for (i = 0; i < 4; i++)
		got[i] = listen_set_wait(&ls, &dl);
	ok(got[0] == ls.fd[0] && got[1] == ls.fd[1] && got[2] == ls.fd[0] &&
	    got[3] == ls.fd[1], "ready sockets take turns");
	deadline_start(&dl, 0);
	a[0] = accept_within(&ls, 1000, NULL);
	a[1] = accept_within(&ls, 1000, NULL);
	ok(a[0] >= 0 && a[1] >= 0, "accept_within takes a connection from each");
	close(a[0]);
	close(a[1]);
	ok(listen_set_wait(&ls, &dl) == -1 && errno == ETIMEDOUT,
	    "none ready: ETIMEDOUT at the deadline");
	close(c[0]);
	close(c[1]);
	listen_set_close(&ls);
}

int
main(void)
{
	test_bind_address();
	test_port_file();
	test_listen_on();
	test_listen_set_retry();
	test_listen_set_wait();
	return tap_done();
}
