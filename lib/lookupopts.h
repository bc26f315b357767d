/*
 * Reporting layer.  What the streaming lookup tools (resolve, rlookup)
 * share: their options -t, -u and --wait, taken the same way with the
 * same messages, and their run over the operands and stdin's lines.
 * Whatever goes wrong exits: 64 for a malformed value, 71 out of
 * memory, 74 when stdin cannot be read.
 */
#ifndef SOCKUTILS_LOOKUPOPTS_H
#define SOCKUTILS_LOOKUPOPTS_H

#include <stdbool.h>

#include "operands.h"
#include "resolve.h"

/* --wait's value for getopt_long; a tool's own long options follow. */
enum { LOOKUPOPT_WAIT = 256, LOOKUPOPT_OWN };

/* Their rows of a tool's getopt_long table ("t:u" in its string). */
#define LOOKUPOPT_ROWS \
	{ "timeout", required_argument, 't' }, \
	{ "unordered", no_argument, 'u' }, \
	{ "wait", required_argument, LOOKUPOPT_WAIT }

struct lookupopts {
	struct lookup_options	o;		/* -u, --wait */
	long long		timeout_ms;	/* -t, or NO_LIMIT */
	long long		wait_ms;	/* --wait, or 0 */
};

#define LOOKUPOPTS_INIT	{ .o = { .in_order = true }, .timeout_ms = NO_LIMIT }

/*
 * Takes option ch of getopt_long, with its value arg, into lo if it is
 * one of -t, -u and --wait.  Returns whether it was.
 */
bool	lookupopts_take(struct lookupopts *lo, int ch, const char *arg);

/*
 * Looks up each item of the operands of argv (stdin's lines for "-")
 * that add passes on (resolve_stream_add), each by its deadline (-t's,
 * or --wait's whatever -t says), done reporting each with ctx; returns
 * once every answer is reported.
 */
void	lookupopts_run(const struct lookupopts *lo, char *const argv[],
	    int argc, operand_fn *add, lookup_done_fn *done, void *ctx);

#endif
