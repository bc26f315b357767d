/*
 * port_list_parse: a list is accepted exactly when each of its comma-
 * separated elements is, alone; each element's ranges agree with
 * parse_port (a port) or with parse_number (a range's ends); a refusal
 * names one whole element of the input; the walk yields the count.
 */
#include <errno.h>

#include "fuzz.h"
#include "parse.h"
#include "portlist.h"

/* Walks beyond this many ports are skipped: long, and no new paths. */
#define WALK_MAX	1000000

static void
check_walk(const struct port_list *pl)
{
	struct port_cursor c = { 0 };
	unsigned short port;
	size_t count = 0;

	if (pl->ports > WALK_MAX)
		return;
	while (port_list_next(pl, &c, &port)) {
		FUZZ_CHECK(port >= 1);
		count++;
	}
	FUZZ_CHECK(count == pl->ports);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), *one;
	const char *errstr, *bad, *e;
	struct port_list pl, alone;
	size_t badlen, len, i, ports = 0, elements = 1;
	unsigned short port;
	int rc;

	for (e = s; (e = strchr(e, ',')) != NULL; e++)
		elements++;
	errstr = NULL;
	rc = port_list_parse(s, "tcp", &pl, &errstr, &bad, &badlen);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(errno == EINVAL || errno == ENOMEM);
		FUZZ_CHECK(errstr != NULL && errstr[0] != '\0');
		FUZZ_CHECK(bad >= s && bad + badlen <= s + strlen(s));
		FUZZ_CHECK(bad == s || bad[-1] == ',');
		FUZZ_CHECK(bad[badlen] == ',' || bad[badlen] == '\0');
		FUZZ_CHECK(memchr(bad, ',', badlen) == NULL);
		free(s);
		return 0;
	}
	FUZZ_CHECK(pl.n == elements);
	for (i = 0, e = s; i < pl.n; i++, e += len + 1) {
		FUZZ_CHECK(pl.ranges[i].lo >= 1);
		FUZZ_CHECK(pl.ranges[i].lo <= pl.ranges[i].hi);
		ports += (size_t)pl.ranges[i].hi - pl.ranges[i].lo + 1;
		len = strcspn(e, ",");
		/* the element alone parses to the same range */
		one = strndup(e, len);
		FUZZ_CHECK(one != NULL);
		FUZZ_CHECK(port_list_parse(one, "tcp", &alone, &errstr, &bad,
		    &badlen) == 0 && alone.n == 1);
		FUZZ_CHECK(alone.ranges[0].lo == pl.ranges[i].lo &&
		    alone.ranges[0].hi == pl.ranges[i].hi);
		if (alone.ranges[0].lo == alone.ranges[0].hi &&
		    strchr(one, '-') == NULL)
			FUZZ_CHECK(parse_port(one, "tcp", false, &port,
			    &errstr) == 0 && port == pl.ranges[i].lo);
		port_list_free(&alone);
		free(one);
	}
	FUZZ_CHECK(ports == pl.ports);
	check_walk(&pl);
	port_list_free(&pl);
	free(s);
	return 0;
}
