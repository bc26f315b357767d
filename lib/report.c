#include <err.h>
#include <errno.h>
#include <string.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "report.h"
#include "timing.h"

void
target_warn(const struct target *t, const struct dial_options *o)
{
	char host[ADDRSTR_MAX], waited[DURATION_STR_MAX];

	if (t->waited_out)
		format_duration(o->wait_ms, waited);
	if (t->step == NULL && t->waited_out)
		warnx("%s: %s (gave up waiting after %s)", t->ep.host,
		    t->reason, waited);
	else if (t->step == NULL)
		warnx("%s: %s", t->ep.host, t->reason);
	else if (t->waited_out)
		warnx("connect %s: %s (gave up waiting after %s)", t->name,
		    t->reason, waited);
	else if (strcmp(t->step, "bind") == 0 && o->source != NULL)
		warnx("bind %s: %s", sockaddr_host(o->source, host), t->reason);
	else
		warnx("%s %s: %s", t->step, t->name, t->reason);
}

void
target_report_connected(const struct target *t)
{
	char local[ENDPOINT_MAX];

	warnx("connected to %s %u from %s", t->address, t->ep.port,
	    socket_endpoint(t->fd, 0, local));
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
