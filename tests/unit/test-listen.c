#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "listen.h"
#include "tap.h"

static const char *
host_of(const struct sockaddr_storage *ss)
{
	static char buf[ADDRSTR_MAX];

	return sockaddr_host((const struct sockaddr *)ss, buf);
}

static void
test_bind_address(void)
{
	struct sockaddr_storage ss;
	const char *errstr;

	ok(bind_address(NULL, AF_INET, 80, &ss, &errstr) == 0 &&
	    strcmp(host_of(&ss), "127.0.0.1") == 0 &&
	    sockaddr_port((struct sockaddr *)&ss) == 80,
	    "IPv4 loopback by default");
	ok(bind_address(NULL, AF_INET6, 0, &ss, &errstr) == 0 &&
	    strcmp(host_of(&ss), "::1") == 0, "IPv6 loopback by default");
	ok(bind_address("0.0.0.0", AF_UNSPEC, 1, &ss, &errstr) == 0 &&
	    ss.ss_family == AF_INET, "0.0.0.0 explicitly");
	ok(bind_address("::", AF_UNSPEC, 1, &ss, &errstr) == 0 &&
	    ss.ss_family == AF_INET6, ":: explicitly");
	ok(bind_address("::1", AF_INET, 1, &ss, &errstr) == -1 &&
	    strcmp(errstr, "not an IPv4 address") == 0,
	    "an IPv6 address where IPv4 is asked");
	ok(bind_address("127.0.0.1", AF_INET6, 1, &ss, &errstr) == -1 &&
	    strcmp(errstr, "not an IPv6 address") == 0,
	    "an IPv4 address where IPv6 is asked");
	ok(bind_address("localhost", AF_UNSPEC, 1, &ss, &errstr) == -1,
	    "a name is not an address");
	ok(bind_address("256.0.0.1", AF_UNSPEC, 1, &ss, &errstr) == -1,
	    "256.0.0.1");
	ok(bind_address("", AF_UNSPEC, 1, &ss, &errstr) == -1, "empty");
	ok(sockaddr_len((struct sockaddr *)&ss) > 0, "a length");
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
	const char *errstr, *step;
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

int
main(void)
{
	test_bind_address();
	test_port_file();
	test_listen_on();
	return tap_done();
}
