#include <errno.h>
#include <string.h>

#include "portlist.h"
#include "tap.h"

/* The ports of s, walked with port_list_next, written as "a b c". */
static const char *
walk(const char *s)
{
	static char out[256];
	struct port_list pl;
	struct port_cursor c = { 0 };
	const char *errstr, *bad;
	unsigned short port;
	size_t badlen, len = 0;

	if (port_list_parse(s, "tcp", &pl, &errstr, &bad, &badlen) == -1)
		return errstr;
	out[0] = '\0';
	while (port_list_next(&pl, &c, &port) && len < sizeof(out) - 8)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%u",
		    len > 0 ? " " : "", port);
	port_list_free(&pl);
	return out;
}

/* The reason s is refused and the element it names, as "why: element". */
static const char *
refusal(const char *s)
{
	static char out[256];
	struct port_list pl;
	const char *errstr, *bad;
	size_t badlen;

	if (port_list_parse(s, "tcp", &pl, &errstr, &bad, &badlen) == 0) {
		port_list_free(&pl);
		return "accepted";
	}
	snprintf(out, sizeof(out), "%s: %.*s%s", errstr, (int)badlen, bad,
	    errno == EINVAL ? "" : " (errno)");
	return out;
}

static void
test_accepted(void)
{
	is_str(walk("80"), "80", "one port");
	is_str(walk("5432,6432"), "5432 6432", "a list of two");
	is_str(walk("http,https"), "80 443", "service names");
	is_str(walk("80,443,8000-8003"), "80 443 8000 8001 8002 8003",
	    "numbers, names and a range in the order written");
	is_str(walk("7-7"), "7", "a range of one port");
	is_str(walk("65534-65535,1-2"), "65534 65535 1 2",
	    "the ends of the port space");
	is_str(walk("80,80"), "80 80", "a repeat is kept");
}

static void
test_counted(void)
{
	struct port_list pl;
	const char *errstr, *bad;
	size_t badlen;

	ok(port_list_parse("1-65535", "tcp", &pl, &errstr, &bad,
	    &badlen) == 0 && pl.n == 1 && pl.ports == 65535,
	    "1-65535 is one range of 65535 ports");
	port_list_free(&pl);
	ok(port_list_parse("1-65535,1-65535,22", "tcp", &pl, &errstr, &bad,
	    &badlen) == 0 && pl.n == 3 && pl.ports == 131071,
	    "ranges and ports counted with their repeats");
	port_list_free(&pl);
}

static void
test_refused(void)
{
	is_str(refusal("0"), "too small: 0", "port 0");
	is_str(refusal("80,0"), "too small: 0", "port 0 in a list");
	is_str(refusal("0-10"), "too small: 0-10", "a range from 0");
	is_str(refusal("10-5"), "reversed range: 10-5", "a reversed range");
	is_str(refusal("1-65536"), "too large: 1-65536",
	    "a range past 65535");
	is_str(refusal("65536"), "too large: 65536", "a port past 65535");
	is_str(refusal(""), "empty element: ", "an empty list");
	is_str(refusal("80,,81"), "empty element: ", "an empty element");
	is_str(refusal(",80"), "empty element: ", "a leading comma");
	is_str(refusal("80,"), "empty element: ", "a trailing comma");
	is_str(refusal("80,1x"), "invalid: 1x", "junk after a digit");
	is_str(refusal("80,no-such-service-x"),
	    "unknown service: no-such-service-x", "an unknown service");
	is_str(refusal("80-"), "invalid: 80-", "a range with no end");
	is_str(refusal("-80"), "unknown service: -80",
	    "a range with no start");
	is_str(refusal("1-2-3"), "invalid: 1-2-3", "two hyphens");
	is_str(refusal("http-https"), "unknown service: http-https",
	    "a range of names is not one");
	is_str(refusal("80, 81"), "unknown service:  81", "a blank");
	is_str(refusal("+80"), "unknown service: +80", "a sign");
	is_str(refusal("1-99999999999999999999"),
	    "too large: 1-99999999999999999999", "20 digits");
}

static void
test_cursor(void)
{
	struct port_list pl;
	struct port_cursor c = { 0 };
	const char *errstr, *bad;
	unsigned short port, last = 0;
	size_t badlen, count = 0;

	if (port_list_parse("1-65535", "tcp", &pl, &errstr, &bad,
	    &badlen) == -1)
		return;
	while (port_list_next(&pl, &c, &port)) {
		if (port != last + 1)
			break;
		last = port;
		count++;
	}
	ok(count == 65535 && last == 65535,
	    "1-65535 walks every port once, in order");
	ok(!port_list_next(&pl, &c, &port), "and stays at its end");
	port_list_free(&pl);
}

int
main(void)
{
	test_accepted();
	test_counted();
	test_refused();
	test_cursor();
	return tap_done();
}
