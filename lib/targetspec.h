/*
 * Pure core, prints nothing.  The targets a user names, read into
 * target_spec (target.h): HOST PORT as two words, or HOST:PORT and
 * [ADDR]:PORT as one (hostport.h), each PORT a port, a service name or,
 * where lists are allowed, a list of them and ranges (portlist.h).
 */
#ifndef SOCKUTILS_TARGETSPEC_H
#define SOCKUTILS_TARGETSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "target.h"

/* Room for target_spec_error's message. */
#define TARGET_SPEC_ERROR_MAX	512

/* Why words are no target, for "tool: MESSAGE". */
struct target_spec_error {
	const char	*what;		/* "target" or "port" */
	const char	*value;		/* the word */
	const char	*why;
	const char	*bad;		/* a list's element at fault, or NULL */
	size_t		 badlen;
};

/*
 * Reads word (and the next word, port, which may be NULL) into *spec
 * for proto ("tcp", "udp"): word is HOST:PORT or [ADDR]:PORT, or a
 * HOST whose PORT is the next word.  A PORT of several ports is
 * malformed for the reason no_list says, unless that is NULL.  Returns the words used (1 or 2); 0 when word is a HOST and
 * port is NULL; -1 with *e set when they are malformed (errno EINVAL),
 * or when memory ran out (ENOMEM).  spec->host is a copy: free the
 * spec with target_spec_free.
 */
int	target_spec_words(struct target_spec *spec, const char *word,
	    const char *port, const char *proto, const char *no_list,
	    struct target_spec_error *e);

/*
 * e as "WHAT VALUE: WHY", or "port LIST: ELEMENT: WHY" for an element
 * of a list, into buf.  Returns buf.
 */
const char *target_spec_error(const struct target_spec_error *e,
	    char buf[TARGET_SPEC_ERROR_MAX]);

void	target_spec_free(struct target_spec *spec);

#endif
