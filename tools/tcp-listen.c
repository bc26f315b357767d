/* tcp-listen: accept TCP connections and print what they send. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "listen.h"
#include "parse.h"
#include "relay.h"
#include "report.h"
#include "sockopts.h"
#include "timing.h"

static const struct cli_text text = {
	"tcp-listen [-46kvx] [-b ADDR] [-c COUNT] [-t SEC] [--max-bytes N] "
	    "[--reply DATA] [--port-file FILE] [--raw] PORT",
	"Listen on PORT of 127.0.0.1 (or ADDR), accept a connection and write what it\n"
	"sends to stdout until it closes (socket, bind, listen, accept, recv).",
	"  -4, --ipv4        listen on 127.0.0.1 (the default)\n"
	"  -6, --ipv6        listen on ::1\n"
	"  -b, --bind ADDR   listen on the local address ADDR (0.0.0.0, :: for all)\n"
	"  -c, --count COUNT stop after COUNT connections\n"
	"  -k, --keep-open   accept another connection when one closes\n"
	"  -t, --timeout SEC give up when no connection comes or one is idle for SEC\n"
	"  -v, --verbose     report the address and each connection on stderr\n"
	"  -x, --escape      escape unprintable bytes, also to a pipe or file\n"
	"      --max-bytes N read at most N bytes from a connection, then close it\n"
	"      --reply DATA  send DATA (C escapes such as \\r\\n) to each connection\n"
	"      --port-file FILE\n"
	"                    write the port to FILE once listening\n"
	"      --raw         do not escape unprintable bytes on a terminal\n",
};

enum { OPT_MAX_BYTES = SOCKOPT_OWN };

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "bind", required_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'c' },
	{ "keep-open", no_argument, NULL, 'k' },
	{ "timeout", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "escape", no_argument, NULL, 'x' },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "reply", required_argument, NULL, SOCKOPT_REPLY },
	{ "port-file", required_argument, NULL, SOCKOPT_PORT_FILE },
	{ "raw", no_argument, NULL, SOCKOPT_RAW },
	CLI_COMMON_OPTIONS
};

struct settings {
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_bytes;	/* -1: no limit */
	long long	 count;		/* 0: no limit */
	bool		 keep;
	bool		 verbose;
	bool		 escape;
	char		*reply;		/* NULL: none */
	size_t		 replylen;
};

/* One connection from peer_sa; returns its status. */
static int
serve(int fd, const struct sockaddr *peer_sa, const struct settings *set,
    bool *fatal)
{
	struct relay r = { 0 };
	char peer[ENDPOINT_MAX];

	sockaddr_endpoint(peer_sa, sizeof(struct sockaddr_storage), peer);
	if (set->verbose)
		warnx("connection from %s", peer);
	r.sock = fd;
	r.in = -1;
	r.data = set->reply;
	r.datalen = set->replylen;
	r.out = STDOUT_FILENO;
	r.idle_ms = minus_one_if_no_limit(set->idle_ms);
	r.max_recv = set->max_bytes;
	r.escape = set->escape;
	if (relay_run(&r) == 0)
		return EX_OK;
	/* a broken stdout ends it all; a broken peer only its connection */
	*fatal = r.failed == RELAY_WRITE_OUT;
	return relay_warn(&r, peer);
}

/* Accepts and serves connections; returns the first failure's status. */
static int
accept_loop(int lfd, const struct settings *set)
{
	struct sockaddr_storage peer;
	char waited[DURATION_STR_MAX];
	long long served = 0;
	bool last = false, fatal = false;
	int fd, status = EX_OK, rc;

	while (!last) {
		if ((fd = accept_within(lfd, set->idle_ms, &peer)) == -1) {
			if (errno == ETIMEDOUT) {
				warnx("accept: no connection in %s",
				    format_duration(set->idle_ms, waited));
				return ex_first(status, EX_TEMPFAIL);
			}
			warn("accept");
			return ex_first(status, ex_errno(errno, EX_OSERR));
		}
		served++;
		last = !set->keep || served == set->count;
		/* no longer listening: later connects are refused, not queued */
		if (last)
			close(lfd);
		rc = serve(fd, (struct sockaddr *)&peer, set, &fatal);
		close(fd);
		status = ex_first(status, rc);
		if (fatal || (rc != EX_OK && !set->keep)) {
			if (!last)
				close(lfd);
			break;
		}
	}
	return status;
}

int
main(int argc, char *argv[])
{
	struct settings set = { .idle_ms = NO_LIMIT, .max_bytes = -1 };
	struct sockopts o = SOCKOPTS_INIT;
	struct listener l;
	char where[ENDPOINT_MAX];
	const char *errstr;
	int ch, fd, status;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46b:c:kt:vxhV", longopts,
	    NULL)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case OPT_MAX_BYTES:
			if (parse_number(optarg, 0, LLONG_MAX, &set.max_bytes,
			    &errstr) == -1)
				cli_usage("max-bytes %s: %s", optarg, errstr);
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		cli_usage(argc == 0 ? "no PORT given" : "too many operands");
	listener_setup(&o, argv[0], "tcp", &l);
	set.escape = l.escape;
	set.reply = l.reply;
	set.replylen = l.replylen;
	/* -c counts the connections that -k keeps accepting */
	set.keep = o.keep || o.count != 0;
	set.count = o.count;
	set.idle_ms = o.timeout_ms;
	set.verbose = o.verbose;

	fd = listener_open(&l.addr, SOCK_STREAM);
	listener_announce(fd, &o, where);
	status = accept_loop(fd, &set);
	free(set.reply);
	return cli_finish(status);
}
