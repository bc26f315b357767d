/* resolve: host names to addresses, as gethostbyname does. */
#include <err.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "address.h"
#include "cli.h"
#include "exitcode.h"
#include "family.h"
#include "idna.h"
#include "json.h"
#include "parse.h"
#include "resolve.h"
#include "timing.h"

static const struct cli_text text = {
	"resolve [-46aj] [-t SEC] NAME ...",
	"Print the addresses of each host NAME (gethostbyname); - reads names from stdin.",
	"  -4, --ipv4        IPv4 addresses (the default)\n"
	"  -6, --ipv6        IPv6 addresses; with -4, both, in the resolver's order\n"
	"  -a, --all         every address, one a line, not only the first\n"
	"  -j, --json        one JSON object per name: {\"name\", \"addresses\"}\n"
	"  -t, --timeout SEC give up on names not resolved after SEC seconds\n",
};

static const struct option longopts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	CLI_COMMON_OPTIONS
};

struct settings {
	int	family;
	bool	all;
	bool	json;
	bool	name_on_line;	/* several names: each line says which */
};

struct names {
	struct name {
		char		*s;
		const char	*invalid;	/* why it is not looked up */
	}	*v;
	size_t	 n, cap;
};

struct report {
	const struct settings	*set;
	int			 status;
};

/* Adds a copy of name, so that every name is freed alike. */
static void
add_name(struct names *names, const char *name, const char *invalid)
{
	struct name *v;

	if (names->n == names->cap) {
		names->cap = names->cap ? names->cap * 2 : 16;
		v = reallocarray(names->v, names->cap, sizeof(*v));
		if (v == NULL)
			err(EX_OSERR, "names");
		names->v = v;
	}
	if ((names->v[names->n].s = strdup(name)) == NULL)
		err(EX_OSERR, "names");
	names->v[names->n].invalid = invalid;
	names->n++;
}

static void
free_names(struct names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->v[i].s);
	free(names->v);
}

/*
 * One name a line; blank lines are skipped, blanks around names dropped.
 * A line with a NUL byte cannot be a name: what comes before the NUL
 * is reported as invalid, never looked up.
 */
static void
read_names(FILE *in, struct names *names)
{
	char *line = NULL, *start, *end;
	size_t size = 0;
	ssize_t len;
	bool has_nul;

	while ((len = getline(&line, &size, in)) != -1) {
		for (start = line; *start == ' ' || *start == '\t'; start++)
			;
		end = line + len;
		while (end > start && strchr(" \t\r\n", end[-1]) != NULL)
			end--;
		if (end == start)
			continue;
		has_nul = memchr(start, '\0', (size_t)(end - start)) != NULL;
		*end = '\0';
		add_name(names, start, has_nul ? "name with a NUL byte" : NULL);
	}
	if (ferror(in))
		err(EX_IOERR, "read error: stdin");
	free(line);
}

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

	if (l->invalid != NULL || l->gai_error != 0) {
		error = lookup_strerror(l);
		warnx("%s: %s", l->name, error);
		r->status = ex_first(r->status, lookup_exit_status(l));
	}
	if (r->set->json)
		print_json(l, r->set, error);
	else
		print_text(l, r->set);
	if (l->res != NULL)
		freeaddrinfo(l->res);
	/* a slow reader still sees the first answers at once */
	cli_flush();
}

int
main(int argc, char *argv[])
{
	struct settings set = { 0 };
	struct names names = { 0 };
	struct report r = { .set = &set };
	struct deadline dl;
	struct lookup *v;
	const char *errstr;
	long long timeout_ms = NO_LIMIT;
	bool want4 = false, want6 = false, read_stdin = false;
	size_t i;
	int ch;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":46ajt:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case '4':
			want4 = true;
			break;
		case '6':
			want6 = true;
			break;
		case 'a':
			set.all = true;
			break;
		case 'j':
			set.json = true;
			break;
		case 't':
			if (parse_duration(optarg, 1, &timeout_ms,
			    &errstr) == -1)
				cli_bad_value("timeout", optarg, errstr);
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "NAME");

	set.family = family_wanted(want4, want6, AF_INET);
	for (i = 0; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") != 0)
			add_name(&names, argv[i], NULL);
		else if (!read_stdin) {
			read_stdin = true;
			read_names(stdin, &names);
		}
	}
	set.name_on_line = argc > 1 || read_stdin;

	if ((v = calloc(names.n ? names.n : 1, sizeof(*v))) == NULL)
		err(EX_OSERR, "names");
	for (i = 0; i < names.n; i++) {
		v[i].name = names.v[i].s;
		v[i].invalid = names.v[i].invalid;
		if (v[i].invalid == NULL &&
		    idna_check_hostname(v[i].name, &errstr) == -1)
			v[i].invalid = errstr;
	}
	deadline_start(&dl, timeout_ms);
	resolve_names(v, names.n, set.family, &dl, report, &r);
	free(v);
	free_names(&names);
	return cli_finish(r.status);
}
