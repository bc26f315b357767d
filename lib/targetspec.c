#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostport.h"
#include "targetspec.h"

static int
failed(struct target_spec_error *e, const char *what, const char *value,
    const char *why)
{
	e->what = what;
	e->value = value;
	e->why = why;
	e->bad = NULL;
	errno = EINVAL;
	return -1;
}

/* PORT (a list unless no_list) into spec; 0, or -1 with *e set. */
static int
parse_ports(struct target_spec *spec, const char *port, const char *proto,
    const char *no_list, struct target_spec_error *e)
{
	const char *errstr, *bad;
	size_t badlen;

	if (port_list_parse(port, proto, &spec->ports, &errstr, &bad,
	    &badlen) == -1) {
		failed(e, "port", port, errstr);
		if (badlen != strlen(port) && badlen != 0) {
			e->bad = bad;
			e->badlen = badlen;
		}
		/* port_list_parse's own errno: ENOMEM or EINVAL */
		return -1;
	}
	if (no_list != NULL && spec->ports.ports != 1) {
		port_list_free(&spec->ports);
		return failed(e, "port", port, no_list);
	}
	return 0;
}

int
target_spec_words(struct target_spec *spec, const char *word,
    const char *port, const char *proto, const char *no_list,
    struct target_spec_error *e)
{
	struct hostport hp;
	enum hostport_error he;
	int used = 2;

	memset(spec, 0, sizeof(*spec));
	spec->un.dirfd = -1;
	he = hostport_parse(word, &hp);
	/* an empty HOST before a PORT: its lookup says what is wrong */
	if (he == HOSTPORT_EMPTY && port != NULL) {
		hp.host = word;
		he = HOSTPORT_OK;
	}
	if (he != HOSTPORT_OK)
		return failed(e, "target", word, hostport_strerror(he));
	if (hp.port != NULL) {
		port = hp.port;
		used = 1;
	} else if (port == NULL)
		return 0;
	if (parse_ports(spec, port, proto, no_list, e) == -1)
		return -1;
	if ((spec->host = strndup(hp.host, hp.hostlen)) == NULL) {
		port_list_free(&spec->ports);
		failed(e, "target", word, strerror(ENOMEM));
		errno = ENOMEM;
		return -1;
	}
	return used;
}

const char *
target_spec_error(const struct target_spec_error *e,
    char buf[TARGET_SPEC_ERROR_MAX])
{
	if (e->bad != NULL)
		snprintf(buf, TARGET_SPEC_ERROR_MAX, "%s %s: %.*s: %s",
		    e->what, e->value, (int)e->badlen, e->bad, e->why);
	else
		snprintf(buf, TARGET_SPEC_ERROR_MAX, "%s %s: %s", e->what,
		    e->value, e->why);
	return buf;
}

void
target_spec_free(struct target_spec *spec)
{
	free((char *)spec->host);
	port_list_free(&spec->ports);
	if (spec->res != NULL)
		freeaddrinfo(spec->res);
	spec->host = NULL;
	spec->res = NULL;
}
