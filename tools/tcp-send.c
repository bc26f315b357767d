/* tcp-send: connect to a TCP port and send data, or check that it is open. */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "check.h"
#include "cli.h"
#include "exitcode.h"
#include "expect.h"
#include "input.h"
#include "io.h"
#include "parse.h"
#include "probe.h"
#include "relay.h"
#include "report.h"
#include "sockclose.h"
#include "sockopts.h"
#include "target.h"
#include "targetspec.h"
#include "tls.h"
#include "tlscheck.h"
#include "tlsreport.h"
#include "unix.h"

/* --min-days: a hundred years */
#define MIN_DAYS_MAX		36500

/* --expect: stdin is read whole first, to be sent again on each try. */
#define EXPECT_STDIN_MAX	((size_t)1024 * 1024)

static const struct cli_text text = {
	"tcp-send [-46CnrUvxz] [-b ADDR] [-t SEC] [--wait SEC] [-j] [--any] "
	    "[--closed] [--expect REGEX] [--max-bytes N] [--raw] "
	    "[--tls] [--insecure] [--ca FILE|DIR] [--servername NAME] "
	    "[--cert FILE] [--key FILE] [--alpn LIST] [--min-days DAYS] "
	    "{HOST PORT | HOST:PORT | PATH} [DATA ...]",
	"Connect to HOST PORT (or the Unix stream socket PATH) and send DATA, or\n"
	"standard input, then shut down the write side (connect, send, sendall);\n"
	"-z checks that targets (HOST PORT, HOST:PORT, [ADDR]:PORT or, with -U,\n"
	"PATH; - reads them from stdin) accept connections, each PORT then a list\n"
	"of ports and ranges (80,https,8000-8010).",
	"  -4, --ipv4        IPv4 addresses only\n"
	"  -6, --ipv6        IPv6 addresses only; with -4, both, in the resolver's order\n"
	"  -b, --bind ADDR   connect from the local address ADDR\n"
	"  -C, --crlf        send each newline of DATA or stdin as CRLF\n"
	"  -j, --json        with -z, one JSON object per target\n"
	"  -n, --no-newline  do not end DATA with a newline\n"
	"  -r, --read        then print what the peer sends until it closes\n"
	"  -t, --timeout SEC give up connecting (10 s), on idle I/O (never) or, with\n"
	"                    --expect, on the reply (10 s); inf: never\n"
	"  -U, --unix        connect to the Unix socket PATH (@NAME: abstract)\n"
	"  -v, --verbose     report the connection on stderr\n"
	"  -x, --escape      with -r, escape unprintable bytes, also to a pipe or file\n"
	"  -z, --check       only check that each target accepts a connection\n"
	"      --any         with -z, succeed if any target is open (--wait: once one is)\n"
	"      --closed      with -z, succeed if no target accepts (--wait: once none does)\n"
	"      --expect REGEX succeed once a line of the reply matches REGEX (ERE)\n"
	"      --max-bytes N with --expect, read at most N bytes of reply (65536)\n"
	"      --raw         with -r, do not escape unprintable bytes on a terminal\n"
	"      --wait SEC    retry refused, unreachable or timed-out connections, and\n"
	"                    replies that do not match; inf: for ever\n"
	"      --tls         speak TLS, the certificate verified (with -z: check it)\n"
	"      --insecure    with --tls, verify nothing\n"
	"      --ca FILE|DIR trust these CAs (default: SSL_CERT_FILE, SSL_CERT_DIR, the system's)\n"
	"      --servername NAME  the name sent (SNI) and verified (default: HOST)\n"
	"      --cert FILE   a client certificate (and its chain) for mutual TLS\n"
	"      --key FILE    its private key (default: in --cert's FILE)\n"
	"      --alpn LIST   offer these protocols (h2,http/1.1)\n"
	"      --min-days DAYS  the certificate must stay valid DAYS more days\n",
};

enum {
	OPT_WAIT = SOCKOPT_OWN, OPT_ANY, OPT_CLOSED, OPT_EXPECT, OPT_MAX_BYTES,
	OPT_INSECURE, OPT_SERVERNAME, OPT_MIN_DAYS
};

static const struct cli_option longopts[] = {
	SOCKOPT_ROWS,
	SOCKOPT_SENDER_ROWS,
	{ "json", no_argument, 'j' },
	{ "check", no_argument, 'z' },
	{ "wait", required_argument, OPT_WAIT },
	{ "any", no_argument, OPT_ANY },
	{ "closed", no_argument, OPT_CLOSED },
	{ "expect", required_argument, OPT_EXPECT },
	{ "max-bytes", required_argument, OPT_MAX_BYTES },
	SOCKOPT_TLS_ROWS,
	{ "insecure", no_argument, OPT_INSECURE },
	{ "servername", required_argument, OPT_SERVERNAME },
	{ "min-days", required_argument, OPT_MIN_DAYS },
	CLI_COMMON_OPTIONS
};

struct settings {
	struct check_options	 check;		/* family, dial, -v, -j, ... */
	struct sockaddr_storage	 source;
	long long		 idle_ms;	/* NO_LIMIT: none */
	bool			 newline;
	bool			 crlf;
	bool			 read_reply;
	enum escape_mode	 escape;	/* the reply */
	bool			 checking;	/* -z */
	const char		*expect;	/* --expect REGEX, or NULL */
	bool			 tls;
	struct tls_client_options tls_opts;
	struct tls_check_options tls_check;
};

/* Prints the reply of p: through the matching line, or all there is. */
static int
print_reply(const struct probe *p, const struct settings *set)
{
	size_t len = p->status == EX_OK ? p->x.through : p->x.received;

	if (write_received(STDOUT_FILENO, p->x.buf, len, set->escape) == -1)
		return cli_stdout_error();
	return EX_OK;
}

/* --expect: sends data to spec, until the reply matches or the wait ends. */
static int
ask(const struct target_spec *spec, const char *data, size_t len,
    const struct settings *set)
{
	const struct check_options *o = &set->check;
	struct probe p = { .spec = spec, .family = o->family,
	    .dial = &o->dial, .began = now_ms(), .data = data,
	    .datalen = len, .re = o->re, .max_bytes = o->max_bytes,
	    .reply_ms = o->reply_ms, .tls = o->tls };
	int status;

	if ((status = probe_run(&p)) != EX_OK)
		(void)probe_warn(&p);
	else if (o->verbose)
		probe_report_connected(&p);
	if (set->read_reply && p.t.open)
		status = ex_first(status, print_reply(&p, set));
	probe_free(&p);
	return status;
}

/* The end of a send: the peer has it all (or it is cut short: reset). */
static int
close_stream(struct stream *sock, const struct relay *r, int status,
    const struct settings *set, const char *name)
{
	int fd = sock->fd;

	if (r->failed == RELAY_READ_IN)
		sock->ops->close(sock, true);	/* not an end: stdin failed */
	else if (status != EX_OK || set->read_reply)
		sock->ops->close(sock, false);
	else {
		/* a session's close_notify went with the data: the socket left */
		tls_free(sock->impl);
		if (close_sent(fd, set->idle_ms) == -1) {
			/* sent, but the peer may never have had it */
			warn("send %s: not acknowledged", name);
			return ex_errno(errno, EX_IOERR);
		}
	}
	return status;
}

/* Sends data (or stdin with data NULL) to spec, then maybe reads the reply. */
static int
send_to(const struct target_spec *spec, const char *data, size_t len,
    const struct settings *set)
{
	struct probe p = { .spec = spec, .family = set->check.family,
	    .dial = &set->check.dial, .began = now_ms(),
	    .tls = set->tls ? &set->tls_check : NULL };
	struct relay r = { 0 };
	struct stream sock;
	struct target *t = &p.t;
	int status = EX_OK;

	if (probe_connect(&p) == -1)
		err(EX_OSERR, "target");
	if (t->fd == -1) {
		status = probe_connect_status(&p);
		if (t->open)
			(void)tls_warn(t->name, &p.tls_info.err);
		else
			target_warn(t, &set->check.dial);
		goto out;
	}
	if (set->check.verbose)
		probe_report_connected(&p);
	if (p.conn != NULL) {
		tls_stream(&sock, p.conn, t->fd);
		p.conn = NULL;		/* sock's now */
	} else
		stream_socket(&sock, t->fd);
	r.sock = &sock;
	r.in = data == NULL ? STDIN_FILENO : -1;
	r.data = data;
	r.datalen = len;
	r.out = set->read_reply ? STDOUT_FILENO : -1;
	r.escape = set->escape;
	r.crlf = set->crlf;
	r.idle_ms = set->idle_ms;
	r.max_recv = RELAY_UNLIMITED;
	if (relay_run(&r) == -1)
		status = relay_warn(&r, t->name);
	status = close_stream(&sock, &r, status, set, t->name);
out:
	probe_free(&p);
	return status;
}

/*
 * The target at argv (one or two words) into spec; lists of ports only
 * with -z.  Returns the words used; malformed ones exit 64.
 */
static int
parse_target(struct target_spec *spec, char *const argv[], int argc,
    bool checking)
{
	struct target_spec_error e;
	char why[TARGET_SPEC_ERROR_MAX];
	int used;

	used = target_spec_words(spec, argv[0], argc > 1 ? argv[1] : NULL,
	    "tcp", checking ? NULL : "a list or range needs -z", &e);
	if (used == -1 && errno == ENOMEM)
		err(EX_OSERR, "targets");
	if (used == -1)
		cli_usage("%s", target_spec_error(&e, why));
	if (used == 0)
		cli_usage(checking ? "no PORT given for %s" : "no PORT given",
		    argv[0]);
	return used;
}

static void
parse_unix_target(struct target_spec *spec, const char *path)
{
	spec->path = path;
	/* a directory that is not there yet fails as a connect, or waits */
	sockopts_unix_address(path, &spec->un, true);
}

/* -z: the targets of argv, all read before any is tried; or stdin's. */
static int
check(char *const argv[], int argc, const struct settings *set)
{
	struct target_spec *specs;
	struct check c;
	size_t n = 0, i;
	int k;

	check_begin(&c, &set->check);
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		check_stdin(&c);
		return check_end(&c);
	}
	if ((specs = calloc((size_t)argc, sizeof(*specs))) == NULL)
		err(EX_OSERR, "targets");
	for (k = 0; k < argc; n++)
		if (set->check.unix_path)
			parse_unix_target(&specs[n], argv[k++]);
		else
			k += parse_target(&specs[n], argv + k, argc - k, true);
	check_targets(&c, specs, n);
	for (i = 0; i < n; i++) {
		unix_address_close(&specs[i].un);
		target_spec_free(&specs[i]);
	}
	free(specs);
	return check_end(&c);
}

/*
 * The payload: DATA joined (with its newline unless -n), or with
 * --expect stdin read whole; with -C, its newlines as CRLF.  NULL for
 * stdin as it comes.
 */
static char *
payload(char *const words[], int n, const struct settings *set,
    size_t *len)
{
	char *data = NULL, *crlf;
	bool full, after_cr = false;
	ssize_t got;

	if (n > 0 && (data = join_words(words, n, set->newline, len)) == NULL)
		err(EX_OSERR, "data");
	if (n == 0 && set->expect != NULL) {
		if ((data = malloc(EXPECT_STDIN_MAX)) == NULL)
			err(EX_OSERR, "data");
		if ((got = read_upto(STDIN_FILENO, data, EXPECT_STDIN_MAX,
		    &full)) == -1)
			err(EX_IOERR, "read error: stdin");
		if (full)
			errx(EX_DATAERR, "stdin: over %zu bytes, the most "
			    "--expect sends", EXPECT_STDIN_MAX);
		*len = (size_t)got;
	}
	if (data == NULL || !set->crlf)
		return data;
	if ((crlf = reallocarray(NULL, *len ? *len : 1, 2)) == NULL)
		err(EX_OSERR, "data");
	*len = crlf_expand(data, *len, crlf, &after_cr);
	free(data);
	return crlf;
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
	if (o->key != NULL && o->cert == NULL)
		cli_needs("--key", "--cert");
	if (o->insecure && o->ca != NULL)
		cli_exclusive("--insecure", "--ca");
	/* a path has no name to check: never skip the check silently */
	if (set->check.unix_path && set->tls_check.servername == NULL &&
	    !o->insecure)
		cli_needs("-U with --tls", "--servername (or --insecure)");
}

/* The options' checks that need them all, and what they come to. */
static void
settle(struct settings *set, struct sockopts *o, int argc)
{
	struct check_options *c = &set->check;

	c->family = sockopts_family(o);
	/* -t bounds both; connecting alone has a bound without it */
	c->dial.timeout_ms = o->timeout != NULL ? o->timeout_ms :
	    CONNECT_TIMEOUT_DEFAULT_MS;
	c->reply_ms = c->dial.timeout_ms;
	set->idle_ms = o->timeout_ms;
	c->verbose = o->verbose;
	c->unix_path = o->unix_path;
	if (c->unix_path)
		sockopts_unix(o);
	/* HOST:PORT is one operand: a lone HOST is told its PORT is missing */
	cli_operands(argc, argc == 0 && !c->unix_path ? 2 : 1, CLI_ANY_NUMBER,
	    c->unix_path ? "PATH" : "HOST PORT");
	if (c->json && !set->checking)
		cli_needs("-j", "-z");
	if (c->any && !set->checking)
		cli_needs("--any", "-z");
	if (c->closed && !set->checking)
		cli_needs("--closed", "-z");
	if (c->closed && (c->any || set->expect != NULL))
		cli_exclusive("--closed", c->any ? "--any" : "--expect");
	if (c->max_bytes != 0 && set->expect == NULL)
		cli_needs("--max-bytes", "--expect");
	/* -z sends nothing */
	if (set->checking && (set->read_reply || !set->newline || set->crlf))
		cli_exclusive("-z", set->read_reply ? "-r" :
		    set->crlf ? "-C" : "-n");
	set->escape = sockopts_escape_reply(o, set->read_reply);
	if (set->expect != NULL) {
		c->re = sockopts_expect(set->expect);
		if (c->max_bytes == 0)
			c->max_bytes = EXPECT_MAX_BYTES_DEFAULT;
	}
	if (o->bind != NULL) {
		sockopts_bind_address(o, c->family, 0, "source", &set->source);
		/* the source decides the family of the addresses tried */
		c->family = set->source.ss_family;
		c->dial.source = (struct sockaddr *)&set->source;
	}
	/* -z: a connection only says the port is open; --wait --any: one */
	c->dial.check_only = set->checking && set->expect == NULL;
	c->dial.until_one = c->any && c->dial.retry && set->expect == NULL;
	set->tls = o->tls;
	set->tls_opts.ca = o->ca;
	set->tls_opts.cert = o->cert;
	set->tls_opts.key = o->key;
	set->tls_opts.alpn = o->alpn;
	check_tls_options(set);
}

int
main(int argc, char *argv[])
{
	struct settings set = {
		.newline = true,
		.tls_check = { .min_days = -1 },
	};
	struct tls_error tls_err;
	struct sockopts o = SOCKOPTS_INIT;
	struct target_spec spec = { .un.dirfd = -1 };
	const char *errstr;
	long long n;
	char *data;
	size_t len = 0;
	int ch, status, used;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46b:Cjnrt:UvxzhV", longopts)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'C':
			set.crlf = true;
			break;
		case 'j':
			set.check.json = true;
			break;
		case 'n':
			set.newline = false;
			break;
		case 'r':
			set.read_reply = true;
			break;
		case 'z':
			set.checking = true;
			break;
		case OPT_ANY:
			set.check.any = true;
			break;
		case OPT_CLOSED:
			set.check.closed = true;
			break;
		case OPT_EXPECT:
			set.expect = optarg;
			break;
		case OPT_MAX_BYTES:
			if (parse_number(optarg, 1, (long long)EXPECT_MAX_BYTES_MAX, &n,
			    &errstr) == -1)
				cli_bad_value("max-bytes", optarg,
				    strcmp(errstr, "too large") == 0 ?
				    "too large (at most 16777216)" : errstr);
			set.check.max_bytes = (size_t)n;
			break;
		case OPT_INSECURE:
			set.tls_opts.insecure = true;
			break;
		case OPT_SERVERNAME:
			set.tls_check.servername = optarg;
			break;
		case OPT_MIN_DAYS:
			if (parse_number(optarg, 0, MIN_DAYS_MAX,
			    &set.tls_check.min_days, &errstr) == -1)
				cli_bad_value("min-days", optarg, errstr);
			break;
		case OPT_WAIT:
			if (parse_duration(optarg, 0,
			    &set.check.dial.wait_ms, &errstr) == -1)
				cli_bad_value("wait", optarg, errstr);
			/* --wait 0: one try */
			set.check.dial.retry = set.check.dial.wait_ms > 0;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	settle(&set, &o, argc);
	if (set.tls) {
		if ((set.tls_check.client = tls_client_new(&set.tls_opts,
		    &tls_err)) == NULL)
			errx(tls_exit_status(tls_err.class), "%s",
			    tls_err.message);
		set.check.tls = &set.tls_check;
	}

	if (set.checking)
		status = check(argv, argc, &set);
	else {
		if (set.check.unix_path) {
			parse_unix_target(&spec, argv[0]);
			used = 1;
		} else
			used = parse_target(&spec, argv, argc, false);
		if (!set.newline && argc == used)
			cli_needs("-n", "DATA");
		data = payload(argv + used, argc - used, &set, &len);
		status = set.expect != NULL ? ask(&spec, data, len, &set) :
		    send_to(&spec, data, len, &set);
		free(data);
		unix_address_close(&spec.un);
		target_spec_free(&spec);
	}
	ere_free(set.check.re);
	tls_client_free(set.tls_check.client);
	return cli_finish(status);
}
