#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sockopts.h"
#include "tap.h"

/* The family for -4 (want4) and -6 (want6). */
static int
family(bool want4, bool want6)
{
	struct sockopts o = SOCKOPTS_INIT;

	o.want4 = want4;
	o.want6 = want6;
	return sockopts_family(&o);
}

static void
test_take(void)
{
	struct sockopts o = SOCKOPTS_INIT;

	ok(o.timeout_ms == NO_LIMIT && o.timeout == NULL, "no -t: no timeout");
	ok(sockopts_take(&o, 't', "0.25") && o.timeout_ms == 250 &&
	    strcmp(o.timeout, "0.25") == 0, "-t in milliseconds, and as given");
	ok(sockopts_take(&o, 'c', "3") && o.count == 3, "-c COUNT");
	ok(sockopts_take(&o, 'b', "::1") && strcmp(o.bind, "::1") == 0,
	    "-b ADDR as given");
	ok(sockopts_take(&o, SOCKOPT_PORT_FILE, "port") &&
	    strcmp(o.port_file, "port") == 0, "--port-file FILE");
	ok(!sockopts_take(&o, 'j', NULL), "a tool's own option is left");
	ok(!sockopts_take(&o, SOCKOPT_OWN, NULL),
	    "and so is its own long-only one");
}

static void
test_family(void)
{
	ok(family(false, false) == AF_UNSPEC, "neither: either family");
	ok(family(true, false) == AF_INET, "-4: IPv4");
	ok(family(false, true) == AF_INET6, "-6: IPv6");
	ok(family(true, true) == AF_UNSPEC, "both: either family");
}

int
main(void)
{
	test_take();
	test_family();
	return tap_done();
}
