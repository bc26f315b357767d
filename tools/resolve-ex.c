/* resolve-ex: canonical name, aliases and addresses (gethostbyname_ex). */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "dial.h"
#include "exitcode.h"
#include "idna.h"
#include "family.h"
#include "hostinfo.h"
#include "parse.h"
#include "resolve.h"
#include "timing.h"

static const struct cli_text text = {
	"resolve-ex [-46j] [--wait SEC] NAME ...",
	"Print the canonical name, aliases and addresses of each host NAME (gethostbyname_ex).",
	"  -4, --ipv4        IPv4 addresses (the default)\n"
	"  -6, --ipv6        IPv6 addresses; with -4, both, in the resolver's order\n"
	"  -j, --json        one JSON object per name:\n"
	"                    {\"name\", \"aliases\", \"addresses\"}\n"
	"      --wait SEC    look a name that does not exist or fails for now up\n"
	"                    again until it resolves or SEC seconds (inf: no limit)\n"
	"                    have passed since the start\n",
};

enum { OPT_WAIT = 256 };

static const struct cli_option longopts[] = {
	{ "ipv4", no_argument, '4' },
	{ "ipv6", no_argument, '6' },
	{ "json", no_argument, 'j' },
	{ "wait", required_argument, OPT_WAIT },
	CLI_COMMON_OPTIONS
};

struct settings {
	int		family;
	bool		json;
	long long	wait_ms;	/* --wait, or 0 */
};

/* A name's answer: the resolver's, and the names of the first address. */
struct answer {
	struct hostinfo	 hi;
	struct addrinfo	*res;
	const char	*why;	/* the failure's, or NULL */
};

static void
answer_free(struct answer *a)
{
	hostinfo_free(&a->hi);
	if (a->res != NULL)
		freeaddrinfo(a->res);
	memset(a, 0, sizeof(*a));
}

/* Looks name up into a; returns its exit status, with a->why on failure. */
static int
look_up(const char *name, int family, struct answer *a)
{
	int herr, rc;

	memset(a, 0, sizeof(*a));
	/*
	 * As Python's gethostbyname_ex, getaddrinfo decides whether the
	 * name resolves: gethostbyname_r reports some answers (a CNAME
	 * with no address) as temporary failures.
	 */
	if ((rc = resolve_host(name, NULL, family, SOCK_STREAM, 0,
	    &a->res)) != 0) {
		a->res = NULL;
		a->why = gai_error_string(rc, errno);
		return ex_gai(rc, errno);
	}
	/*
	 * Both families: the names of the first answer's, and the
	 * addresses of both in the resolver's order, as resolve -46a.
	 */
	if ((herr = hostinfo_byname(&a->hi, name, family != AF_UNSPEC ?
	    family : a->res->ai_family)) != 0) {
		a->why = herror_string(herr, errno);
		return ex_herrno(herr, errno);
	}
	return EX_OK;
}

/*
 * Looks name up, and again while it does not exist or fails for now,
 * on the dialer's backoff, until wait_ms have passed (0: once).
 */
static int
look_up_waiting(const char *name, int family, long long wait_ms,
    struct answer *a)
{
	long long end = time_after(now_ms(), wait_ms), now;
	long long pause_ms = CONNECT_RETRY_FIRST_MS;
	int rc;

	while ((rc = look_up(name, family, a)) == EX_NOHOST ||
	    rc == EX_TEMPFAIL) {
		if ((now = now_ms()) >= end)
			break;
		answer_free(a);
		(void)poll(NULL, 0, poll_timeout(earlier(pause_ms,
		    time_left(end, now))));
		pause_ms = dial_next_backoff(pause_ms, 0);
	}
	return rc;
}

/* Looks up and prints one name; returns its exit status. */
static int
resolve_ex(const char *name, const struct settings *set, bool separate)
{
	struct answer a;
	const char *errstr;
	int rc;

	if (idna_check_hostname(name, &errstr) == -1) {
		warnx("%s: %s", name, errstr);
		return EX_USAGE;
	}
	if ((rc = look_up_waiting(name, set->family, set->wait_ms,
	    &a)) != EX_OK) {
		warnx("%s: %s", name, a.why);
		answer_free(&a);
		return rc;
	}
	if (set->json)
		hostinfo_print_json(stdout, &a.hi,
		    set->family == AF_UNSPEC ? a.res : NULL);
	else {
		if (separate)
			putchar('\n');
		hostinfo_print_text(stdout, &a.hi,
		    set->family == AF_UNSPEC ? a.res : NULL);
	}
	answer_free(&a);
	/* each answer at once, not after a later slow one, as resolve */
	cli_flush();
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	struct settings set = { 0 };
	const char *errstr;
	long long start, wait_ms = 0;
	int ch, i, status = EX_OK, printed = 0, rc;
	bool want4 = false, want6 = false;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46jhV", longopts)) != -1) {
		switch (ch) {
		case '4':
			want4 = true;
			break;
		case '6':
			want6 = true;
			break;
		case 'j':
			set.json = true;
			break;
		case OPT_WAIT:
			if (parse_duration(optarg, 0, &wait_ms, &errstr) == -1)
				cli_bad_value("wait", optarg, errstr);
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "NAME");

	set.family = family_wanted(want4, want6, AF_INET);
	start = now_ms();
	for (i = 0; i < argc; i++) {
		/* one wait for all the names, from the start */
		set.wait_ms = time_left(time_after(start, wait_ms), now_ms());
		rc = resolve_ex(argv[i], &set, printed > 0);
		printed += rc == EX_OK;
		status = ex_first(status, rc);
	}
	return cli_finish(status);
}
