/* udp-send: send datagrams (sendto), and wait for a reply if asked. */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "cli.h"
#include "datagram.h"
#include "dgramopen.h"
#include "exitcode.h"
#include "expect.h"
#include "input.h"
#include "io.h"
#include "parse.h"
#include "signals.h"
#include "sockopts.h"
#include "targetspec.h"
#include "timing.h"

/* The digits of the largest line number (a 64-bit size_t) */
#define LINENO_DIGITS_MAX	20

/* The wait for a reply without -t, in seconds (the help says it) */
#define REPLY_TIMEOUT_S		5

static const struct cli_text text = {
	"udp-send [-46ClnrUvx] [-b ADDR] [-t SEC] [--broadcast] [--expect REGEX] "
	    "[--raw] {HOST PORT | HOST:PORT | PATH} [DATA ...]",
	"Send DATA, or stdin, as one UDP datagram to HOST PORT (or one datagram to\n"
	"the Unix datagram socket PATH).",
	"  -4, --ipv4        IPv4 addresses only\n"
	"  -6, --ipv6        IPv6 addresses only; with -4, both, in the resolver's order\n"
	"  -b, --bind ADDR   send from the local address ADDR\n"
	"  -C, --crlf        send each newline of DATA or stdin as CRLF\n"
	"  -l, --lines       send each line of stdin as a datagram of its own\n"
	"  -n, --no-newline  no newline after DATA; drop it from stdin or lines\n"
	"  -r, --read        wait for a reply to each datagram, write it out\n"
	"  -t, --timeout SEC wait up to SEC seconds for a reply (default "
	    CLI_STRINGIFY(REPLY_TIMEOUT_S) " s; inf: for ever)\n"
	"  -U, --unix        send to the Unix socket PATH (@NAME: abstract)\n"
	"  -v, --verbose     report each datagram sent and received on stderr\n"
	"  -x, --escape      with -r, escape unprintable bytes, also to a pipe or file\n"
	"      --broadcast   allow sending to a broadcast address (SO_BROADCAST)\n"
	"      --expect REGEX with -r, each reply must have a line that matches REGEX\n"
	"      --raw         with -r, do not escape unprintable bytes on a terminal\n",
};

enum { OPT_BROADCAST = SOCKOPT_OWN, OPT_EXPECT };

static const struct cli_option longopts[] = {
	SOCKOPT_ROWS,
	SOCKOPT_SENDER_ROWS,
	{ "lines", no_argument, 'l' },
	{ "broadcast", no_argument, OPT_BROADCAST },
	{ "expect", required_argument, OPT_EXPECT },
	CLI_COMMON_OPTIONS
};

struct settings {
	int		 family;	/* of the address sent to */
	bool		 lines;
	bool		 newline;
	bool		 crlf;
	bool		 broadcast;
	const char	*expect;	/* --expect REGEX, or NULL */
	struct ere	*re;
	bool		 reply;
	enum escape_mode escape;	/* the reply */
	bool		 verbose;
	long long	 timeout_ms;
	char		*peer;		/* endpoint_string of the peer */
};

static struct datagram reply;

static noreturn void
too_long(const char *where, size_t len, bool over, int family)
{
	/* the kernel's limit on a Unix datagram is the send buffer's */
	if (family == AF_UNIX && !over)
		errx(EX_DATAERR, "%s%sdatagram too long: %zu bytes, more than "
		    "the socket's send buffer holds", where,
		    where[0] != '\0' ? ": " : "", len);
	errx(EX_DATAERR,
	    "%s%sdatagram too long: %s%zu bytes, the %s maximum is %zu",
	    where, where[0] != '\0' ? ": " : "", over ? "over " : "", len,
	    family_name(family), dgram_max(family));
}

/* --expect: a reply without a matching line ends the tool with 76. */
static void
expect_reply(const struct settings *set)
{
	const char *bytes = (const char *)reply.buf;
	char line[EXPECT_QUOTE_MAX];
	size_t at, len;

	if (expect_match(set->re, bytes, reply.len, &at, &len))
		return;
	expect_first_line(bytes, reply.len, line);
	errx(EX_PROTOCOL, "reply of %s: no line matched: first line \"%s\"",
	    set->peer, line);
}

/* Waits for one datagram from the peer and copies it to stdout. */
static void
await_reply(int fd, const struct settings *set)
{
	struct deadline dl;
	char from[ENDPOINT_MAX], waited[DURATION_STR_MAX];
	int rc;

	deadline_start(&dl, set->timeout_ms);
	if ((rc = dgram_wait(fd, &dl)) == -1)
		err(EX_OSERR, "poll");
	if (rc == 0)
		errx(EX_TEMPFAIL, "%s: no reply in %s", set->peer,
		    format_duration(set->timeout_ms, waited));
	/* from the read to the write, no stop signal loses it */
	signals_hold();
	if (dgram_recv(fd, &reply) == -1)
		err(ex_errno(errno, EX_OSERR), "%s", set->peer);
	/* connected: a Unix reply comes from the peer, whatever it is bound to */
	if (set->verbose)
		warnx("received %zu bytes from %s", reply.len,
		    set->family == AF_UNIX ? set->peer :
		    sockaddr_endpoint((struct sockaddr *)&reply.from,
		    reply.fromlen, from));
	if (write_received(STDOUT_FILENO, reply.buf, reply.len,
	    set->escape) == -1)
		exit(cli_stdout_error());
	signals_release();
	if (set->expect != NULL)
		expect_reply(set);
}

static void
send_one(int fd, const struct settings *set, const char *where,
    const void *buf, size_t len)
{
	static char crlf[2 * (DGRAM_MAX_UNIX + 2)];
	bool after_cr = false;

	/* each datagram on its own: a CR ending one is no CR before the next */
	if (set->crlf) {
		len = crlf_expand(buf, len, crlf, &after_cr);
		buf = crlf;
	}
	if (len > dgram_max(set->family))
		too_long(where, len, false, set->family);
	if (dgram_send(fd, set->family, buf, len) == -1) {
		if (errno == EMSGSIZE)
			too_long(where, len, false, set->family);
		err(ex_errno(errno, EX_OSERR), "%s", set->peer);
	}
	if (set->verbose)
		warnx("sent %zu bytes to %s", len, set->peer);
	if (set->reply)
		await_reply(fd, set);
}

/* -l: each line a datagram, sent as soon as it is read. */
static void
send_lines(int fd, const struct settings *set)
{
	struct line_reader lr;
	const char *line;
	char where[sizeof("stdin line ") + LINENO_DIGITS_MAX];
	size_t len, lineno = 0, max;
	int rc;

	/* with -n a line may be one byte longer: its newline goes */
	max = dgram_max(set->family) + (set->newline ? 0 : 1);
	if (line_reader_init(&lr, STDIN_FILENO, max) == -1)
		err(EX_OSERR, "line buffer");
	while ((rc = line_reader_next(&lr, &line, &len)) == 1) {
		snprintf(where, sizeof(where), "stdin line %zu", ++lineno);
		if (!set->newline && len > 0 && line[len - 1] == '\n')
			len--;
		send_one(fd, set, where, line, len);
	}
	if (rc == -1)
		err(EX_IOERR, "read error: stdin");
	if (rc == -2) {
		snprintf(where, sizeof(where), "stdin line %zu", ++lineno);
		too_long(where, dgram_max(set->family), true, set->family);
	}
	line_reader_free(&lr);
}

/* All of stdin as one datagram, read before anything is sent. */
static void
send_stdin(int fd, const struct settings *set)
{
	/* the largest datagram, a newline -n drops, and one byte more */
	static char buf[DGRAM_MAX_UNIX + 2];
	ssize_t n;
	size_t len, most;
	bool full;

	/* an IP datagram may be read as IPv6's largest, whatever it goes to */
	most = set->family == AF_UNIX ? DGRAM_MAX_UNIX : DGRAM_MAX_IPV6;
	if ((n = read_upto(STDIN_FILENO, buf, most + 2, &full)) == -1)
		err(EX_IOERR, "read error: stdin");
	len = (size_t)n;
	if (full)
		too_long("stdin", most, true, set->family);
	if (!set->newline && len > 0 && buf[len - 1] == '\n')
		len--;
	send_one(fd, set, "stdin", buf, len);
}

/*
 * The HOST PORT or HOST:PORT of argv into *spec; returns the operands
 * it took.  A malformed one exits 64.
 */
static int
parse_target(struct target_spec *spec, char *const argv[], int argc)
{
	struct target_spec_error e;
	char why[TARGET_SPEC_ERROR_MAX];
	int used;

	used = target_spec_words(spec, argv[0], argc > 1 ? argv[1] : NULL,
	    "udp", "one port only", &e);
	if (used == -1 && errno == ENOMEM)
		err(EX_OSERR, "target");
	if (used == -1)
		cli_usage("%s", target_spec_error(&e, why));
	if (used == 0)
		cli_usage("no PORT given");
	return used;
}

int
main(int argc, char *argv[])
{
	struct settings set = { .newline = true };
	struct sockopts o = SOCKOPTS_INIT;
	struct dgram_target to;
	struct target_spec spec = { .un.dirfd = -1 };
	char *data;
	size_t len;
	int ch, fd, per;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46b:Clnrt:UvxhV", longopts)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'l':
			set.lines = true;
			break;
		case 'n':
			set.newline = false;
			break;
		case 'r':
			set.reply = true;
			break;
		case 'C':
			set.crlf = true;
			break;
		case OPT_BROADCAST:
			set.broadcast = true;
			break;
		case OPT_EXPECT:
			set.expect = optarg;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	/* a path is one operand, HOST:PORT too, HOST PORT two */
	cli_operands(argc, argc == 0 && !o.unix_path ? 2 : 1, CLI_ANY_NUMBER,
	    o.unix_path ? "PATH" : "HOST PORT");
	per = o.unix_path ? 1 : parse_target(&spec, argv, argc);
	/* -l reads lines from stdin */
	if (set.lines && argc > per)
		cli_exclusive("-l", "DATA");
	/* -t is the wait for a reply */
	if (o.timeout != NULL && !set.reply)
		cli_needs("-t", "-r");
	set.escape = sockopts_escape_reply(&o, set.reply);
	if (set.expect != NULL && !set.reply)
		cli_needs("--expect", "-r");
	if (set.broadcast && o.unix_path)
		cli_exclusive("-U", "--broadcast");
	if (set.expect != NULL)
		set.re = sockopts_expect(set.expect);
	set.timeout_ms = o.timeout != NULL ? o.timeout_ms :
	    REPLY_TIMEOUT_S * 1000LL;
	set.verbose = o.verbose;

	if (o.unix_path)
		fd = dgram_open_unix(argv[0], &o, set.reply, &to);
	else
		fd = dgram_open_ip(spec.host, spec.ports.ranges[0].lo, &o,
		    set.broadcast, &to);
	set.family = to.family;
	set.peer = to.peer;

	if (argc > per) {
		if ((data = join_words(argv + per, argc - per, set.newline,
		    &len)) == NULL)
			err(EX_OSERR, "DATA");
		send_one(fd, &set, "", data, len);
		free(data);
	} else if (set.lines)
		send_lines(fd, &set);
	else
		send_stdin(fd, &set);
	close(fd);
	free(set.peer);
	target_spec_free(&spec);
	ere_free(set.re);
	return cli_finish(EX_OK);
}
