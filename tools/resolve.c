/* resolve: host names to addresses, as gethostbyname does. */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "family.h"
#include "idna.h"
#include "json.h"
#include "lookupopts.h"
#include "operands.h"
#include "resolve.h"
#include "timing.h"

static const struct cli_text text = {
	"resolve [-46aju] [-t SEC] [--wait SEC] NAME ...",
	"Print the addresses of each host NAME (gethostbyname); - reads names from stdin,\n"
	"each looked up as soon as its line is read.",
	"  -4, --ipv4        IPv4 addresses (the default)\n"
	"  -6, --ipv6        IPv6 addresses; with -4, both, in the resolver's order\n"
	"  -a, --all         every address, one a line, not only the first\n"
	"  -j, --json        one JSON object per name: {\"name\", \"addresses\"}\n"
	"  -t, --timeout SEC give up on a name not resolved SEC seconds after its\n"
	"                    line was read (operands: after the start)\n"
	"  -u, --unordered   write each answer as soon as it is in, not in input order\n"
	"      --wait SEC    look a name that does not exist or fails for now up\n"
	"                    again until it resolves or SEC seconds (inf: no limit)\n"
	"                    have passed since its line was read\n",
};

static const struct cli_option longopts[] = {
	{ "ipv4", no_argument, '4' },
	{ "ipv6", no_argument, '6' },
	{ "all", no_argument, 'a' },
	{ "json", no_argument, 'j' },
	LOOKUPOPT_ROWS,
	CLI_COMMON_OPTIONS
};

struct settings {
	bool	all;
	bool	json;
	bool	name_on_line;	/* several names: each line says which */
};

struct report {
	struct settings	 set;
	int		 status;
};

static void
print_text(const struct lookup *l, const struct settings *set)
{
	char buf[ADDRSTR_MAX];
	const struct addrinfo *ai;

	for (ai = l->res; ai != NULL; ai = set->all ? ai->ai_next : NULL) {
		if (set->name_on_line)
			printf("%s ", l->name);
		printf("%s\n", sockaddr_host(ai->ai_addr, buf));
	}
}

static void
print_json(const struct lookup *l, const struct settings *set,
    const char *error)
{
	char buf[ADDRSTR_MAX];
	const struct addrinfo *ai;

	putchar('{');
	json_key(stdout, "name", 1);
	json_string(stdout, l->name);
	json_key(stdout, "addresses", 0);
	putchar('[');
	for (ai = l->res; ai != NULL; ai = set->all ? ai->ai_next : NULL) {
		if (ai != l->res)
			putchar(',');
		json_string(stdout, sockaddr_host(ai->ai_addr, buf));
	}
	putchar(']');
	if (error != NULL) {
		json_key(stdout, "error", 0);
		json_string(stdout, error);
	}
	puts("}");
}

/* Prints one answered name, as soon as it and all before it are in. */
static void
report(struct lookup *l, void *ctx)
{
	struct report *r = ctx;
	const char *error = NULL;

	if (lookup_failed(l)) {
		error = lookup_strerror(l);
		warnx("%s: %s", l->name, error);
		r->status = ex_first(r->status, lookup_exit_status(l));
	}
	if (r->set.json)
		print_json(l, &r->set, error);
	else
		print_text(l, &r->set);
	if (l->res != NULL)
		freeaddrinfo(l->res);
	/* a slow reader still sees the first answers at once */
	cli_flush();
}

/* Looks one operand or line of stdin up, unless it cannot be a name. */
static void
add_name(const char *name, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	struct resolve_stream *rs = ctx;
	const char *errstr;

	if (invalid == NULL && idna_check_hostname(name, &errstr) == -1)
		invalid = errstr;
	if (resolve_stream_add(rs, name, invalid, dl) == -1)
		err(EX_OSERR, "names");
}

int
main(int argc, char *argv[])
{
	struct report r = { 0 };
	struct lookupopts lo = LOOKUPOPTS_INIT;
	bool want4 = false, want6 = false;
	int ch;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":46ajt:uhV", longopts)) != -1) {
		switch (ch) {
		case '4':
			want4 = true;
			break;
		case '6':
			want6 = true;
			break;
		case 'a':
			r.set.all = true;
			break;
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
	cli_operands(argc, 1, CLI_ANY_NUMBER, "NAME");

	lo.o.family = family_wanted(want4, want6, AF_INET);
	r.set.name_on_line = operands_several(argv, argc);
	lookupopts_run(&lo, argv, argc, add_name, report, &r);
	return cli_finish(r.status);
}
