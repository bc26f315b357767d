#include <stdio.h>
#include <string.h>

#include "hostport.h"
#include "tap.h"

/* s as the parser splits it: "host|port", "host" alone, or the reason. */
static const char *
split(const char *s)
{
	static char out[256];
	struct hostport hp;
	enum hostport_error e;

	if ((e = hostport_parse(s, &hp)) != HOSTPORT_OK)
		return hostport_strerror(e);
	if (hp.port == NULL)
		snprintf(out, sizeof(out), "%s%.*s", hp.bracketed ? "[]" : "",
		    (int)hp.hostlen, hp.host);
	else
		snprintf(out, sizeof(out), "%s%.*s|%s", hp.bracketed ? "[]" :
		    "", (int)hp.hostlen, hp.host, hp.port);
	return out;
}

static void
test_host_and_port(void)
{
	is_str(split("db:5432"), "db|5432", "a name and a port");
	is_str(split("127.0.0.1:80"), "127.0.0.1|80", "IPv4 and a port");
	is_str(split("web:http"), "web|http", "a service name is the port's");
	is_str(split("web:80,443,8000-8010"), "web|80,443,8000-8010",
	    "a list is the port's");
	is_str(split("[::1]:80"), "[]::1|80", "[ADDR]:PORT");
	is_str(split("[fe80::1%eth0]:22"), "[]fe80::1%eth0|22",
	    "a scope inside the brackets");
	is_str(split("[::ffff:127.0.0.1]:80"), "[]::ffff:127.0.0.1|80",
	    "an IPv4-mapped address in brackets");
	is_str(split("127.0.0.1:P"), "127.0.0.1|P",
	    "a port the caller's parser will refuse is still split");
}

static void
test_host_alone(void)
{
	is_str(split("db"), "db", "a name without ':'");
	is_str(split("192.0.2.7"), "192.0.2.7", "an IPv4 address");
	is_str(split("::1"), "::1", "an unbracketed IPv6 literal is a host");
	is_str(split("2001:db8::80"), "2001:db8::80",
	    "even one that ends like a port");
	is_str(split("::1:80"), "::1:80", "::1:80 is an IPv6 address");
	is_str(split("fe80::1%eth0"), "fe80::1%eth0", "with its scope");
	is_str(split("[::1]"), "[]::1", "[ADDR] without a port");
}

static void
test_malformed(void)
{
	is_str(split(""), "empty", "an empty word");
	is_str(split(":80"), "no host before the port", "no host");
	is_str(split("[]:80"), "no host before the port", "empty brackets");
	is_str(split("db:"), "no port after ':'", "no port");
	is_str(split("[::1]:"), "no port after ':'", "no port after ]");
	is_str(split("[::1"), "'[' without ']'", "an open bracket");
	is_str(split("[::1:80"), "'[' without ']'", "no ] before the port");
	is_str(split("[::1]80"), "not ':PORT' after ']'", "no ':' after ]");
	is_str(split("[::1]x:80"), "not ':PORT' after ']'", "junk after ]");
	is_str(split("[db]:80"), "not an IPv6 address in brackets",
	    "a name in brackets");
	is_str(split("[127.0.0.1]:80"), "not an IPv6 address in brackets",
	    "IPv4 in brackets");
	is_str(split("db]:80"), "bracket in a host name", "a stray ]");
	is_str(split("d[b:80"), "bracket in a host name", "a stray [");
	ok(hostport_parse("a:b:80", &(struct hostport){ 0 }) ==
	    HOSTPORT_COLONS, "two ':' and no IPv6 address");
	ok(hostport_parse("fe80::1%eth0:22", &(struct hostport){ 0 }) ==
	    HOSTPORT_COLONS, "an unbracketed scoped address with a port");
}

static void
test_reasons(void)
{
	enum hostport_error e;
	int distinct = 1;

	for (e = HOSTPORT_EMPTY; e <= HOSTPORT_COLONS; e++)
		distinct &= strcmp(hostport_strerror(e),
		    hostport_strerror(e - 1)) != 0;
	ok(distinct, "each malformed form has its own reason");
}

int
main(void)
{
	test_host_and_port();
	test_host_alone();
	test_malformed();
	test_reasons();
	return tap_done();
}
