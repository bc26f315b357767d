#include <err.h>
#include <errno.h>

#include "cli.h"
#include "exitcode.h"
#include "lookupopts.h"
#include "parse.h"

bool
lookupopts_take(struct lookupopts *lo, int ch, const char *arg)
{
	const char *errstr;

	switch (ch) {
	case 't':
		if (parse_duration(arg, 1, &lo->timeout_ms, &errstr) == -1)
			cli_bad_value("timeout", arg, errstr);
		return true;
	case 'u':
		lo->o.in_order = false;
		return true;
	case LOOKUPOPT_WAIT:
		if (parse_duration(arg, 0, &lo->wait_ms, &errstr) == -1)
			cli_bad_value("wait", arg, errstr);
		/* --wait 0: one try */
		lo->o.wait = lo->wait_ms > 0;
		return true;
	default:
		return false;
	}
}

void
lookupopts_run(const struct lookupopts *lo, char *const argv[], int argc,
    operand_fn *add, lookup_done_fn *done, void *ctx)
{
	struct resolve_stream *rs;
	int read_errno;

	if ((rs = resolve_stream_new(&lo->o, done, ctx)) == NULL)
		err(EX_OSERR, "lookups");
	/* --wait is each item's time, whatever -t says */
	read_errno = operands_each(argv, argc, lo->o.wait ? lo->wait_ms :
	    lo->timeout_ms, add, rs) == -1 ? errno : 0;
	/* the answers to the lines read come first */
	resolve_stream_end(rs);
	if (read_errno != 0) {
		errno = read_errno;
		err(EX_IOERR, "read error: stdin");
	}
}
