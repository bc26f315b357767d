#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exitcode.h"
#include "family.h"
#include "io.h"
#include "listen.h"
#include "parse.h"
#include "signals.h"
#include "sockopts.h"
#include "unix.h"

bool
sockopts_take(struct sockopts *o, int ch, const char *arg)
{
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

/* --reply DATA with its escapes undone, or NULL without it. */
static char *
reply_data(const struct sockopts *o, size_t *len)
{
	const char *errstr;
	char *data;

	*len = 0;
	if (o->reply == NULL)
		return NULL;
	/* undoing escapes never lengthens */
	if ((data = malloc(strlen(o->reply) + 1)) == NULL)
		err(EX_OSERR, "reply");
	if (unescape(o->reply, data, len, &errstr) == -1)
		cli_bad_value("reply", o->reply, errstr);
	return data;
}

/* The addresses a listener on port binds, into l. */
static void
listener_addresses(const struct sockopts *o, unsigned short port,
    struct listener *l)
{
	/* -4 -6 without -b: the loopback address of each family */
	if (o->bind == NULL && o->want4 && o->want6) {
		sockopts_bind_address(o, AF_INET, port, "bind address",
		    &l->addr[l->naddr++]);
		sockopts_bind_address(o, AF_INET6, port, "bind address",
		    &l->addr[l->naddr++]);
		return;
	}
	sockopts_bind_address(o, sockopts_family(o), port, "bind address",
	    &l->addr[l->naddr++]);
}

void
listener_setup(const struct sockopts *o, const char *port,
    const char *proto, struct listener *l)
{
	if (o->mode != -1 && !o->unix_path)
		cli_needs("--mode", "-U");
	if (port == NULL)
		sockopts_unix(o);
	l->escape = sockopts_escape(o);
	l->naddr = 0;
	if (port != NULL)
		listener_addresses(o, port_operand(port, proto, true), l);
	l->reply = reply_data(o, &l->replylen);
}

void
listener_open(struct listener *l, int socktype, struct listen_set *ls)
{
	char where[ENDPOINT_MAX];
	const char *step;
	size_t failed;

	if (listen_set_open(ls, l->addr, l->naddr, socktype, &step,
	    &failed) == -1)
		err(ex_errno(errno, EX_OSERR), "%s %s", step,
		    sockaddr_endpoint((struct sockaddr *)&l->addr[failed],
		    sizeof(l->addr[failed]), where));
}

void
listener_announce(const struct listen_set *ls, const struct sockopts *o,
    char local[][ENDPOINT_MAX])
{
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	socklen_t len;
	size_t i;

	for (i = 0; i < ls->n; i++) {
		/* the real port: PORT 0 asked the kernel for one */
		len = sizeof(ss);
		if (getsockname(ls->fd[i], sa, &len) == -1)
			err(EX_OSERR, "getsockname");
		sockaddr_endpoint(sa, len, local[i]);
		if (o->verbose)
			warnx("listening on %s", local[i]);
	}
	/* one port for every socket of the set */
	if (o->port_file != NULL && write_port_file(o->port_file,
	    sockaddr_port(sa)) == -1)
		err(ex_errno(errno, EX_OSERR), "%s", o->port_file);
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

/* Removes the socket file at the end, however it comes. */
static void
remove_at_exit(void)
{
	unix_listen_remove();
}

int
unix_listener_open(const char *path, int socktype, const struct sockopts *o)
{
	/* the descriptor of a long path's directory stays open until exit */
	static struct unix_addr ua;
	const char *step;
	int fd;

	sockopts_unix_address(path, &ua, false);
	/* before the file appears: a stop signal may come the moment it does */
	atexit(remove_at_exit);
	signals_at_death(unix_listen_remove);
	if ((fd = unix_listen(&ua, socktype, o->mode < 0 ? (mode_t)-1 :
	    (mode_t)o->mode, &step)) == -1) {
		if (errno == EADDRINUSE)
			errx(EX_UNAVAILABLE, "%s %s: a socket there is in use",
			    step, path);
		if (errno == ENOTSOCK)
			errx(EX_UNAVAILABLE, "%s %s: exists and is not a socket",
			    step, path);
		err(unix_exit_status(errno), "%s %s", step, path);
	}
	if (o->verbose)
		warnx("listening on %s", path);
	return fd;
}
