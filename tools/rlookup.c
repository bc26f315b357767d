/* rlookup: the names of addresses (gethostbyaddr). */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "parse.h"

static const struct cli_text text = {
	"rlookup [-j] ADDRESS ...",
	"Print the host name of each IPv4 or IPv6 ADDRESS (gethostbyaddr).",
	"  -j, --json        one JSON object per address:\n"
	"                    {\"name\", \"aliases\", \"addresses\"}\n",
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	CLI_COMMON_OPTIONS
};

/* Looks up and prints one address; returns its exit status. */
static int
rlookup(const char *arg, const struct ip_address *ip, bool json,
    bool address_on_line)
{
	struct hostinfo hi;
	int herr;

	if ((herr = hostinfo_byaddr(&hi, ip)) != 0) {
		warnx("%s: %s", arg, herror_string(herr));
		hostinfo_free(&hi);
		return ex_herrno(herr);
	}
	if (json)
		hostinfo_print_json(stdout, &hi, NULL);
	else if (address_on_line)
		printf("%s %s\n", arg, hi.he.h_name);
	else
		printf("%s\n", hi.he.h_name);
	hostinfo_free(&hi);
	/* each answer at once, not after a later slow one, as resolve */
	cli_flush();
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	struct ip_address *ips;
	const char *errstr;
	int ch, i, status = EX_OK;
	bool json = false;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "ADDRESS");

	/* every address is checked before any lookup */
	if ((ips = reallocarray(NULL, (size_t)argc, sizeof(*ips))) == NULL)
		err(EX_OSERR, "addresses");
	for (i = 0; i < argc; i++)
		if (parse_ip(argv[i], &ips[i], &errstr) == -1)
			cli_bad_value("address", argv[i], errstr);
	for (i = 0; i < argc; i++)
		status = ex_first(status, rlookup(argv[i], &ips[i], json,
		    argc > 1));
	free(ips);
	return cli_finish(status);
}
