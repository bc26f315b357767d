#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "address.h"
#include "tap.h"

int
main(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct endpoint e = { .host = "localhost", .port = 80 };
	char buf[ENDPOINT_MAX], host[300], *s;

	is_str((endpoint_print(buf, sizeof(buf), &e), buf), "localhost 80",
	    "an IP endpoint is HOST PORT");
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	e.host = host;
	s = endpoint_string(&e);
	ok(s != NULL && strlen(s) == strlen(host) + 3 &&
	    strncmp(s, host, strlen(host)) == 0,
	    "a long host name is named whole");
	free(s);
	e = (struct endpoint){ .path = "/run/x.sock" };
	is_str((endpoint_print(buf, sizeof(buf), &e), buf), "/run/x.sock",
	    "a Unix endpoint is its path");
	e.path = NULL;
	is_str((endpoint_print(buf, sizeof(buf), &e), buf), "unnamed",
	    "a Unix socket without an address is unnamed");

	strlcpy(sun.sun_path, "/tmp/s", sizeof(sun.sun_path));
	is_str(sockaddr_endpoint((struct sockaddr *)&sun, sizeof(sun), buf),
	    "/tmp/s", "a bound path");
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path, "\0abc", 4);
	is_str(sockaddr_endpoint((struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + 4, buf), "@abc",
	    "an abstract name as ss(8) writes it");
	is_str(sockaddr_endpoint((struct sockaddr *)&sun, sizeof(sun), buf),
	    "@abc", "an abstract name in a zeroed address of unknown length");
	is_str(sockaddr_endpoint((struct sockaddr *)&sun,
	    sizeof(sa_family_t), buf), "unnamed", "an unnamed sender");
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	is_str(sockaddr_endpoint((struct sockaddr *)&sun, sizeof(sun), buf),
	    "unnamed", "a zeroed address with no name filled in");
	memset(sun.sun_path, 'p', sizeof(sun.sun_path));
	ok(strlen(sockaddr_endpoint((struct sockaddr *)&sun, sizeof(sun),
	    buf)) == sizeof(sun.sun_path),
	    "a sun_path without a NUL is read to its end");

	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	sockaddr_set_port((struct sockaddr *)&sin, 8080);
	sockaddr_set_port((struct sockaddr *)&sin6, 65535);
	ok(sin.sin_port == htons(8080) &&
	    sockaddr_port((struct sockaddr *)&sin) == 8080,
	    "an IPv4 address takes its port in network order");
	ok(sin6.sin6_port == htons(65535) &&
	    sockaddr_port((struct sockaddr *)&sin6) == 65535,
	    "an IPv6 address takes its port in network order");
	return tap_done();
}
