/* rlookup: the names of addresses (gethostbyaddr). */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "operands.h"
#include "parse.h"
#include "resolve.h"
#include "timing.h"

static const struct cli_text text = {
	"rlookup [-ju] [-t SEC] [--wait SEC] ADDRESS ...",
	"Print the host name of each IPv4 or IPv6 ADDRESS (gethostbyaddr); - reads\n"
	"addresses from stdin, each looked up as soon as its line is read.",
	"  -j, --json        one JSON object per address:\n"
	"                    {\"name\", \"aliases\", \"addresses\"}\n"
	"  -t, --timeout SEC give up on an address not looked up SEC seconds after\n"
	"                    its line was read (operands: after the start)\n"
	"  -u, --unordered   write each answer as soon as it is in, not in input order\n"
	"      --wait SEC    look an address without a name or that fails for now up\n"
	"                    again until it has one or SEC seconds (inf: no limit)\n"
	"                    have passed since its line was read\n",
};

enum { OPT_WAIT = 256 };

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unordered", no_argument, NULL, 'u' },
	{ "wait", required_argument, NULL, OPT_WAIT },
	CLI_COMMON_OPTIONS
};

struct settings {
	bool	json;
	bool	address_on_line;	/* several addresses: each line says which */
};

struct report {
	struct settings	 set;
	int		 status;
};

/* Prints one answered address, as soon as it (and all before it) is in. */
static void
report(struct lookup *l, void *ctx)
{
	struct report *r = ctx;

	if (lookup_failed(l)) {
		r->status = ex_first(r->status, lookup_exit_status(l));
		warnx("%s: %s", l->name, lookup_strerror(l));
	} else if (r->set.json)
		hostinfo_print_json(stdout, &l->hi, NULL);
	else if (r->set.address_on_line)
		printf("%s %s\n", l->name, l->hi.he.h_name);
	else
		printf("%s\n", l->hi.he.h_name);
	hostinfo_free(&l->hi);
	/* each answer at once, not after a later slow one */
	cli_flush();
}

/* Looks one operand or line of stdin up, unless it is no address. */
static void
add_address(const char *arg, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	if (resolve_stream_add(ctx, arg, invalid, dl) == -1)
		err(EX_OSERR, "addresses");
}

int
main(int argc, char *argv[])
{
	struct report r = { 0 };
	struct lookup_options o = { .by_address = true, .in_order = true };
	struct ip_address ip;
	struct resolve_stream *rs;
	const char *errstr;
	long long timeout_ms = NO_LIMIT, wait_ms = 0;
	int ch, i, read_errno;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":jt:uhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			r.set.json = true;
			break;
		case 't':
			if (parse_duration(optarg, 1, &timeout_ms,
			    &errstr) == -1)
				cli_bad_value("timeout", optarg, errstr);
			break;
		case 'u':
			o.in_order = false;
			break;
		case OPT_WAIT:
			if (parse_duration(optarg, 0, &wait_ms, &errstr) == -1)
				cli_bad_value("wait", optarg, errstr);
			/* --wait 0: one try */
			o.wait = wait_ms > 0;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "ADDRESS");

	/* every operand is checked before any lookup */
	r.set.address_on_line = operands_several(argv, argc);
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") != 0 &&
		    parse_ip(argv[i], &ip, &errstr) == -1)
			cli_bad_value("address", argv[i], errstr);
	if ((rs = resolve_stream_new(&o, report, &r)) == NULL)
		err(EX_OSERR, "lookups");
	/* --wait is each address's time, whatever -t says */
	read_errno = operands_each(argv, argc, o.wait ? wait_ms : timeout_ms,
	    add_address, rs) == -1 ? errno : 0;
	/* the answers to the lines read come first */
	resolve_stream_end(rs);
	if (read_errno != 0) {
		errno = read_errno;
		err(EX_IOERR, "read error: stdin");
	}
	return cli_finish(r.status);
}
