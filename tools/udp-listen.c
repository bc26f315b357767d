/* udp-listen: receive datagrams (recvfrom) and write them to stdout. */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "address.h"
#include "cli.h"
#include "datagram.h"
#include "encode.h"
#include "exitcode.h"
#include "io.h"
#include "json.h"
#include "listen.h"
#include "parse.h"
#include "peercred.h"
#include "report.h"
#include "signals.h"
#include "listener.h"
#include "sockopts.h"
#include "timing.h"

static const struct cli_text text = {
	"udp-listen [-46jkUvx] [-b ADDR] [-c COUNT] [-t SEC] [--mode MODE] "
	    "[--reply DATA | --echo] [--port-file FILE] [--raw] {PORT | PATH}",
	"Receive UDP datagrams on PORT (0: a free one), or datagrams at the Unix\n"
	"datagram socket PATH, and write them to stdout.",
	"  -4, --ipv4        listen on 127.0.0.1 (the default)\n"
	"  -6, --ipv6        listen on ::1; with -4, on both (-b: ADDR's family)\n"
	"  -b, --bind ADDR   listen on ADDR (0.0.0.0 or :: for every address)\n"
	"  -c, --count COUNT exit after COUNT datagrams (default 1)\n"
	"  -j, --json        one JSON object per datagram: sender, length, data\n"
	"  -k, --keep-open   receive datagrams until killed\n"
	"  -t, --timeout SEC fail when SEC seconds pass without a datagram\n"
	"  -U, --unix        receive at the Unix socket PATH (@NAME: abstract)\n"
	"  -v, --verbose     report the address and each sender on stderr\n"
	"  -x, --escape      escape unprintable bytes, into pipes and files too\n"
	"      --mode MODE   with -U, the socket file's permissions (octal: 0660)\n"
	"      --raw         never escape, not even on a terminal\n"
	"      --echo        answer each datagram with its own bytes\n"
	"      --reply DATA  answer each datagram with DATA\n"
	"      --port-file FILE  write the port to FILE once listening\n",
};

enum { OPT_ECHO = SOCKOPT_OWN };

static const struct cli_option longopts[] = {
	SOCKOPT_ROWS,
	SOCKOPT_LISTENER_ROWS,
	{ "echo", no_argument, OPT_ECHO },
	CLI_COMMON_OPTIONS
};

struct settings {
	long long	 count;		/* 0: until killed */
	long long	 timeout_ms;	/* NO_LIMIT: none */
	char		*reply;		/* C escapes undone */
	size_t		 replylen;
	bool		 echo;		/* answer with the datagram itself */
	bool		 json;
	enum escape_mode escape;
	bool		 verbose;
};

static struct datagram dgram;

static void
print_json(const struct datagram *d)
{
	putchar('{');
	json_sockaddr(stdout, (const struct sockaddr *)&d->from, d->fromlen, 1);
	json_key(stdout, "length", 0);
	printf("%zu", d->len);
	if (utf8_valid(d->buf, d->len)) {
		json_key(stdout, "data", 0);
		json_bytes(stdout, d->buf, d->len);
	} else {
		json_key(stdout, "base64", 0);
		json_base64(stdout, d->buf, d->len);
	}
	puts("}");
	cli_flush();
}

static void
output(const struct datagram *d, const struct settings *set)
{
	if (set->json) {
		print_json(d);
		return;
	}
	if (write_received(STDOUT_FILENO, d->buf, d->len, set->escape) == -1)
		exit(cli_stdout_error());
}

/*
 * Answers the sender of dgram with --reply's DATA or, with --echo, its
 * own bytes; a sender that is gone ends nothing.
 */
static void
reply(int fd, const struct settings *set, const char *peer)
{
	const void *buf = set->echo ? (const void *)dgram.buf : set->reply;
	size_t len = set->echo ? dgram.len : set->replylen;

	if (dgram_reply(fd, &dgram, buf, len) == -1)
		warn("reply to %s", peer);
	else if (set->verbose)
		warnx("sent %zu bytes to %s", len, peer);
}

/* The endpoint of ls's socket fd in local, for messages. */
static const char *
local_of(const struct listen_set *ls, int fd, const char *const local[])
{
	size_t i;

	for (i = 1; i < ls->n && i < LISTEN_SET_MAX; i++)
		if (ls->fd[i] == fd)
			return local[i];
	return local[0];
}

/* Fails with 75: no datagram came to any socket of ls in time. */
static void
none_came(const struct listen_set *ls, const struct settings *set,
    const char *const local[])
{
	char waited[DURATION_STR_MAX];

	format_duration(set->timeout_ms, waited);
	if (ls->n > 1)
		errx(EX_TEMPFAIL, "%s and %s: no datagram in %s", local[0],
		    local[1], waited);
	errx(EX_TEMPFAIL, "%s: no datagram in %s", local[0], waited);
}

/* Receives datagrams until the count is reached; returns the status. */
static int
serve(struct listen_set *ls, const struct settings *set,
    const char *const local[])
{
	const struct sockaddr *from = (const struct sockaddr *)&dgram.from;
	struct deadline dl;
	char peer[ENDPOINT_MAX], cred[PEER_CRED_MAX];
	long long n = 0;
	int fd;

	deadline_start(&dl, set->timeout_ms);
	while (set->count == 0 || n < set->count) {
		if ((fd = listen_set_wait(ls, &dl)) == -1 && errno == ETIMEDOUT)
			none_came(ls, set, local);
		if (fd == -1)
			err(EX_OSERR, "poll");
		/* from the read to the write, no stop signal loses it */
		signals_hold();
		if (dgram_recv(fd, &dgram) == -1) {
			/* an ICMP error about an earlier reply, not news */
			if (errno == ECONNREFUSED) {
				signals_release();
				continue;
			}
			err(ex_errno(errno, EX_OSERR), "%s",
			    local_of(ls, fd, local));
		}
		n++;
		deadline_start(&dl, set->timeout_ms);
		sockaddr_endpoint(from, dgram.fromlen, peer);
		if (set->verbose)
			warnx("received %zu bytes from %s%s", dgram.len, peer,
			    dgram.has_cred ? credentials_text(dgram.cred.pid,
			    dgram.cred.uid, dgram.cred.gid, cred,
			    sizeof(cred)) : "");
		output(&dgram, set);
		signals_release();
		/* a sender without an address cannot be answered */
		if ((set->reply != NULL || set->echo) &&
		    dgram_sender_named(&dgram))
			reply(fd, set, peer);
	}
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	struct settings set = { 0 };
	struct sockopts o = SOCKOPTS_INIT;
	struct listener l;
	struct listen_set ls;
	char where[LISTEN_SET_MAX][ENDPOINT_MAX];
	const char *local[LISTEN_SET_MAX];
	size_t i;
	int ch, status;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46b:c:jkt:UvxhV", longopts)) != -1) {
		if (sockopts_take(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'j':
			set.json = true;
			break;
		case OPT_ECHO:
			set.echo = true;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, 1, o.unix_path ? "PATH" : "PORT");
	listener_setup(&o, o.unix_path ? NULL : argv[0], "udp", &l);
	if (set.echo && o.reply != NULL)
		cli_exclusive("--echo", "--reply");
	set.escape = l.escape;
	set.reply = l.reply;
	set.replylen = l.replylen;
	/* one datagram by default; -k -c N stops after N, as tcp-listen does */
	set.count = o.count != 0 ? o.count : o.keep ? 0 : 1;
	set.timeout_ms = o.timeout_ms;
	set.verbose = o.verbose;

	for (i = 0; i < LISTEN_SET_MAX; i++)
		local[i] = where[i];
	if (o.unix_path) {
		listen_set_one(&ls, unix_listener_open(argv[0], SOCK_DGRAM,
		    &o));
		/* -v names each sender, even one without an address */
		if (set.verbose && dgram_want_local(ls.fd[0], AF_UNIX) == -1)
			err(EX_OSERR, "setsockopt");
		local[0] = argv[0];
	} else {
		listener_open(&l, SOCK_DGRAM, &ls);
		for (i = 0; i < ls.n; i++)
			if (dgram_want_local(ls.fd[i], l.addr[i].ss_family) == -1)
				err(EX_OSERR, "setsockopt");
		listener_announce(&ls, &o, where);
	}
	status = serve(&ls, &set, local);
	free(set.reply);
	return cli_finish(status);
}
