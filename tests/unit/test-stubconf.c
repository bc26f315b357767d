#include <stdio.h>
#include <string.h>

#include "stubconf.h"
#include "tap.h"

static FILE *
text(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

static bool
nsswitch(const char *s)
{
	FILE *f = text(s);
	bool plain = stub_nsswitch_plain(f);

	(void)fclose(f);
	return plain;
}

static int
resolv(const char *s, struct stub_conf *c)
{
	FILE *f = text(s);
	int rc = stub_resolv_read(f, c);

	(void)fclose(f);
	return rc;
}

static void
test_nsswitch(void)
{
	ok(nsswitch("passwd: files\nhosts:          files dns\n"),
	    "hosts: files dns");
	ok(nsswitch("hosts: files dns # the usual\n"), "a comment after it");
	ok(!nsswitch("hosts: dns files\n"), "not the DNS first");
	ok(!nsswitch("hosts: files mdns4_minimal [NOTFOUND=return] dns\n"),
	    "not another source");
	ok(!nsswitch("hosts: files [SUCCESS=continue] dns\n"), "not an action");
	ok(!nsswitch("hosts: files\n"), "not the hosts file alone");
	ok(!nsswitch("passwd: files\n"), "not without a hosts line (glibc's default has dns first)");
	ok(nsswitch("hosts: files\nhosts: files dns\n"), "the last hosts line stands");
	ok(!nsswitch("#hosts: files dns\n"), "not a line commented out");
}

static void
test_resolv(void)
{
	struct stub_conf c;

	ok(resolv("nameserver 127.0.0.1\n", &c) == 0 && c.servers == 1 &&
	    c.timeout_s == 5 && c.attempts == 2, "one server, glibc's defaults");
	ok(resolv("# x\n; y\nnameserver 127.0.0.1 # the harness's\n"
	    "nameserver ::1\noptions timeout:1 attempts:3 ndots:2\n", &c) == 0 &&
	    c.servers == 2 && c.server[1].ss_family == AF_INET6 &&
	    c.timeout_s == 1 && c.attempts == 3, "two servers and the options read");
	ok(resolv("nameserver 127.0.0.1\noptions timeout:99 attempts:9\n",
	    &c) == 0 && c.timeout_s == 30 && c.attempts == 5,
	    "glibc's bounds on the options");
	ok(resolv("nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n"
	    "nameserver 10.0.0.4\n", &c) == 0 && c.servers == 3,
	    "three servers at most, as glibc");
	ok(resolv("nameserver 127.0.0.1\noptions timeout:0\n", &c) == 0 &&
	    c.timeout_s == 1, "a timeout of 0 is glibc's second");
	ok(resolv("nameserver 127.0.0.1\noptions attempts:0\n", &c) == -1,
	    "not with attempts:0");
	ok(resolv("options timeout:1\n", &c) == -1, "not without a server");
	ok(resolv("nameserver 127.0.0.1\nsearch example.test\n", &c) == -1,
	    "not with a search list");
	ok(resolv("nameserver 127.0.0.1\ndomain example.test\n", &c) == -1,
	    "not with a domain");
	ok(resolv("nameserver 127.0.0.1\nsortlist 10.0.0.0/8\n", &c) == -1,
	    "not with a sortlist");
	ok(resolv("nameserver 127.0.0.1\noptions edns0 trust-ad\n", &c) == -1,
	    "not with other options");
	ok(resolv("nameserver 127.1\n", &c) == -1,
	    "not with a server as inet_aton alone reads it");
	ok(resolv("nameserver fe80::1%eth0\n", &c) == -1,
	    "not with a scoped server");
}

static void
test_hosts(void)
{
	struct stub_conf c = { 0 };
	FILE *f = text("127.0.0.1 localhost\n# 10.0.0.1 gone.test\n"
	    "198.51.100.7\tHostsName.test alias1 # a comment\n\n");

	ok(stub_hosts_read(f, &c) == 0 && c.nhosts == 3, "three names read");
	(void)fclose(f);
	ok(stub_in_hosts(&c, "localhost"), "the first");
	ok(stub_in_hosts(&c, "hostsname.TEST"), "in any case");
	ok(stub_in_hosts(&c, "alias1."), "with a last dot");
	ok(!stub_in_hosts(&c, "gone.test"), "not one commented out");
	ok(!stub_in_hosts(&c, "a"), "not an unknown name");
	stub_conf_free(&c);
	ok(!stub_in_hosts(&c, "localhost"), "none once freed");
}

/* Whether text (an address) is in c's hosts file. */
static bool
address_in(const struct stub_conf *c, const char *text)
{
	struct ip_address ip;
	const char *errstr;

	return parse_ip(text, &ip, &errstr) == 0 &&
	    stub_address_in_hosts(c, &ip);
}

static void
test_host_addresses(void)
{
	struct stub_conf c = { 0 };
	FILE *f = text("127.0.0.1 localhost\n# 10.0.0.1 gone.test\n"
	    "2001:db8::9 both.test\n127.2 short.test\nnot-an-address x.test\n"
	    "::ffff:192.0.2.7 mapped.test\n");

	ok(stub_hosts_read(f, &c) == 0 && c.naddrs == 4, "four addresses read");
	(void)fclose(f);
	ok(address_in(&c, "127.0.0.1"), "an IPv4 address");
	ok(address_in(&c, "2001:db8:0::9"), "an IPv6 address, however written");
	ok(address_in(&c, "127.0.0.1") && address_in(&c, "::ffff:127.0.0.1"),
	    "an IPv4 address in either form");
	ok(address_in(&c, "192.0.2.7"), "a mapped one as IPv4");
	ok(address_in(&c, "127.0.0.2"),
	    "inet_aton's short form, as glibc may read it");
	ok(!address_in(&c, "10.0.0.1"), "not one commented out");
	ok(!address_in(&c, "2001:db8::10"), "not another");
	stub_conf_free(&c);
	ok(!address_in(&c, "127.0.0.1"), "none once freed");
}

/* Whether glibc asks the DNS for text's own reverse name. */
static bool
asks_own_name(const char *text)
{
	struct ip_address ip;
	const char *errstr;

	return parse_ip(text, &ip, &errstr) == 0 && stub_address_plain(&ip);
}

static void
test_address_plain(void)
{
	ok(asks_own_name("192.0.2.1") && asks_own_name("0.0.0.0"), "an IPv4 address");
	ok(asks_own_name("2001:db8::1") && asks_own_name("fe80::1"), "an IPv6 address");
	ok(!asks_own_name("::"), "not :: (no lookup)");
	ok(!asks_own_name("::1"), "not ::1 (glibc asks for 0.0.0.1's name)");
	ok(!asks_own_name("::192.0.2.1"), "not an IPv4-compatible address");
	ok(!asks_own_name("::ffff:192.0.2.1"), "not an IPv4-mapped address");
	ok(asks_own_name("::fffe:192.0.2.1") && asks_own_name("1::ffff:192.0.2.1"),
	    "other addresses next to them");
}

int
main(void)
{
	test_nsswitch();
	test_resolv();
	test_hosts();
	test_host_addresses();
	test_address_plain();
	return tap_done();
}
