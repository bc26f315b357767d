/*
 * Reporting layer.  tcp-send -z: checking targets, many at once, and
 * saying what each did (-v, -j, the first failure's message and
 * status); --any, --closed, --expect and --tls; and the targets of `-z -`,
 * read from standard input as they come and checked in batches, in
 * bounded memory.
 */
#ifndef SOCKUTILS_CHECK_H
#define SOCKUTILS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "dial.h"
#include "target.h"
#include "tls.h"
#include "tlscheck.h"

struct check_options {
	int			 family;
	struct dial_options	 dial;
	bool			 verbose;
	bool			 json;
	bool			 any;		/* one open target is enough */
	bool			 closed;	/* each must not accept */
	bool			 unix_path;	/* -U: targets are paths */
	struct ere		*re;		/* --expect, or NULL */
	size_t			 max_bytes;
	long long		 reply_ms;	/* the bound of each reply */
	const struct tls_check_options *tls;	/* --tls, or NULL */
};

/* What has been seen of the targets so far. */
struct check {
	const struct check_options *o;
	long long		 began;		/* now_ms(): --wait's start */
	int			 status;	/* the first failure's */
	bool			 open;		/* one target or more */
	struct target		 first;		/* --any: the first failure */
	char			*first_name;
	struct tls_error	 first_tls;	/* its handshake's, if it had one */
};

void	check_begin(struct check *c, const struct check_options *o);

/* Checks the n specs and reports each, in order. */
void	check_targets(struct check *c, const struct target_spec *v,
	    size_t n);

/*
 * Checks the targets of stdin's lines ("HOST PORT", "HOST:PORT", a
 * PATH with -U), as they come, in batches, each reported in order.
 * A malformed line is reported and fails with 64; the others go on.
 */
void	check_stdin(struct check *c);

/* The status of all the checks, --any's failure reported; ends c. */
int	check_end(struct check *c);

#endif
