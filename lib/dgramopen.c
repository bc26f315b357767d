#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "datagram.h"
#include "dgramopen.h"
#include "exitcode.h"
#include "idna.h"
#include "report.h"
#include "resolve.h"
#include "unix.h"

int
dgram_open_ip(const char *hostarg, unsigned short port,
    const struct sockopts *o, bool broadcast, struct dgram_target *t)
{
	struct sockaddr_storage src;
	struct addrinfo *res;
	const struct addrinfo *ai;
	struct endpoint peer = { 0 };
	const char *errstr;
	enum step step;
	char service[8], host[ADDRSTR_MAX];
	int fd, rc;

	/* -4 and -6 together: either family */
	t->family = sockopts_family(o);
	if (o->bind != NULL) {
		sockopts_bind_address(o, t->family, 0, "bind address", &src);
		t->family = src.ss_family;
	}
	if (idna_check_hostname(hostarg, &errstr) == -1)
		errx(EX_USAGE, "%s: %s", hostarg, errstr);

	snprintf(service, sizeof(service), "%u", port);
	rc = resolve_host(hostarg, service, t->family, SOCK_DGRAM, 0, &res);
	if (rc != 0)
		errx(ex_gai(rc, errno), "%s: %s", hostarg, gai_error_string(rc, errno));
	fd = dgram_connect(res, o->bind != NULL ? (struct sockaddr *)&src :
	    NULL, broadcast, &ai, &step);
	if (fd == -1) {
		if (step == STEP_BIND)
			err(ex_errno(errno, EX_OSERR), "bind %s", o->bind);
		/* what EACCES means here, which strerror does not say */
		if (errno == EACCES && !broadcast && step == STEP_CONNECT)
			errx(ex_errno(errno, EX_OSERR), "%s %s %u: %s (a "
			    "broadcast address needs --broadcast)",
			    step_name(step), sockaddr_host(ai->ai_addr, host),
			    port, strerror(errno));
		err(ex_errno(errno, EX_OSERR), "%s %s %u", step_name(step),
		    sockaddr_host(ai->ai_addr, host), port);
	}
	t->family = ai->ai_family;
	peer.host = sockaddr_host(ai->ai_addr, host);
	peer.port = port;
	if ((t->peer = endpoint_string(&peer)) == NULL)
		err(EX_OSERR, "peer");
	freeaddrinfo(res);
	return fd;
}

int
dgram_open_unix(const char *path, const struct sockopts *o, bool bound,
    struct dgram_target *t)
{
	struct unix_addr ua;
	struct endpoint peer = { .path = path };
	enum step step;
	int fd;

	sockopts_unix(o);
	sockopts_unix_address(path, &ua, false);
	t->family = AF_UNIX;
	if ((fd = dgram_connect_unix(&ua.sun, ua.len, bound,
	    &step)) == -1)
		exit(unix_warn(step, path, &ua, errno));
	unix_address_close(&ua);
	if ((t->peer = endpoint_string(&peer)) == NULL)
		err(EX_OSERR, "peer");
	return fd;
}
