/* tcp-listen: accept TCP connections and print what they send. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
#include "listener.h"
#include "sockopts.h"
#include "targetspec.h"
#include "timing.h"
#include "tls.h"
#include "unix.h"

static const struct cli_text text = {
	"tcp-listen [-46jkUvx] [-b ADDR] [-c COUNT] [-t SEC] [--max-bytes N] "
	    "[--max-conns N] [--mode MODE] [--reply DATA] [--port-file FILE] "
	    "[--raw] [--forward TARGET | --reply-file FILE] "
	    "[--tls] [--cert FILE] [--key FILE] [--ca FILE|DIR] [--alpn LIST] "
	    "{PORT | PATH}",
	"Listen on PORT of 127.0.0.1 (or ADDR, or the Unix stream socket PATH), accept\n"
	"a connection and write what it sends to stdout until it closes (socket, bind,\n"
	"listen, accept, recv); with -k, serve every connection at once, writing whole\n"
	"lines while several are open; with --forward, relay each connection both ways\n"
	"to TARGET (HOST:PORT, [ADDR]:PORT, or a Unix socket: a PATH with a /, @NAME);\n"
	"with --tls, speak TLS to each connection (the server's side) first.",
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
	"      --forward TARGET\n"
	"                    relay each connection to a new connection to TARGET\n"
	"      --max-bytes N read at most N bytes from a connection, then close it\n"
	"      --max-conns N serve at most N connections at once (default 100)\n"
	"      --mode MODE   with -U, the socket file's permissions (octal: 0660)\n"
	"      --reply DATA  send DATA (C escapes such as \\r\\n) to each connection\n"
	"      --reply-file FILE\n"
	"                    send the contents of FILE to each connection\n"
	"      --port-file FILE\n"
	"                    write the port to FILE once listening\n"
	"      --raw         do not escape unprintable bytes on a terminal\n"
	"      --tls         serve TLS: each connection's handshake first, within -t (10 s)\n"
	"      --cert FILE   with --tls, the certificate chain (PEM, the leaf first)\n"
	"      --key FILE    its private key (default: in --cert's FILE)\n"
	"      --ca FILE|DIR require client certificates these CAs issued (mutual TLS)\n"
	"      --alpn LIST   accept these protocols (h2,http/1.1): the first the client\n"
	"                    offers is chosen; a client that offers none of them fails\n",
};

enum { OPT_MAX_BYTES = SOCKOPT_OWN, OPT_MAX_CONNS, OPT_FORWARD,
    OPT_REPLY_FILE };

static const struct cli_option longopts[] = {
	SOCKOPT_ROWS,
	SOCKOPT_LISTENER_ROWS,
	{ "forward", required_argument, OPT_FORWARD },
	{ "max-bytes", required_argument, OPT_MAX_BYTES },
	{ "max-conns", required_argument, OPT_MAX_CONNS },
	{ "reply-file", required_argument, OPT_REPLY_FILE },
	SOCKOPT_TLS_ROWS,
	CLI_COMMON_OPTIONS
};

struct settings {
	long long	 idle_ms;	/* NO_LIMIT: wait for ever */
	long long	 max_bytes;	/* RELAY_UNLIMITED: no limit */
	long long	 count;		/* 0: no limit */
	long long	 max_conns;
	bool		 keep;
	bool		 json;
	bool		 verbose;
	enum escape_mode escape;
	char		*reply;		/* NULL: none */
	size_t		 replylen;
	const char	*reply_file;	/* --reply-file FILE, or NULL */
	int		 reply_fd;	/* its descriptor (replylen its size), or -1 */
	const char	*forward;	/* --forward TARGET as given, or NULL */
	struct target_spec target;	/* its endpoint */
	long long	 connect_ms;	/* the bound of each dial, handshake */
	bool		 tls;
	struct tls_server_options tls_opts;
	struct tls_server *tls_server;
};

/* One connection from addr, as relay.h moves bytes; its status. */
static int
serve(int fd, const struct sockaddr_storage *addr, const struct settings *set)
{
	struct relay r = { 0 };
	struct stream sock;
	struct peer peer;
	int status;

	peer_set(&peer, fd, addr, sizeof(*addr), PEER_UNNUMBERED);
	connlog_open(NULL, set->verbose, &peer);
	stream_socket(&sock, fd);
	r.sock = &sock;
	r.in = -1;
	r.data = set->reply;
	r.datalen = set->replylen;
	r.out = STDOUT_FILENO;
	r.idle_ms = set->idle_ms;
	r.max_recv = set->max_bytes;
	r.escape = set->escape;
	status = relay_run(&r) == 0 ? EX_OK : relay_warn(&r, peer.name);
	connlog_close(NULL, set->verbose, &peer, r.received, r.sent, NULL);
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
		.reply_fd = set->reply_fd,
		.json = set->json,
		.escape = set->escape,
		.verbose = set->verbose,
		.forward = set->forward != NULL ? &set->target : NULL,
		.dial = { .timeout_ms = set->connect_ms },
		.tls = set->tls_server,
	};

	return server_run(&sv);
}

/*
 * HOST of --forward, looked up once, now, within the dial's bound: a
 * lookup in the server's loop would hold every connection up.  A
 * failure exits with the lookup's status, as tcp-send's.
 */
static void
forward_resolve(struct settings *set)
{
	struct dial_options d = { .timeout_ms = set->connect_ms };
	struct target t;
	int status;

	if ((status = target_spec_resolve(&set->target, AF_UNSPEC, &d,
	    &t)) == 0)
		return;
	target_warn(&t, &d);
	exit(cli_finish(status));
}

/*
 * --forward TARGET: a Unix socket (a PATH with a '/', or @NAME), or
 * HOST:PORT and [ADDR]:PORT (targetspec.h), one port (a number or a
 * service); what makes no sense with it exits 64.
 */
static void
forward_setup(struct settings *set, const struct sockopts *o)
{
	const char *t = set->forward;
	struct target_spec_error e;
	int used;

	if (o->reply != NULL)
		cli_exclusive("--forward", "--reply");
	if (set->max_bytes != RELAY_UNLIMITED)
		cli_exclusive("--forward", "--max-bytes");
	if (o->escape || o->raw)
		cli_exclusive("--forward", o->escape ? "-x" : "--raw");
	set->target.un.dirfd = -1;
	if (t[0] == '@' || strchr(t, '/') != NULL) {
		set->target.path = t;
		/* a socket that is not there yet fails each dial, not now */
		sockopts_unix_address(t, &set->target.un, true);
		return;
	}
	used = target_spec_words(&set->target, t, NULL, "tcp",
	    "one port, not a list", &e);
	if (used == -1 && errno == ENOMEM)
		err(EX_OSERR, "forward");
	if (used == -1)
		cli_bad_value("forward", t, e.why);
	if (used == 0)
		cli_bad_value("forward", t,
		    "no port (HOST:PORT, or a PATH with a /)");
}

/* --tls and its options: what each needs; the server made. */
static void
tls_setup(struct settings *set)
{
	const struct tls_server_options *o = &set->tls_opts;
	struct tls_error e;

	if (!set->tls) {
		if (o->cert != NULL || o->key != NULL || o->ca != NULL ||
		    o->alpn != NULL)
			cli_needs(o->cert != NULL ? "--cert" : o->key != NULL ?
			    "--key" : o->ca != NULL ? "--ca" : "--alpn",
			    "--tls");
		return;
	}
	if (!tls_available())
		cli_usage("--tls: this build has no TLS library");
	if (o->cert == NULL)
		cli_needs("--tls", "--cert");
	if ((set->tls_server = tls_server_new(o, &e)) == NULL)
		errx(tls_exit_status(e.class), "%s", e.message);
}

/*
 * --reply-file FILE: a regular file, opened once, each connection sent
 * it from its start (sendfile: nothing of it in our memory).
 */
static void
reply_file_open(struct settings *set, const struct sockopts *o)
{
	struct stat st;

	if (o->reply != NULL)
		cli_exclusive("--reply-file", "--reply");
	if (set->forward != NULL)
		cli_exclusive("--reply-file", "--forward");
	if ((set->reply_fd = open(set->reply_file, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(set->reply_fd, &st) == -1)
		err(ex_errno(errno, EX_OSERR), "%s", set->reply_file);
	if (!S_ISREG(st.st_mode))
		cli_bad_value("reply-file", set->reply_file,
		    "not a regular file");
	set->replylen = (size_t)st.st_size;
}

int
main(int argc, char *argv[])
{
	struct settings set = { .idle_ms = NO_LIMIT,
	    .max_bytes = RELAY_UNLIMITED,
	    .max_conns = SERVER_MAX_CONNS_DEFAULT, .target.un.dirfd = -1,
	    .reply_fd = -1 };
	struct sockopts o = SOCKOPTS_INIT;
	struct listener l;
	struct listen_set ls;
	char where[LISTEN_SET_MAX][ENDPOINT_MAX];
	const char *errstr;
	int ch, status;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46b:c:jkt:UvxhV", longopts)) != -1) {
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
		case OPT_FORWARD:
			set.forward = optarg;
			break;
		case OPT_REPLY_FILE:
			set.reply_file = optarg;
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
	set.tls = o.tls;
	set.tls_opts = (struct tls_server_options){ .cert = o.cert,
	    .key = o.key, .ca = o.ca, .alpn = o.alpn };
	/* -t bounds each dial too, as it bounds tcp-send's */
	set.connect_ms = o.timeout != NULL ? o.timeout_ms :
	    CONNECT_TIMEOUT_DEFAULT_MS;
	if (set.forward != NULL)
		forward_setup(&set, &o);
	if (set.reply_file != NULL)
		reply_file_open(&set, &o);
	tls_setup(&set);
	if (set.forward != NULL)
		forward_resolve(&set);

	if (o.unix_path)
		listen_set_one(&ls, unix_listener_open(argv[0], SOCK_STREAM,
		    &o));
	else {
		listener_open(&l, SOCK_STREAM, &ls);
		listener_announce(&ls, &o, where);
	}
	/* the server relays, sends a file, and makes handshakes */
	status = set.keep || set.json || set.forward != NULL ||
	    set.reply_fd != -1 || set.tls ? serve_many(&ls, &set) :
	    serve_one(&ls, &set);
	tls_server_free(set.tls_server);
	free(set.reply);
	unix_address_close(&set.target.un);
	target_spec_free(&set.target);
	return cli_finish(status);
}
