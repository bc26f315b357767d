/* tcp-listen: accept TCP connections and print what they send. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "io.h"
#include "listen.h"
#include "parse.h"
#include "relay.h"
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

enum { OPT_MAX_BYTES = 256, OPT_REPLY, OPT_PORT_FILE, OPT_RAW };

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
	{ "reply", required_argument, NULL, OPT_REPLY },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "raw", no_argument, NULL, OPT_RAW },
	CLI_COMMON_OPTIONS
};

struct settings {
	long long	 idle_ms;	/* -1: wait for ever */
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
	char peer[ENDPOINT_MAX], host[ADDRSTR_MAX];

	snprintf(peer, sizeof(peer), "%s %u", sockaddr_host(peer_sa, host),
	    sockaddr_port(peer_sa));
	if (set->verbose)
		warnx("connection from %s", peer);
	r.sock = fd;
	r.in = -1;
	r.data = set->reply;
	r.datalen = set->replylen;
	r.out = STDOUT_FILENO;
	r.idle_ms = set->idle_ms;
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
	struct settings set = { .idle_ms = -1, .max_bytes = -1 };
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	char where[ENDPOINT_MAX], host[ADDRSTR_MAX];
	const char *bind_to = NULL, *port_file = NULL, *reply = NULL;
	const char *errstr, *step;
	unsigned short port;
	socklen_t len;
	bool want4 = false, want6 = false, escape = false, raw = false;
	int ch, fd, family, status;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46b:c:kt:vxhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			want4 = true;
			break;
		case '6':
			want6 = true;
			break;
		case 'b':
			bind_to = optarg;
			break;
		case 'c':
			if (parse_number(optarg, 1, LLONG_MAX, &set.count,
			    &errstr) == -1)
				cli_usage("count %s: %s", optarg, errstr);
			set.keep = true;
			break;
		case 'k':
			set.keep = true;
			break;
		case 't':
			if (parse_duration(optarg, 1, &set.idle_ms,
			    &errstr) == -1)
				cli_usage("timeout %s: %s", optarg, errstr);
			break;
		case 'v':
			set.verbose = true;
			break;
		case 'x':
			escape = true;
			break;
		case OPT_MAX_BYTES:
			if (parse_number(optarg, 0, LLONG_MAX, &set.max_bytes,
			    &errstr) == -1)
				cli_usage("max-bytes %s: %s", optarg, errstr);
			break;
		case OPT_REPLY:
			reply = optarg;
			break;
		case OPT_PORT_FILE:
			port_file = optarg;
			break;
		case OPT_RAW:
			raw = true;
			break;
		case 'h':
			cli_help();
		case 'V':
			cli_version();
		default:
			cli_option_error(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		cli_usage(argc == 0 ? "no PORT given" : "too many operands");
	if (want4 && want6)
		cli_usage("-4 and -6 exclude each other");
	if (escape && raw)
		cli_usage("-x and --raw exclude each other");
	if (parse_port(argv[0], "tcp", true, &port, &errstr) == -1)
		cli_usage("port %s: %s", argv[0], errstr);
	family = want4 ? AF_INET : want6 ? AF_INET6 : AF_UNSPEC;
	if (bind_address(bind_to, family, port, &ss, &errstr) == -1)
		cli_usage("bind address %s: %s", bind_to != NULL ? bind_to :
		    "", errstr);
	if (reply != NULL) {
		if ((set.reply = malloc(strlen(reply) + 1)) == NULL)
			err(EX_OSERR, "reply");
		if (unescape(reply, set.reply, &set.replylen, &errstr) == -1)
			cli_usage("reply %s: %s", reply, errstr);
	}
	set.escape = escape || (!raw && isatty(STDOUT_FILENO));

	if ((fd = listen_on(sa, SOCK_STREAM, &step)) == -1)
		err(ex_errno(errno, EX_OSERR), "%s %s %u", step,
		    sockaddr_host(sa, host), port);
	socket_endpoint(fd, 0, where);
	if (port_file != NULL) {
		/* the real port: PORT 0 asked the kernel for one */
		len = sizeof(ss);
		if (getsockname(fd, sa, &len) == -1)
			err(EX_OSERR, "getsockname");
		if (write_port_file(port_file, sockaddr_port(sa)) == -1)
			err(ex_errno(errno, EX_OSERR), "%s", port_file);
	}
	if (set.verbose)
		warnx("listening on %s", where);
	status = accept_loop(fd, &set);
	free(set.reply);
	return cli_finish(status);
}
