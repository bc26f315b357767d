/* tcp-send: connect to a TCP port and send data, or check that it is open. */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "io.h"
#include "json.h"
#include "parse.h"
#include "relay.h"
#include "report.h"
#include "sockclose.h"
#include "sockopts.h"
#include "target.h"
#include "unix.h"

#define CONNECT_TIMEOUT_MS	10000

static const struct cli_text text = {
	"tcp-send [-46nrUvxz] [-b ADDR] [-t SEC] [--wait SEC] [-j] [--raw] "
	    "{HOST PORT | PATH} [DATA ...]",
	"Connect to HOST PORT (or the Unix stream socket PATH) and send DATA, or\n"
	"standard input, then shut down the write side (connect, send, sendall);\n"
	"-z checks that ports (or sockets) accept connections.",
	"  -4, --ipv4        IPv4 addresses only\n"
	"  -6, --ipv6        IPv6 addresses only; with -4, both, in the resolver's order\n"
	"  -b, --bind ADDR   connect from the local address ADDR\n"
	"  -j, --json        with -z, one JSON object per HOST PORT\n"
	"  -n, --no-newline  do not end DATA with a newline\n"
	"  -r, --read        then print what the peer sends until it closes\n"
	"  -t, --timeout SEC give up connecting (10 s) or on idle I/O (never)\n"
	"  -U, --unix        connect to the Unix socket PATH (@NAME: abstract)\n"
	"  -v, --verbose     report the connection on stderr\n"
	"  -x, --escape      with -r, escape unprintable bytes, also to a pipe or file\n"
	"  -z, --check       only check that each HOST PORT accepts a connection\n"
	"      --raw         with -r, do not escape unprintable bytes on a terminal\n"
	"      --wait SEC    retry refused, unreachable or timed-out connections\n",
};

enum { OPT_WAIT = SOCKOPT_OWN };

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "bind", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "no-newline", no_argument, NULL, 'n' },
	{ "read", no_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unix", no_argument, NULL, 'U' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "escape", no_argument, NULL, 'x' },
	{ "check", no_argument, NULL, 'z' },
	{ "raw", no_argument, NULL, SOCKOPT_RAW },
	{ "wait", required_argument, NULL, OPT_WAIT },
	CLI_COMMON_OPTIONS
};

struct settings {
	int			 family;
	struct sockaddr_storage	 source;
	struct dial_options	 dial;
	long long		 idle_ms;	/* NO_LIMIT: none */
	bool			 newline;
	bool			 read_reply;
	bool			 escape;	/* the reply */
	bool			 verbose;
	bool			 check;
	bool			 json;
	bool			 unix_path;	/* -U: operands are paths */
};

static void
print_json(const struct target *t)
{
	putchar('{');
	json_endpoint(stdout, &t->ep, 1);
	json_key(stdout, "open", 0);
	fputs(t->fd != -1 ? "true" : "false", stdout);
	if (t->fd != -1 && t->ep.path == NULL) {
		json_key(stdout, "address", 0);
		json_string(stdout, t->address);
	} else if (t->fd == -1) {
		json_key(stdout, "error", 0);
		json_string(stdout, t->reason);
	}
	json_key(stdout, "ms", 0);
	printf("%lld}\n", t->ms);
}

/* -z: every target, in operand order; the first failure's status. */
static int
check(struct target *v, size_t n, const struct settings *set)
{
	size_t i;
	int status = EX_OK;

	connect_targets(v, n, set->family, &set->dial);
	for (i = 0; i < n; i++) {
		if (v[i].fd == -1)
			target_warn(&v[i], &set->dial);
		else if (set->verbose)
			target_report_connected(&v[i]);
		if (set->json)
			print_json(&v[i]);
		if (v[i].fd != -1)
			close(v[i].fd);
		status = ex_first(status, v[i].status);
	}
	return status;
}

/* Sends data (or stdin with data NULL) to t, then maybe reads the reply. */
static int
send_to(struct target *t, const char *data, size_t len,
    const struct settings *set)
{
	struct relay r = { 0 };
	int status = EX_OK;

	connect_targets(t, 1, set->family, &set->dial);
	if (t->fd == -1) {
		target_warn(t, &set->dial);
		return t->status;
	}
	if (set->verbose)
		target_report_connected(t);
	r.sock = t->fd;
	r.in = data == NULL ? STDIN_FILENO : -1;
	r.data = data;
	r.datalen = len;
	r.out = set->read_reply ? STDOUT_FILENO : -1;
	r.escape = set->escape;
	r.idle_ms = set->idle_ms;
	r.max_recv = -1;
	if (relay_run(&r) == -1)
		status = relay_warn(&r, t->name);
	if (r.failed == RELAY_READ_IN)
		close_reset(t->fd);	/* not an end of file: stdin failed */
	else if (status != EX_OK || set->read_reply)
		close(t->fd);
	else if (close_sent(t->fd, set->idle_ms) == -1) {
		/* sent, but the peer may never have had it */
		warn("send %s: not acknowledged", t->name);
		status = ex_errno(errno, EX_IOERR);
	}
	return status;
}

static void
parse_target(struct target *t, const char *host, const char *port)
{
	t->ep.host = host;
	t->ep.port = port_operand(port, "tcp", false);
	t->un.dirfd = -1;
	if ((t->name = endpoint_string(&t->ep)) == NULL)
		err(EX_OSERR, "targets");
}

static void
parse_unix_target(struct target *t, const char *path)
{
	t->ep.path = path;
	/* a directory that is not there yet fails as a connect, or waits */
	sockopts_unix_address(path, &t->un, true);
	if ((t->name = endpoint_string(&t->ep)) == NULL)
		err(EX_OSERR, "targets");
}

int
main(int argc, char *argv[])
{
	struct settings set = {
		.dial = { .retry = false },
		.newline = true,
	};
	struct sockopts o = SOCKOPTS_INIT;
	struct target *targets;
	const char *errstr;
	char *data = NULL;
	size_t n, i, len = 0;
	int ch, status, per;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46b:jnrt:Uvxzh"
	    "V", longopts,
	    NULL)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'j':
			set.json = true;
			break;
		case 'n':
			set.newline = false;
			break;
		case 'r':
			set.read_reply = true;
			break;
		case 'z':
			set.check = true;
			break;

		case OPT_WAIT:
			if (parse_duration(optarg, 0, &set.dial.wait_ms,
			    &errstr) == -1)
				cli_bad_value("wait", optarg, errstr);
			/* --wait 0: one try */
			set.dial.retry = set.dial.wait_ms > 0;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;

	set.family = sockopts_family(&o);
	/* -t bounds both; connecting alone has a bound without it */
	set.dial.timeout_ms = o.timeout != NULL ? o.timeout_ms :
	    CONNECT_TIMEOUT_MS;
	set.idle_ms = o.timeout_ms;
	set.verbose = o.verbose;
	set.unix_path = o.unix_path;
	if (set.unix_path)
		sockopts_unix(&o);
	/* a path is one operand, HOST PORT two */
	per = set.unix_path ? 1 : 2;
	cli_operands(argc, per, CLI_ANY_NUMBER, set.unix_path ? "PATH" :
	    "HOST PORT");
	if (set.json && !set.check)
		cli_needs("-j", "-z");
	/* -z sends nothing */
	if (set.check && (set.read_reply || !set.newline))
		cli_exclusive("-z", set.read_reply ? "-r" : "-n");
	set.escape = sockopts_escape_reply(&o, set.read_reply);
	if (set.check && argc % per != 0)
		cli_needs("-z", "HOST PORT pairs");
	if (!set.check && !set.newline && argc == per)
		cli_needs("-n", "DATA");
	if (o.bind != NULL) {
		sockopts_bind_address(&o, set.family, 0, "source",
		    &set.source);
		/* the source decides the family of the addresses tried */
		set.family = set.source.ss_family;
		set.dial.source = (struct sockaddr *)&set.source;
	}

	n = set.check ? (size_t)argc / per : 1;
	if ((targets = calloc(n, sizeof(*targets))) == NULL)
		err(EX_OSERR, "targets");
	for (i = 0; i < n; i++)
		if (set.unix_path)
			parse_unix_target(&targets[i], argv[i]);
		else
			parse_target(&targets[i], argv[2 * i],
			    argv[2 * i + 1]);

	if (set.check)
		status = check(targets, n, &set);
	else {
		if (argc > per && (data = join_words(argv + per, argc - per,
		    set.newline, &len)) == NULL)
			err(EX_OSERR, "data");
		status = send_to(&targets[0], data, len, &set);
		free(data);
	}
	for (i = 0; i < n; i++) {
		unix_address_close(&targets[i].un);
		free(targets[i].name);
	}
	free(targets);
	return cli_finish(status);
}
