/*
 * Pure core.  Port lists, as tcp-send -z takes PORT: "5432,6432",
 * "80,https", "8000-8010", parsed into ranges.  A list is kept as its
 * ranges, never expanded: "1-65535" is one range of 4 bytes, walked a
 * port at a time with port_list_next.
 */
#ifndef SOCKUTILS_PORTLIST_H
#define SOCKUTILS_PORTLIST_H

#include <stdbool.h>
#include <stddef.h>

/* The ports lo to hi, host order, lo <= hi. */
struct port_range {
	unsigned short	lo;
	unsigned short	hi;
};

struct port_list {
	struct port_range	*ranges;	/* in the order written */
	size_t			 n;
	size_t			 ports;		/* all ranges, repeats counted */
};

/*
 * Parses s, elements separated by commas, each a port (a number from 1
 * to 65535, or a service name known for proto, as parse_port takes it)
 * or a range LO-HI of two such numbers with LO <= HI.  Returns 0 with
 * *pl filled (free it with port_list_free), or -1 with *errstr the
 * reason ("empty element", "reversed range", "too large", ...) and
 * *bad, *badlen the element it concerns; errno is ENOMEM if memory ran
 * out, else EINVAL.
 */
int	port_list_parse(const char *s, const char *proto,
	    struct port_list *pl, const char **errstr, const char **bad,
	    size_t *badlen);

void	port_list_free(struct port_list *pl);

/* Where a walk through a list is: before the first port when zeroed. */
struct port_cursor {
	size_t		range;
	unsigned int	next;	/* 0: the range has not started */
};

/* The next port of pl after c, in order; false after the last. */
bool	port_list_next(const struct port_list *pl, struct port_cursor *c,
	    unsigned short *port);

#endif
