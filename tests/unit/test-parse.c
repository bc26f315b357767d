#include <arpa/inet.h>
#include <string.h>

#include "parse.h"
#include "timing.h"
#include "tap.h"

static void
test_number(void)
{
	const char *errstr;
	long long v;

	ok(looks_numeric("8080") && looks_numeric("-1") && looks_numeric("0x") &&
	    !looks_numeric("http") && !looks_numeric("-") && !looks_numeric("") &&
	    !looks_numeric("+1"), "a number is a digit, or a minus and a digit");
	ok(parse_number("42", 0, 100, &v, &errstr) == 0 && v == 42, "42");
	ok(parse_number("0", 0, 100, &v, &errstr) == 0 && v == 0, "0");
	ok(parse_number("101", 0, 100, &v, &errstr) == -1 &&
	    strcmp(errstr, "too large") == 0, "101 is too large");
	ok(parse_number("0", 1, 100, &v, &errstr) == -1 &&
	    strcmp(errstr, "too small") == 0, "0 is too small for 1..100");
	ok(parse_number("-1", 0, 100, &v, &errstr) == -1, "-1 is refused");
	ok(parse_number("+1", 0, 100, &v, &errstr) == -1, "+1 is refused");
	ok(parse_number(" 1", 0, 100, &v, &errstr) == -1, "blank is refused");
	ok(parse_number("", 0, 100, &v, &errstr) == -1, "empty is refused");
	ok(parse_number("0x50", 0, 100, &v, &errstr) == -1, "0x50 is refused");
	ok(parse_number("1e3", 0, 10000, &v, &errstr) == -1, "1e3 is refused");
	ok(parse_number("80abc", 0, 100, &v, &errstr) == -1,
	    "80abc is refused");
	ok(parse_number("99999999999999999999", 0, 100, &v, &errstr) == -1,
	    "20 digits are refused");
}

static void
test_port(void)
{
	const char *errstr;
	unsigned short port;

	ok(parse_port("80", "tcp", false, &port, &errstr) == 0 && port == 80,
	    "port 80");
	ok(parse_port("65535", "tcp", false, &port, &errstr) == 0 &&
	    port == 65535, "port 65535");
	ok(parse_port("65536", "tcp", false, &port, &errstr) == -1,
	    "port 65536 is refused");
	ok(parse_port("0", "tcp", false, &port, &errstr) == -1,
	    "port 0 is refused where not allowed");
	ok(parse_port("0", "tcp", true, &port, &errstr) == 0 && port == 0,
	    "port 0 where allowed");
	ok(parse_port("80abc", "tcp", false, &port, &errstr) == -1,
	    "80abc is refused");
	ok(parse_port("", "tcp", false, &port, &errstr) == -1,
	    "an empty port is refused");
	ok(parse_port("no-such-service-x", "tcp", false, &port,
	    &errstr) == -1 && strcmp(errstr, "unknown service") == 0,
	    "an unknown service is refused");
	ok(parse_port("-1", "tcp", false, &port, &errstr) == -1,
	    "-1 is refused");
}

static void
test_duration(void)
{
	const char *errstr;
	long long ms;

	ok(parse_duration("2", 0, &ms, &errstr) == 0 && ms == 2000, "2 s");
	ok(parse_duration("0.25", 0, &ms, &errstr) == 0 && ms == 250,
	    "0.25 s");
	ok(parse_duration(".5", 0, &ms, &errstr) == 0 && ms == 500, ".5 s");
	ok(parse_duration("1.", 0, &ms, &errstr) == 0 && ms == 1000, "1. s");
	ok(parse_duration("0.0001", 0, &ms, &errstr) == 0 && ms == 0,
	    "digits past a millisecond are dropped");
	ok(parse_duration("0", 1, &ms, &errstr) == -1 &&
	    strcmp(errstr, "too small") == 0, "0 is below a minimum of 1 ms");
	ok(parse_duration("0", 0, &ms, &errstr) == 0 && ms == 0,
	    "0 where allowed");
	ok(parse_duration("100000", 0, &ms, &errstr) == 0, "100000 s");
	ok(parse_duration("100001", 0, &ms, &errstr) == -1 &&
	    strcmp(errstr, "too large (at most 100000 s, or inf)") == 0,
	    "100001 s is too large, and the message says the bound");
	ok(parse_duration("99999999999999999999999", 0, &ms, &errstr) == -1,
	    "many digits are too large, not an overflow");
	ok(parse_duration("-1", 0, &ms, &errstr) == -1, "-1 is refused");
	ok(parse_duration("nan", 0, &ms, &errstr) == -1, "nan is refused");
	ok(parse_duration("inf", 1, &ms, &errstr) == 0 && ms == NO_LIMIT,
	    "inf is no limit");
	ok(parse_duration("infinity", 0, &ms, &errstr) == -1,
	    "infinity is refused");
	ok(parse_duration("1x", 0, &ms, &errstr) == -1, "1x is refused");
	ok(parse_duration("1e3", 0, &ms, &errstr) == -1, "1e3 is refused");
	ok(parse_duration("", 0, &ms, &errstr) == -1, "empty is refused");
	ok(parse_duration(".", 0, &ms, &errstr) == -1, ". is refused");
	ok(parse_duration("1.2.3", 0, &ms, &errstr) == -1,
	    "1.2.3 is refused");
}

static void
test_hostname(void)
{
	char name[300];
	const char *errstr;

	ok(check_hostname("example.test", &errstr) == 0, "a plain name");
	ok(check_hostname("example.test.", &errstr) == 0, "a trailing dot");
	ok(check_hostname("::1", &errstr) == 0, "an IPv6 literal");
	ok(check_hostname("", &errstr) == -1 &&
	    strcmp(errstr, "empty name") == 0, "an empty name");
	ok(check_hostname(".", &errstr) == -1, "the root alone");
	ok(check_hostname("a..b", &errstr) == -1 &&
	    strcmp(errstr, "empty label") == 0, "an empty label");
	ok(check_hostname("a..", &errstr) == -1, "two trailing dots");
	ok(check_hostname(".a", &errstr) == -1, "a leading dot");

	memset(name, 'a', 63);
	strlcpy(name + 63, ".test", sizeof(name) - 63);
	ok(check_hostname(name, &errstr) == 0, "a 63-byte label");
	memset(name, 'a', 64);
	strlcpy(name + 64, ".test", sizeof(name) - 64);
	ok(check_hostname(name, &errstr) == -1 &&
	    strcmp(errstr, "label longer than 63 bytes") == 0,
	    "a 64-byte label");
	/* 4 labels of 62 and one of 1: 4 * 63 + 1 = 253 bytes */
	memset(name, 'b', 253);
	name[62] = name[125] = name[188] = name[251] = '.';
	name[253] = '\0';
	ok(check_hostname(name, &errstr) == 0, "253 bytes");
	strlcpy(name + 253, ".", sizeof(name) - 253);
	ok(check_hostname(name, &errstr) == 0, "253 bytes and the root dot");
	name[253] = 'b';
	name[254] = '\0';
	ok(check_hostname(name, &errstr) == -1 &&
	    strcmp(errstr, "name longer than 253 bytes") == 0, "254 bytes");
}

static void
test_ip(void)
{
	struct ip_address ip;
	const char *errstr;

	ok(parse_ip("192.0.2.1", &ip, &errstr) == 0 && ip.family == AF_INET &&
	    ip_address_len(&ip) == 4, "IPv4");
	ok(parse_ip("2001:db8::1", &ip, &errstr) == 0 &&
	    ip.family == AF_INET6 && ip_address_len(&ip) == 16, "IPv6");
	ok(parse_ip("::ffff:192.0.2.1", &ip, &errstr) == 0 &&
	    ip.family == AF_INET6, "IPv4-mapped IPv6");
	ok(parse_ip("1.2.3.4.5", &ip, &errstr) == -1, "1.2.3.4.5");
	ok(parse_ip("256.0.0.1", &ip, &errstr) == -1, "256.0.0.1");
	ok(parse_ip("1.2.3", &ip, &errstr) == -1, "1.2.3 (inet_aton's form)");
	ok(parse_ip("::g", &ip, &errstr) == -1, "::g");
	ok(parse_ip("[::1]", &ip, &errstr) == -1, "[::1]");
	ok(parse_ip("", &ip, &errstr) == -1, "empty");
	ok(parse_ip("localhost", &ip, &errstr) == -1, "a name");
}

static void
test_mode(void)
{
	const char *errstr;
	unsigned int mode;

	ok(parse_mode("0660", &mode, &errstr) == 0 && mode == 0660, "0660");
	ok(parse_mode("600", &mode, &errstr) == 0 && mode == 0600,
	    "600 without the leading 0");
	ok(parse_mode("0", &mode, &errstr) == 0 && mode == 0, "0");
	ok(parse_mode("0777", &mode, &errstr) == 0 && mode == 0777, "0777");
	ok(parse_mode("00000000000000000000777", &mode, &errstr) == 0 &&
	    mode == 0777, "leading zeros, however many");
	ok(parse_mode("1000", &mode, &errstr) == -1 && errstr != NULL,
	    "1000: the sticky bit is no permission");
	ok(parse_mode("77777777777777777777777", &mode, &errstr) == -1,
	    "no overflow");
	ok(parse_mode("0668", &mode, &errstr) == -1, "8 is no octal digit");
	ok(parse_mode("", &mode, &errstr) == -1, "empty");
	ok(parse_mode("+644", &mode, &errstr) == -1, "a sign");
	ok(parse_mode(" 644", &mode, &errstr) == -1, "a space");
	ok(parse_mode("u+rw", &mode, &errstr) == -1, "chmod's symbols");
}

int
main(void)
{
	test_mode();
	test_number();
	test_port();
	test_duration();
	test_hostname();
	test_ip();
	return tap_done();
}
