/* hostname: the host name, read the way Debian's hostname(1) reads it. */
#include <stdio.h>

#include "cli.h"
#include "hostname.h"

static const struct cli_text text = {
	"hostname [-AadfIis]",
	"Print the host name (gethostname), or what the resolver says of it, as Debian's hostname does.",
	"  -s, --short       the name up to its first dot\n"
	"  -f, --fqdn, --long\n"
	"                    the canonical name of the host (FQDN)\n"
	"  -d, --domain      the canonical name after its first dot (DNS domain)\n"
	"  -i, --ip-address  the addresses of the host name\n"
	"  -a, --alias       the aliases of the host name (gethostbyname)\n"
	"  -I, --all-ip-addresses\n"
	"                    the addresses of the interfaces that are up\n"
	"  -A, --all-fqdns   the names of those addresses\n",
};

static const struct cli_option longopts[] = {
	{ "short", no_argument, 's' },
	{ "fqdn", no_argument, 'f' },
	{ "long", no_argument, 'f' },
	{ "domain", no_argument, 'd' },
	{ "ip-address", no_argument, 'i' },
	{ "alias", no_argument, 'a' },
	{ "all-ip-addresses", no_argument, 'I' },
	{ "all-fqdns", no_argument, 'A' },
	CLI_COMMON_OPTIONS
};

int
main(int argc, char *argv[])
{
	/* as in Debian, each flag replaces the one before */
	int (*show)(FILE *) = hostname_show;
	int ch;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":AadfIishV", longopts)) != -1) {
		switch (ch) {
		case 'A':
			show = hostname_show_interface_names;
			break;
		case 'a':
			show = hostname_show_aliases;
			break;
		case 'd':
			show = hostname_show_domain;
			break;
		case 'f':
			show = hostname_show_fqdn;
			break;
		case 'I':
			show = hostname_show_interface_addresses;
			break;
		case 'i':
			show = hostname_show_addresses;
			break;
		case 's':
			show = hostname_show_short;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	if (argc > 0)
		cli_usage("setting the host name is not supported");

	return cli_finish(show(stdout));
}
