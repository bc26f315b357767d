/*
 * Pure core, returns -1 and errno, prints nothing.  Operands as one
 * stream of items, where "-" stands for the lines of standard input,
 * each passed on as soon as it is read: for the tools that look up each
 * name or address they are given.
 */
#ifndef SOCKUTILS_OPERANDS_H
#define SOCKUTILS_OPERANDS_H

#include <stdbool.h>

#include "timing.h"

/* The longest line of stdin, newline included, that can be an item. */
#define OPERAND_LINE_MAX	4096

/*
 * For an item, its text and, if it cannot be one, why not (else NULL),
 * and the deadline to answer it by.
 */
typedef void operand_fn(const char *item, const char *invalid,
	    const struct deadline *dl, void *ctx);

/*
 * Calls each for every operand of argv, with a deadline timeout_ms from
 * the call (NO_LIMIT: none), and at the first "-" (a later one is skipped)
 * for every line of stdin as it comes, blanks around it dropped and
 * blank lines skipped, with a deadline timeout_ms from when it was read.
 * A line with a NUL byte is passed as what comes before the NUL, an
 * over-long one as its first bytes and "...", both with invalid set.
 * Returns 0, or -1 with errno when stdin cannot be read.
 */
int	operands_each(char *const argv[], int argc, long long timeout_ms,
	    operand_fn *each, void *ctx);

/* Whether argv may stand for more than one item: several, or "-". */
bool	operands_several(char *const argv[], int argc);

#endif
