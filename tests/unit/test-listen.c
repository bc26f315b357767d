#include <arpa/inet.h>
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
