/* resolve-ex: canonical name, aliases and addresses (gethostbyname_ex). */
#include <err.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include "cli.h"
#include "exitcode.h"
#include "idna.h"
#include "family.h"
#include "hostinfo.h"
#include "parse.h"
#include "resolve.h"

static const struct cli_text text = {
	"resolve-ex [-46j] NAME ...",
	"Print the canonical name, aliases and addresses of each host NAME (gethostbyname_ex).",
	"  -4, --ipv4        IPv4 addresses (the default)\n"
	"  -6, --ipv6        IPv6 addresses; with -4, both, in the resolver's order\n"
	"  -j, --json        one JSON object per name:\n"
	"                    {\"name\", \"aliases\", \"addresses\"}\n",
};

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "json", no_argument, NULL, 'j' },
	CLI_COMMON_OPTIONS
};

/* Looks up and prints one name; returns its exit status. */
static int
resolve_ex(const char *name, int family, bool json, bool separate)
{
	struct hostinfo hi;
	struct addrinfo *res, *both;
	const char *errstr;
	int herr, rc, status;

	if (idna_check_hostname(name, &errstr) == -1) {
		warnx("%s: %s", name, errstr);
		return EX_USAGE;
	}
	/*
	 * As Python's gethostbyname_ex, getaddrinfo decides whether the
	 * name resolves: gethostbyname_r reports some answers (a CNAME
	 * with no address) as temporary failures.
	 */
	if ((rc = resolve_host(name, NULL, family, SOCK_STREAM, 0,
	    &res)) != 0) {
		warnx("%s: %s", name, gai_error_string(rc, errno));
		return ex_gai(rc, errno);
	}
	/*
	 * Both families: the names of the first answer's, and the
	 * addresses of both in the resolver's order, as resolve -46a.
	 */
	if ((herr = hostinfo_byname(&hi, name, family != AF_UNSPEC ? family :
	    res->ai_family)) != 0) {
		status = ex_herrno(herr, errno);
		warnx("%s: %s", name, herror_string(herr, errno));
		hostinfo_free(&hi);
		freeaddrinfo(res);
		return status;
	}
	both = family == AF_UNSPEC ? res : NULL;
	if (json)
		hostinfo_print_json(stdout, &hi, both);
	else {
		if (separate)
			putchar('\n');
		hostinfo_print_text(stdout, &hi, both);
	}
	hostinfo_free(&hi);
	freeaddrinfo(res);
	/* each answer at once, not after a later slow one, as resolve */
	cli_flush();
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	int ch, i, family, status = EX_OK, printed = 0, rc;
	bool json = false, want4 = false, want6 = false;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46jhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			want4 = true;
			break;
		case '6':
			want6 = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "NAME");

	family = family_wanted(want4, want6, AF_INET);
	for (i = 0; i < argc; i++) {
		rc = resolve_ex(argv[i], family, json, printed > 0);
		printed += rc == EX_OK;
		status = ex_first(status, rc);
	}
	return cli_finish(status);
}
