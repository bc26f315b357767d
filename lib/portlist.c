#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "portlist.h"

#define PORT_MIN	1

/* Whether s is digits, a hyphen and digits: a range, not a port. */
static bool
is_range(const char *s)
{
	size_t lo = strspn(s, "0123456789");

	return lo > 0 && s[lo] == '-' && s[lo + 1] != '\0' &&
	    strspn(s + lo + 1, "0123456789") == strlen(s + lo + 1);
}

/* One element of a list, NUL-terminated in e.  Returns 0 or -1. */
static int
parse_element(char *e, const char *proto, struct port_range *r,
    const char **errstr)
{
	long long lo, hi;
	char *dash;

	if (e[0] == '\0') {
		*errstr = "empty element";
		return -1;
	}
	if (!is_range(e)) {
		if (parse_port(e, proto, false, &r->lo, errstr) == -1)
			return -1;
		r->hi = r->lo;
		return 0;
	}
	dash = strchr(e, '-');
	*dash = '\0';
	if (parse_number(e, PORT_MIN, PORT_MAX, &lo, errstr) == -1 ||
	    parse_number(dash + 1, PORT_MIN, PORT_MAX, &hi, errstr) == -1)
		return -1;
	if (lo > hi) {
		*errstr = "reversed range";
		return -1;
	}
	r->lo = (unsigned short)lo;
	r->hi = (unsigned short)hi;
	return 0;
}

int
port_list_parse(const char *s, const char *proto, struct port_list *pl,
    const char **errstr, const char **bad, size_t *badlen)
{
	size_t n = 1, len;
	const char *p;
	char *copy, *e;

	memset(pl, 0, sizeof(*pl));
	for (p = s; (p = strchr(p, ',')) != NULL; p++)
		n++;
	if ((copy = strdup(s)) == NULL ||
	    (pl->ranges = calloc(n, sizeof(*pl->ranges))) == NULL) {
		free(copy);
		*errstr = strerror(ENOMEM);
		*bad = s;
		*badlen = strlen(s);
		errno = ENOMEM;
		return -1;
	}
	for (e = copy; pl->n < n; e += len + 1) {
		len = strcspn(e, ",");
		e[len] = '\0';
		if (parse_element(e, proto, &pl->ranges[pl->n], errstr) == -1) {
			*bad = s + (e - copy);
			*badlen = len;
			free(copy);
			port_list_free(pl);
			errno = EINVAL;
			return -1;
		}
		pl->ports += (size_t)pl->ranges[pl->n].hi -
		    pl->ranges[pl->n].lo + 1;
		pl->n++;
	}
	free(copy);
	return 0;
}

void
port_list_free(struct port_list *pl)
{
	free(pl->ranges);
	memset(pl, 0, sizeof(*pl));
}

bool
port_list_next(const struct port_list *pl, struct port_cursor *c,
    unsigned short *port)
{
	if (c->range < pl->n && c->next > pl->ranges[c->range].hi) {
		c->range++;
		c->next = 0;
	}
	if (c->range >= pl->n)
		return false;
	if (c->next == 0)
		c->next = pl->ranges[c->range].lo;
	*port = (unsigned short)c->next++;
	return true;
}
