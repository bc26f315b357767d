#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "selfname.h"
#include "tap.h"

static struct sockaddr_in v4;
static struct sockaddr_in6 v6;
static struct sockaddr sa_packet = { .sa_family = AF_PACKET };

/* An interface address: addr ("" for AF_PACKET), up or not, flags. */
static struct ifaddrs
interface(const char *addr, unsigned int flags)
{
	struct ifaddrs ifa = { .ifa_name = "v0", .ifa_flags = flags };

	if (addr[0] == '\0') {
		ifa.ifa_addr = &sa_packet;
	} else if (inet_pton(AF_INET, addr, &v4.sin_addr) == 1) {
		v4.sin_family = AF_INET;
		ifa.ifa_addr = (struct sockaddr *)&v4;
	} else {
		v6.sin6_family = AF_INET6;
		(void)inet_pton(AF_INET6, addr, &v6.sin6_addr);
		ifa.ifa_addr = (struct sockaddr *)&v6;
	}
	return ifa;
}

static void
test_interfaces(void)
{
	struct ifaddrs ifa;

	ifa = interface("192.0.2.7", IFF_UP);
	ok(selfname_interface_shown(&ifa), "IPv4 of an interface up: shown");
	ifa = interface("2001:db8::9", IFF_UP);
	ok(selfname_interface_shown(&ifa), "global IPv6: shown");
	ifa = interface("192.0.2.7", 0);
	ok(!selfname_interface_shown(&ifa), "an interface down: not shown");
	ifa = interface("127.0.0.1", IFF_UP | IFF_LOOPBACK);
	ok(!selfname_interface_shown(&ifa), "loopback: not shown");
	ifa = interface("fe80::5", IFF_UP);
	ok(!selfname_interface_shown(&ifa), "IPv6 link-local: not shown");
	ifa = interface("ff02::1", IFF_UP);
	ok(!selfname_interface_shown(&ifa), "link-local multicast: not shown");
	ifa = interface("", IFF_UP);
	ok(!selfname_interface_shown(&ifa), "a link-layer address: not shown");
	ifa = interface("192.0.2.7", IFF_UP);
	ifa.ifa_addr = NULL;
	ok(!selfname_interface_shown(&ifa), "no address: not shown");
}

static void
test_names(void)
{
	char name[SELFNAME_SIZE];
	struct addrinfo ai = { .ai_canonname = "host.example.test" };

	memset(name, 'x', sizeof(name));
	ok(selfname_get(name) == 0 && memchr(name, '\0', sizeof(name)) != NULL,
	    "the host's name, ended");
	is_str(selfname_canonical(&ai, "host"), "host.example.test",
	    "the canonical name when there is one");
	ai.ai_canonname = NULL;
	is_str(selfname_canonical(&ai, "host"), "host", "else the name");
}

int
main(void)
{
	test_interfaces();
	test_names();
	return tap_done();
}
