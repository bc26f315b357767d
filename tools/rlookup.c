/* rlookup: the names of addresses (gethostbyaddr). */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "lookupopts.h"
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

static const struct cli_option longopts[] = {
	{ "json", no_argument, 'j' },
	LOOKUPOPT_ROWS,
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
	struct lookupopts lo = LOOKUPOPTS_INIT;
	struct ip_address ip;
	const char *errstr;
	int ch, i;

	lo.o.by_address = true;
	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":jt:uhV", longopts)) != -1) {
		switch (ch) {
		case 'j':
			r.set.json = true;
			break;
		default:
			if (!lookupopts_take(&lo, ch, optarg))
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
	lookupopts_run(&lo, argv, argc, add_address, report, &r);
	return cli_finish(r.status);
}
