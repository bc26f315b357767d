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
#include "pool.h"
#include "timing.h"

static const struct cli_text text = {
	"rlookup [-ju] [-t SEC] ADDRESS ...",
	"Print the host name of each IPv4 or IPv6 ADDRESS (gethostbyaddr); - reads\n"
	"addresses from stdin, each looked up as soon as its line is read.",
	"  -j, --json        one JSON object per address:\n"
	"                    {\"name\", \"aliases\", \"addresses\"}\n"
	"  -t, --timeout SEC give up on an address not looked up SEC seconds after\n"
	"                    its line was read (operands: after the start)\n"
	"  -u, --unordered   write each answer as soon as it is in, not in input order\n",
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unordered", no_argument, NULL, 'u' },
	CLI_COMMON_OPTIONS
};

struct settings {
	bool	json;
	bool	address_on_line;	/* several addresses: each line says which */
};

struct report {
	const struct settings	*set;
	int			 status;
};

struct address_job {
	struct ip_address	 ip;
	const char		*invalid;	/* why it is not looked up */
	struct hostinfo		 hi;		/* the answer */
	int			 herr;
	int			 sys_errno;	/* for NETDB_INTERNAL */
	char			 arg[];		/* as written */
};

static void
job_run(void *job, void *ctx)
{
	struct address_job *j = job;

	(void)ctx;
	j->herr = hostinfo_byaddr(&j->hi, &j->ip);
	j->sys_errno = errno;
}

/* Prints one answered address, as soon as it (and all before it) is in. */
static void
job_report(void *job, bool timed_out, void *ctx)
{
	const struct address_job *j = job;
	struct report *r = ctx;

	if (j->invalid != NULL) {
		warnx("%s: %s", j->arg, j->invalid);
		r->status = ex_first(r->status, EX_USAGE);
	} else if (timed_out) {
		warnx("%s: timed out", j->arg);
		r->status = ex_first(r->status, EX_TEMPFAIL);
	} else if (j->herr != 0) {
		r->status = ex_first(r->status, ex_herrno(j->herr,
		    j->sys_errno));
		warnx("%s: %s", j->arg, herror_string(j->herr, j->sys_errno));
	} else if (r->set->json)
		hostinfo_print_json(stdout, &j->hi, NULL);
	else if (r->set->address_on_line)
		printf("%s %s\n", j->arg, j->hi.he.h_name);
	else
		printf("%s\n", j->hi.he.h_name);
	/* each answer at once, not after a later slow one */
	cli_flush();
}

static void
job_free(void *job)
{
	struct address_job *j = job;

	hostinfo_free(&j->hi);
	free(j);
}

static const struct pool_ops address_ops = { job_run, job_report, job_free };

/* Looks one operand or line of stdin up, unless it is no address. */
static void
add_address(const char *arg, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	struct pool *pool = ctx;
	struct address_job *j;
	size_t len = strlen(arg);

	if ((j = calloc(1, sizeof(*j) + len + 1)) == NULL)
		err(EX_OSERR, "addresses");
	memcpy(j->arg, arg, len + 1);
	j->invalid = invalid;
	if (invalid == NULL && parse_ip(arg, &j->ip, &j->invalid) == 0 &&
	    pool_add(pool, j, false, dl) == 0)
		return;
	if (j->invalid == NULL) {
		j->herr = NETDB_INTERNAL;
		j->sys_errno = errno;
	}
	(void)pool_add(pool, j, true, dl);
}

int
main(int argc, char *argv[])
{
	struct settings set = { 0 };
	struct report r = { .set = &set };
	struct ip_address ip;
	struct pool *pool;
	const char *errstr;
	long long timeout_ms = NO_LIMIT;
	bool in_order = true;
	int ch, i, read_errno;

	cli_init(&text);
	while ((ch = getopt_long(argc, argv, ":jt:uhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			set.json = true;
			break;
		case 't':
			if (parse_duration(optarg, 1, &timeout_ms,
			    &errstr) == -1)
				cli_bad_value("timeout", optarg, errstr);
			break;
		case 'u':
			in_order = false;
			break;
		default:
			cli_common_option(ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	cli_operands(argc, 1, CLI_ANY_NUMBER, "ADDRESS");

	/* every operand is checked before any lookup */
	set.address_on_line = operands_several(argv, argc);
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") != 0 &&
		    parse_ip(argv[i], &ip, &errstr) == -1)
			cli_bad_value("address", argv[i], errstr);
	if ((pool = pool_new(&address_ops, &r, in_order)) == NULL)
		err(EX_OSERR, "lookups");
	read_errno = operands_each(argv, argc, timeout_ms, add_address, pool) == -1 ?
	    errno : 0;
	/* the answers to the lines read come first */
	pool_end(pool);
	if (read_errno != 0) {
		errno = read_errno;
		err(EX_IOERR, "read error: stdin");
	}
	return cli_finish(r.status);
}
