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
#include "connlog.h"
#include "exitcode.h"
#include "listen.h"
#include "parse.h"
#include "relay.h"
#include "report.h"
#include "server.h"
#include "sockopts.h"
#include "timing.h"

static const struct cli_text text = {
	"tcp-listen [-46jkUvx] [-b ADDR] [-c COUNT] [-t SEC] [--max-bytes N] "
	    "[--max-conns N] [--mode MODE] [--reply DATA] [--port-file FILE] "
	    "[--raw] {PORT | PATH}",
	"Listen on PORT of 127.0.0.1 (or ADDR, or the Unix stream socket PATH), accept\n"
	"a connection and write what it sends to stdout until it closes (socket, bind,\n"
	"listen, accept, recv); with -k, serve every connection at once, writing whole\n"
	"lines while several are open.",
	"  -4, --ipv4        listen on 127.0.0.1 (the default)\n"
	"  -6, --ipv6        listen on ::1; with -4, on both (-b: ADDR's family)\n"
	"  -b, --bind ADDR   listen on the local address ADDR (0.0.0.0, :: for all)\n"
	"  -c, --count COUNT stop once COUNT connections have come and ended\n"
	"  -j, --json        one JSON object per piece of data, open and close\n"
	"  -k, --keep-open   serve every connection as it comes, many at once\n"
	"  -t, --timeout SEC give up when no connection comes or one is idle for SEC\n"
	"  -U, --unix        listen on the Unix socket PATH (@NAME: abstract)\n"
	"  -v, --verbose     report the address and each connection on stderr\n"
	"  -x, --escape      escape unprintable bytes, also to a pipe or file\n"
	"      --max-bytes N read at most N bytes from a connection, then close it\n"
	"      --max-conns N serve at most N connections at once (default 100)\n"
	"      --mode MODE   with -U, the socket file's permissions (octal: 0660)\n"
	"      --reply DATA  send DATA (C escapes such as \\r\\n) to each connection\n"
	"      --port-file FILE\n"
	"                    write the port to FILE once listening\n"
	"      --raw         do not escape unprintable bytes on a terminal\n",
};

enum { OPT_MAX_BYTES = SOCKOPT_OWN, OPT_MAX_CONNS };

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "bind", required_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "keep-open", no_argument, NULL, 'k' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unix", no_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "escape", no_argument, NULL, 'x' },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "mode", required_argument, NULL, SOCKOPT_MODE },
	{ "reply", required_argument, NULL, SOCKOPT_REPLY },
	{ "port-file", required_argument, NULL, SOCKOPT_PORT_FILE },
	{ "raw", no_argument, NULL, SOCKOPT_RAW },
	CLI_COMMON_OPTIONS
};

struct settings {
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_bytes;	/* -1: no limit */
	long long	 count;		/* 0: no limit */
	long long	 max_conns;
	bool		 keep;
	bool		 json;
	bool		 verbose;
	enum escape_mode escape;
	char		*reply;		/* NULL: none */
	size_t		 replylen;
};

/* One connection from addr, as relay.h moves bytes; its status. */
static int
serve(int fd, const struct sockaddr_storage *addr, const struct settings *set)
{
	struct relay r = { 0 };
	struct peer peer;
	int status;

	peer_set(&peer, fd, addr, sizeof(*addr), PEER_UNNUMBERED);
	connlog_open(NULL, set->verbose, &peer);
	r.sock = fd;
	r.in = -1;
	r.data = set->reply;
	r.datalen = set->replylen;
	r.out = STDOUT_FILENO;
	r.idle_ms = set->idle_ms;
	r.max_recv = set->max_bytes;
	r.escape = set->escape;
	status = relay_run(&r) == 0 ? EX_OK : relay_warn(&r, peer.name);
	connlog_close(NULL, set->verbose, &peer, r.received, r.sent);
	return status;
}

/* Serves the one connection of a listener without -k; its status. */
static int
serve_one(struct listen_set *ls, const struct settings *set)
{
	struct sockaddr_storage peer;
	char waited[DURATION_STR_MAX];
	int fd, rc;

	fd = accept_within(ls, set->idle_ms, &peer);
	if (fd == -1 && errno == ETIMEDOUT) {
		warnx("accept: no connection in %s",
		    format_duration(set->idle_ms, waited));
		return EX_TEMPFAIL;
	}
	if (fd == -1) {
		warn("accept");
		return ex_errno(errno, EX_OSERR);
	}
	/* no longer listening: later connects are refused, not queued */
	listen_set_close(ls);
	rc = serve(fd, &peer, set);
	close(fd);
	return rc;
}

/* Serves connections many at once (-k, -c, -j); returns the status. */
static int
serve_many(const struct listen_set *ls, const struct settings *set)
{
	struct server sv = {
		.listeners = *ls,
		.max_conns = set->max_conns,
		/* without -k, -j serves the one connection the same way */
		.count = set->keep ? set->count : 1,
		.idle_ms = set->idle_ms,
		.max_recv = set->max_bytes,
		.reply = set->reply,
		.replylen = set->replylen,
		.json = set->json,
		.escape = set->escape,
		.verbose = set->verbose,
	};

	return server_run(&sv);
}

int
main(int argc, char *argv[])
{
	struct settings set = { .idle_ms = NO_LIMIT, .max_bytes = -1,
	    .max_conns = SERVER_MAX_CONNS_DEFAULT };
	struct sockopts o = SOCKOPTS_INIT;
	struct listener l;
	struct listen_set ls;
	char where[LISTEN_SET_MAX][ENDPOINT_MAX];
	const char *errstr;
	int ch, status;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46b:c:jkt:UvxhV", longopts,
	    NULL)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'j':
			set.json = true;
			break;
		case OPT_MAX_BYTES:
			if (parse_number(optarg, 0, LLONG_MAX, &set.max_bytes,
			    &errstr) == -1)
				cli_bad_value("max-bytes", optarg, errstr);
			break;
		case OPT_MAX_CONNS:
			if (parse_number(optarg, 1, SERVER_MAX_CONNS_MAX,
			    &set.max_conns, &errstr) == -1)
				cli_bad_value("max-conns", optarg, errstr);
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, 1, o.unix_path ? "PATH" : "PORT");
	listener_setup(&o, o.unix_path ? NULL : argv[0], "tcp", &l);
	set.escape = l.escape;
	set.reply = l.reply;
	set.replylen = l.replylen;
	/* -c counts the connections that -k keeps accepting */
	set.keep = o.keep || o.count != 0;
	set.count = o.count;
	set.idle_ms = o.timeout_ms;
	set.verbose = o.verbose;

	if (o.unix_path)
		listen_set_one(&ls, unix_listener_open(argv[0], SOCK_STREAM,
		    &o));
	else {
		listener_open(&l, SOCK_STREAM, &ls);
		listener_announce(&ls, &o, where);
	}
	status = set.keep || set.json ? serve_many(&ls, &set) :
	    serve_one(&ls, &set);
	free(set.reply);
	return cli_finish(status);
}
