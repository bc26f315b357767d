#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "io.h"
#include "listen.h"
#include "listener.h"
#include "signals.h"
#include "unixlisten.h"

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
	enum step step;
	size_t failed;

	if (listen_set_open(ls, l->addr, l->naddr, socktype, &step,
	    &failed) == -1)
		err(ex_errno(errno, EX_OSERR), "%s %s", step_name(step),
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
	enum step step;
	int fd;

	sockopts_unix_address(path, &ua, false);
	/* before the file appears: a stop signal may come the moment it does */
	atexit(remove_at_exit);
	signals_at_death(unix_listen_remove);
	if ((fd = unix_listen(&ua, socktype, o->mode < 0 ? (mode_t)-1 :
	    (mode_t)o->mode, &step)) == -1) {
		if (errno == EADDRINUSE)
			errx(EX_UNAVAILABLE, "%s %s: a socket there is in use",
			    step_name(step), path);
		if (errno == ENOTSOCK)
			errx(EX_UNAVAILABLE, "%s %s: exists and is not a socket",
			    step_name(step), path);
		err(unix_exit_status(errno), "%s %s", step_name(step), path);
	}
	if (o->verbose)
		warnx("listening on %s", path);
	return fd;
}
