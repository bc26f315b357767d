#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "peercred.h"
#include "report.h"
#include "timing.h"
#include "tlsreport.h"
#include "unix.h"

int
unix_warn(enum step step, const char *path, const struct unix_addr *ua,
    int errnum)
{
	const char *call = step_name(step), *type;

	/* Linux refuses a connect to a file that is no socket */
	if (errnum == ENOTSOCK || (errnum == ECONNREFUSED &&
	    !unix_is_socket(ua))) {
		warnx("%s %s: not a socket", call, path);
		return EX_UNAVAILABLE;
	}
	if (errnum == EPROTOTYPE && (type = unix_socket_type(ua)) != NULL)
		warnx("%s %s: %s (a %s socket)", call, path,
		    strerror(errnum), type);
	else
		warnx("%s %s: %s", call, path, strerror(errnum));
	return unix_exit_status(errnum);
}

void
target_warn(const struct target *t, const struct dial_options *o)
{
	char host[ADDRSTR_MAX], waited[DURATION_STR_MAX];

	if (t->waited_out)
		format_duration(o->wait_ms, waited);
	if (t->step == STEP_NONE && t->waited_out)
		warnx("%s: %s (gave up waiting after %s)", t->ep.host,
		    t->reason, waited);
	else if (t->step == STEP_NONE)
		warnx("%s: %s", t->ep.host, t->reason);
	else if (t->waited_out)
		warnx("connect %s: %s (gave up waiting after %s)", t->name,
		    t->reason, waited);
	else if (t->step == STEP_BIND && o->source != NULL)
		warnx("bind %s: %s", sockaddr_host(o->source, host), t->reason);
	else if (t->ep.path != NULL)
		(void)unix_warn(t->step, t->name, t->un, t->error);
	else
		warnx("%s %s: %s", step_name(t->step), t->name, t->reason);
}

int
probe_warn(const struct probe *p)
{
	char why[EXPECT_REASON_MAX], waited[DURATION_STR_MAX];

	if (!p->t.open) {
		target_warn(&p->t, p->dial);
		return p->status;
	}
	if (p->tls_info.err.class != TLS_OK)
		return tls_warn(p->t.name, &p->tls_info.err);
	if (p->waited_out)
		warnx("reply of %s: %s (gave up waiting after %s)", p->t.name,
		    expect_reason(&p->x, why),
		    format_duration(p->dial->wait_ms, waited));
	else
		warnx("reply of %s: %s", p->t.name, expect_reason(&p->x, why));
	return p->status;
}

void
probe_report_connected(const struct probe *p)
{
	target_report_connected(&p->t);
	if (p->tls != NULL)
		tls_report(p->t.name, &p->tls_info);
}

/* "WHAT PEER (pid N, uid N, gid N)" for the connected fd. */
static void
report_peer(const char *what, const char *peer, int fd)
{
	char cred[PEER_CRED_MAX];

	warnx("%s %s%s", what, peer, peer_credentials(fd, cred,
	    sizeof(cred)));
}

void
target_report_connected(const struct target *t)
{
	/* -z closed the connection once made: no peer to ask */
	if (t->ep.path != NULL && t->fd == -1)
		warnx("connected to %s", t->name);
	else if (t->ep.path != NULL)
		report_peer("connected to", t->name, t->fd);
	else
		warnx("connected to %s %u from %s", t->address, t->ep.port,
		    t->local);
}

int
relay_warn(const struct relay *r, const char *peer)
{
	char buf[DURATION_STR_MAX];

	errno = r->error;
	switch (r->failed) {
	case RELAY_OK:
		return EX_OK;
	case RELAY_READ_IN:
		warn("read error: stdin");
		return ex_errno(r->error, EX_IOERR);
	case RELAY_WRITE_OUT:
		return cli_stdout_error();	/* the suite's policy for stdout */
	case RELAY_SEND:
		warn("send %s", peer);
		return ex_errno(r->error, EX_IOERR);
	case RELAY_RECV:
		warn("recv %s", peer);
		return ex_errno(r->error, EX_IOERR);
	case RELAY_IDLE:
		warnx("%s: idle for %s", peer, format_duration(r->idle_ms,
		    buf));
		return EX_TEMPFAIL;
	}
	return EX_SOFTWARE;
}
