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
#include "tls.h"
#include "tlscheck.h"
#include "tlsreport.h"
#include "unix.h"

/* --min-days: a hundred years */
#define MIN_DAYS_MAX		36500

static const struct cli_text text = {
	"tcp-send [-46nrUvxz] [-b ADDR] [-t SEC] [--wait SEC] [-j] [--any] [--raw] "
	    "[--tls] [--insecure] [--ca FILE|DIR] [--servername NAME] "
	    "[--cert FILE] [--key FILE] [--alpn LIST] [--min-days DAYS] "
	    "{HOST PORT | PATH} [DATA ...]",
	"Connect to HOST PORT (or the Unix stream socket PATH) and send DATA, or\n"
	"standard input, then shut down the write side (connect, send, sendall);\n"
	"-z checks that ports (or sockets) accept connections, each PORT then a list\n"
	"of ports and ranges (80,https,8000-8010).",
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
	"      --any         with -z, succeed if any target is open (--wait: once one is)\n"
	"      --raw         with -r, do not escape unprintable bytes on a terminal\n"
	"      --wait SEC    retry refused, unreachable or timed-out connections\n"
	"      --tls         with -z, also a TLS handshake, the certificate verified\n"
	"      --insecure    with --tls, verify nothing\n"
	"      --ca FILE|DIR trust these CAs (default: SSL_CERT_FILE, SSL_CERT_DIR, the system's)\n"
	"      --servername NAME  the name sent (SNI) and verified (default: HOST)\n"
	"      --cert FILE   a client certificate (and its chain) for mutual TLS\n"
	"      --key FILE    its private key (default: in --cert's FILE)\n"
	"      --alpn LIST   offer these protocols (h2,http/1.1)\n"
	"      --min-days DAYS  the certificate must stay valid DAYS more days\n",
};

enum {
	OPT_WAIT = SOCKOPT_OWN, OPT_ANY, OPT_TLS, OPT_INSECURE, OPT_CA,
	OPT_SERVERNAME, OPT_CERT, OPT_KEY, OPT_ALPN, OPT_MIN_DAYS
};

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
	{ "any", no_argument, NULL, OPT_ANY },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca", required_argument, NULL, OPT_CA },
	{ "servername", required_argument, NULL, OPT_SERVERNAME },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "alpn", required_argument, NULL, OPT_ALPN },
	{ "min-days", required_argument, NULL, OPT_MIN_DAYS },
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
	bool			 any;		/* -z: one open target is enough */
	bool			 unix_path;	/* -U: operands are paths */
	bool			 tls;
	struct tls_client_options tls_opts;
	struct tls_check_options tls_check;
};

static void
print_json(const struct target *t, const struct tls_info *info)
{
	putchar('{');
	json_endpoint(stdout, &t->ep, 1);
	json_key(stdout, "open", 0);
	fputs(t->open ? "true" : "false", stdout);
	if (t->open && t->ep.path == NULL) {
		json_key(stdout, "address", 0);
		json_string(stdout, t->address);
	} else if (!t->open) {
		json_key(stdout, "error", 0);
		json_string(stdout, t->reason);
	}
	if (t->open && info != NULL)
		json_tls(stdout, info);
	json_key(stdout, "ms", 0);
	printf("%lld}\n", t->ms);
	/* a row as soon as it is known, for a reader such as jq */
	(void)fflush(stdout);
}

/* What -z has seen of the targets so far. */
struct tally {
	const struct settings	*set;
	int			 status;	/* the first failure's */
	bool			 open;		/* one target or more */
	struct target		 first;		/* --any: the first failure */
	char			*first_name;
	struct tls_error	 first_tls;	/* its handshake's */
};

/* What failed of t, told now: its connection, or its handshake (e). */
static int
check_warn(const struct target *t, const struct tls_error *e,
    const struct settings *set)
{
	if (!t->open || e == NULL) {
		target_warn(t, &set->dial);
		return t->status;
	}
	return tls_warn(t->name, e);
}

/*
 * One target checked, in operand order (info: its handshake, with
 * --tls).  A failure is an error unless --any: then -v tells it, and
 * the first is told at the end if none passed.
 */
static void
tls_checked(const struct target *t, const struct tls_info *info, void *ctx)
{
	struct tally *ty = ctx;
	const struct settings *set = ty->set;
	/* a handshake's failure; an open target without one passed */
	const struct tls_error *e = info != NULL && info->err.class != TLS_OK ?
	    &info->err : NULL;
	int status;

	if (t->open && e == NULL) {
		ty->open = true;
		if (set->verbose)
			target_report_connected(t);
		if (set->verbose && info != NULL)
			tls_report(t->name, info);
	} else {
		if (t->open && set->verbose)
			target_report_connected(t);
		if (!set->any || set->verbose)
			status = check_warn(t, e, set);
		else {
			status = t->open && e != NULL ?
			    tls_exit_status(e->class) : t->status;
			if (ty->status == EX_OK) {
				ty->first = *t;
				ty->first_name = endpoint_string(&t->ep);
				ty->first.name = ty->first_name != NULL ?
				    ty->first_name : t->ep.host;
				if (e != NULL)
					ty->first_tls = *e;
			}
		}
		ty->status = ex_first(ty->status, status);
	}
	if (set->json)
		print_json(t, info);
}

/* A target checked without TLS. */
static void
checked(const struct target *t, void *ctx)
{
	tls_checked(t, NULL, ctx);
}

/* -z: every target, in operand order; the first failure's status. */
static int
check(const struct target_spec *v, size_t n, const struct settings *set)
{
	struct tally ty = { .set = set };

	if (set->tls)
		tls_check_targets(v, n, set->family, &set->dial,
		    &set->tls_check, tls_checked, &ty);
	else
		connect_targets(v, n, set->family, &set->dial, checked, &ty);
	if (set->any && ty.open)
		ty.status = EX_OK;
	else if (set->any && !set->verbose && ty.status != EX_OK)
		(void)check_warn(&ty.first, &ty.first_tls, set);
	free(ty.first_name);
	return ty.status;
}

/* The one target of a send, its connection, its name kept. */
static void
connected(const struct target *t, void *ctx)
{
	struct target *keep = ctx;

	*keep = *t;
	keep->name = endpoint_string(&t->ep);
}

/* Sends data (or stdin with data NULL) to spec, then maybe reads the reply. */
static int
send_to(const struct target_spec *spec, const char *data, size_t len,
    const struct settings *set)
{
	struct relay r = { 0 };
	struct stream sock;
	struct target t = { .fd = -1 };
	int status = EX_OK;

	connect_targets(spec, 1, set->family, &set->dial, connected, &t);
	if (t.name == NULL)
		err(EX_OSERR, "target");
	if (t.fd == -1) {
		target_warn(&t, &set->dial);
		status = t.status;
		goto out;
	}
	if (set->verbose)
		target_report_connected(&t);
	stream_socket(&sock, t.fd);
	r.sock = &sock;
	r.in = data == NULL ? STDIN_FILENO : -1;
	r.data = data;
	r.datalen = len;
	r.out = set->read_reply ? STDOUT_FILENO : -1;
	r.escape = set->escape;
	r.idle_ms = set->idle_ms;
	r.max_recv = RELAY_UNLIMITED;
	if (relay_run(&r) == -1)
		status = relay_warn(&r, t.name);
	if (r.failed == RELAY_READ_IN)
		close_reset(t.fd);	/* not an end of file: stdin failed */
	else if (status != EX_OK || set->read_reply)
		close(t.fd);
	else if (close_sent(t.fd, set->idle_ms) == -1) {
		/* sent, but the peer may never have had it */
		warn("send %s: not acknowledged", t.name);
		status = ex_errno(errno, EX_IOERR);
	}
out:
	free((char *)t.name);
	return status;
}

/* The TLS options: each needs --tls, and what it needs with it. */
static void
check_tls_options(const struct settings *set)
{
	const struct tls_client_options *o = &set->tls_opts;
	const char *without = o->insecure ? "--insecure" : o->ca != NULL ?
	    "--ca" : set->tls_check.servername != NULL ? "--servername" :
	    o->cert != NULL ? "--cert" : o->key != NULL ? "--key" :
	    o->alpn != NULL ? "--alpn" : set->tls_check.min_days >= 0 ?
	    "--min-days" : NULL;

	if (!set->tls) {
		if (without != NULL)
			cli_needs(without, "--tls");
		return;
	}
	if (!tls_available())
		cli_usage("--tls: this build has no TLS library");
	/* sending over TLS rides on the copy engine, which has no TLS yet */
	if (!set->check)
		cli_needs("--tls", "-z");
	if (o->key != NULL && o->cert == NULL)
		cli_needs("--key", "--cert");
	if (o->insecure && o->ca != NULL)
		cli_exclusive("--insecure", "--ca");
	/* a path has no name to check: never skip the check silently */
	if (set->unix_path && set->tls_check.servername == NULL &&
	    !o->insecure)
		cli_needs("-U with --tls", "--servername (or --insecure)");
}

/* HOST PORT; a PORT of several ports only with -z. */
static void
parse_spec(struct target_spec *spec, const char *host, const char *port,
    bool check)
{
	spec->host = host;
	spec->un.dirfd = -1;
	port_list_operand(port, "tcp", &spec->ports);
	if (!check && spec->ports.ports != 1)
		cli_usage("port %s: a list or range needs -z", port);
}

static void
parse_unix_spec(struct target_spec *spec, const char *path)
{
	spec->path = path;
	/* a directory that is not there yet fails as a connect, or waits */
	sockopts_unix_address(path, &spec->un, true);
}

int
main(int argc, char *argv[])
{
	struct settings set = {
		.dial = { .retry = false },
		.newline = true,
		.tls_check = { .min_days = -1 },
	};
	unsigned char alpn[1024];
	struct tls_error tls_err;
	struct sockopts o = SOCKOPTS_INIT;
	struct target_spec *specs;
	const char *errstr;
	char *data = NULL;
	size_t n, i, len = 0;
	int ch, status, per;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46b:jnrt:UvxzhV", longopts,
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
		case OPT_ANY:
			set.any = true;
			break;
		case OPT_TLS:
			set.tls = true;
			break;
		case OPT_INSECURE:
			set.tls_opts.insecure = true;
			break;
		case OPT_CA:
			set.tls_opts.ca = optarg;
			break;
		case OPT_SERVERNAME:
			set.tls_check.servername = optarg;
			break;
		case OPT_CERT:
			set.tls_opts.cert = optarg;
			break;
		case OPT_KEY:
			set.tls_opts.key = optarg;
			break;
		case OPT_ALPN:
			if (tls_alpn_wire(optarg, alpn, sizeof(alpn),
			    &errstr) == -1)
				cli_bad_value("alpn", optarg, errstr);
			set.tls_opts.alpn = optarg;
			break;
		case OPT_MIN_DAYS:
			if (parse_number(optarg, 0, MIN_DAYS_MAX,
			    &set.tls_check.min_days, &errstr) == -1)
				cli_bad_value("min-days", optarg, errstr);
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
	    CONNECT_TIMEOUT_DEFAULT_MS;
	set.idle_ms = o.timeout_ms;
	set.verbose = o.verbose;
	set.unix_path = o.unix_path;
	if (set.unix_path)
		sockopts_unix(&o);
	per = set.unix_path ? 1 : 2;
	cli_operands(argc, per, CLI_ANY_NUMBER, set.unix_path ? "PATH" :
	    "HOST PORT");
	if (set.json && !set.check)
		cli_needs("-j", "-z");
	if (set.any && !set.check)
		cli_needs("--any", "-z");
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

	/* -z: a connection only says the port is open; --wait --any: one */
	set.dial.check_only = set.check;
	set.dial.until_one = set.any && set.dial.retry;

	check_tls_options(&set);
	if (set.tls && (set.tls_check.client = tls_client_new(&set.tls_opts,
	    &tls_err)) == NULL)
		errx(tls_exit_status(tls_err.class), "%s", tls_err.message);

	n = set.check ? (size_t)argc / per : 1;
	if ((specs = calloc(n, sizeof(*specs))) == NULL)
		err(EX_OSERR, "targets");
	for (i = 0; i < n; i++)
		if (set.unix_path)
			parse_unix_spec(&specs[i], argv[i]);
		else
			parse_spec(&specs[i], argv[2 * i], argv[2 * i + 1],
			    set.check);

	if (set.check)
		status = check(specs, n, &set);
	else {
		if (argc > per && (data = join_words(argv + per, argc - per,
		    set.newline, &len)) == NULL)
			err(EX_OSERR, "data");
		status = send_to(&specs[0], data, len, &set);
		free(data);
	}
	for (i = 0; i < n; i++) {
		unix_address_close(&specs[i].un);
		port_list_free(&specs[i].ports);
	}
	free(specs);
	tls_client_free(set.tls_check.client);
	return cli_finish(status);
}
