#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ere.h"
#include "exitcode.h"
#include "family.h"
#include "io.h"
#include "listen.h"
#include "parse.h"
#include "sockopts.h"
#include "tls.h"

bool
sockopts_take(struct sockopts *o, int ch, const char *arg)
{
	unsigned char wire[TLS_ALPN_WIRE_MAX];
	const char *errstr;
	unsigned int mode;

	switch (ch) {
	case '4':
		o->want4 = true;
		break;
	case '6':
		o->want6 = true;
		break;
	case 'b':
		o->bind = arg;
		break;
	case 'c':
		if (parse_number(arg, 1, LLONG_MAX, &o->count, &errstr) == -1)
			cli_bad_value("count", arg, errstr);
		break;
	case 'k':
		o->keep = true;
		break;
	case 't':
		if (parse_duration(arg, 1, &o->timeout_ms, &errstr) == -1)
			cli_bad_value("timeout", arg, errstr);
		o->timeout = arg;
		break;
	case 'U':
		o->unix_path = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'x':
		o->escape = true;
		break;
	case SOCKOPT_PORT_FILE:
		o->port_file = arg;
		break;
	case SOCKOPT_RAW:
		o->raw = true;
		break;
	case SOCKOPT_MODE:
		if (parse_mode(arg, &mode, &errstr) == -1)
			cli_bad_value("mode", arg, errstr);
		o->mode = mode;
		break;
	case SOCKOPT_REPLY:
		o->reply = arg;
		break;
	case SOCKOPT_TLS:
		o->tls = true;
		break;
	case SOCKOPT_CA:
		o->ca = arg;
		break;
	case SOCKOPT_CERT:
		o->cert = arg;
		break;
	case SOCKOPT_KEY:
		o->key = arg;
		break;
	case SOCKOPT_ALPN:
		if (tls_alpn_wire(arg, wire, sizeof(wire), &errstr) == -1)
			cli_bad_value("alpn", arg, errstr);
		o->alpn = arg;
		break;
	default:
		return false;
	}
	return true;
}

int
sockopts_family(const struct sockopts *o)
{
	return family_wanted(o->want4, o->want6, AF_UNSPEC);
}

unsigned short
port_operand(const char *s, const char *proto, bool allow_zero)
{
	const char *errstr;
	unsigned short port;

	if (parse_port(s, proto, allow_zero, &port, &errstr) == -1)
		cli_bad_value("port", s, errstr);
	return port;
}

void
sockopts_bind_address(const struct sockopts *o, int family,
    unsigned short port, const char *what, struct sockaddr_storage *ss)
{
	const char *errstr;

	/* only a given address can be malformed, never the loopback one */
	if (bind_address(o->bind, family, port, ss, &errstr) == -1)
		cli_bad_value(what, o->bind, errstr);
}

enum escape_mode
sockopts_escape(const struct sockopts *o)
{
	if (o->escape && o->raw)
		cli_exclusive("-x", "--raw");
	if (o->escape)
		return ESCAPE_ALL;
	return !o->raw && isatty(STDOUT_FILENO) ? ESCAPE_TERMINAL :
	    ESCAPE_NONE;
}

enum escape_mode
sockopts_escape_reply(const struct sockopts *o, bool reads)
{
	if ((o->escape || o->raw) && !reads)
		cli_needs(o->escape ? "-x" : "--raw", "-r");
	return reads ? sockopts_escape(o) : ESCAPE_NONE;
}

struct ere *
sockopts_expect(const char *pattern)
{
	char why[ERE_WHY_MAX];
	struct ere *re;

	if ((re = ere_compile(pattern, why)) != NULL)
		return re;
	if (errno == ENOMEM)
		err(EX_OSERR, "--expect");
	cli_bad_value("expect", pattern, why);
}

void
sockopts_unix(const struct sockopts *o)
{
	/* the first of them given, as the user wrote it */
	if (o->want4)
		cli_exclusive("-U", "-4");
	if (o->want6)
		cli_exclusive("-U", "-6");
	if (o->bind != NULL)
		cli_exclusive("-U", "-b");
	if (o->port_file != NULL)
		cli_exclusive("-U", "--port-file");
}

void
sockopts_unix_address(const char *path, struct unix_addr *ua, bool later)
{
	const char *errstr;

	if (path[0] == '\0')
		cli_usage("empty PATH");
	if ((later ? unix_address_later(path, ua, &errstr) :
	    unix_address(path, ua, &errstr)) == -1) {
		if (errstr != NULL)
			cli_bad_value("path", path, errstr);
		err(unix_exit_status(errno), "%s", path);
	}
}

