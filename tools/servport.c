/* servport: service names to ports and back (getservbyname/getservbyport). */
#include <arpa/inet.h>
#include <err.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "exitcode.h"
#include "json.h"
#include "parse.h"

static const struct cli_text text = {
	"servport [-j] NAME|PORT [PROTOCOL]",
	"Print the port of service NAME, or the service name of PORT (getservbyname, getservbyport).",
	"  -j, --json        a JSON object: {\"name\", \"aliases\", \"port\", \"protocol\"}\n",
};

static const struct cli_option longopts[] = {
	{ "json", no_argument, 'j' },
	CLI_COMMON_OPTIONS
};

static void
print_json(const struct servent *se)
{
	putchar('{');
	json_key(stdout, "name", 1);
	json_string(stdout, se->s_name);
	json_key(stdout, "aliases", 0);
	json_string_array(stdout, se->s_aliases, -1);
	json_key(stdout, "port", 0);
	printf("%u", ntohs((unsigned short)se->s_port));
	json_key(stdout, "protocol", 0);
	json_string(stdout, se->s_proto);
	puts("}");
}

int
main(int argc, char *argv[])
{
	struct servent *se;
	const char *service, *proto = NULL, *errstr;
	long long port = -1;
	bool json = false;
	int ch;

	cli_init(&text);
	while ((ch = cli_getopt(argc, argv, ":jhV", longopts)) != -1) {
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
	cli_operands(argc, 1, 2, "NAME|PORT PROTOCOL");
	service = argv[0];
	if (argc == 2 && (proto = argv[1])[0] == '\0')
		cli_usage("empty protocol");
	if (service[0] == '\0')
		cli_usage("empty service name");

	if (looks_numeric(service)) {
		if (parse_number(service, 0, PORT_MAX, &port, &errstr) == -1)
			cli_bad_value("port", service, errstr);
		se = getservbyport(htons((unsigned short)port), proto);
	} else
		se = getservbyname(service, proto);
	if (se == NULL) {
		warnx("%s%s%s: unknown %s", service, proto ? "/" : "",
		    proto ? proto : "", port >= 0 ? "port" : "service");
		return cli_finish(EX_NOHOST);
	}
	if (json)
		print_json(se);
	else if (port >= 0)
		printf("%s\n", se->s_name);
	else
		printf("%u\n", ntohs((unsigned short)se->s_port));
	return cli_finish(EX_OK);
}
