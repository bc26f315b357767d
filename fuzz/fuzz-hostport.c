/*
 * hostport_parse: the host and port it gives are parts of the word, in
 * order, and the word is exactly HOST, HOST:PORT, [HOST] or [HOST]:PORT
 * of them; a host has no bracket and, unless it is an IPv6 literal, no
 * ':'; a port is not empty; a refusal has a reason.
 */
#include "fuzz.h"
#include "hostport.h"

/* Whether the word s is what hp says it is, rebuilt. */
static int
rebuilds(const char *s, const struct hostport *hp)
{
	char *again;
	size_t len = strlen(s);
	int same;

	FUZZ_CHECK((again = malloc(len + 1)) != NULL);
	snprintf(again, len + 1, "%s%.*s%s%s%s", hp->bracketed ? "[" : "",
	    (int)hp->hostlen, hp->host, hp->bracketed ? "]" : "",
	    hp->port != NULL ? ":" : "", hp->port != NULL ? hp->port : "");
	same = strcmp(again, s) == 0;
	free(again);
	return same;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct hostport hp;
	enum hostport_error e;

	e = hostport_parse(s, &hp);
	FUZZ_CHECK(hostport_strerror(e)[0] != '\0');
	if (e != HOSTPORT_OK) {
		free(s);
		return 0;
	}
	FUZZ_CHECK(hp.hostlen > 0);
	FUZZ_CHECK(hp.host >= s && hp.host + hp.hostlen <= s + strlen(s));
	FUZZ_CHECK(memchr(hp.host, '[', hp.hostlen) == NULL);
	FUZZ_CHECK(memchr(hp.host, ']', hp.hostlen) == NULL);
	if (hp.port != NULL) {
		FUZZ_CHECK(hp.port > hp.host + hp.hostlen);
		FUZZ_CHECK(hp.port[0] != '\0');
		FUZZ_CHECK(hp.port[-1] == ':');
	}
	/* a ':' in a host: an IPv6 literal, which has two or more */
	if (memchr(hp.host, ':', hp.hostlen) != NULL)
		FUZZ_CHECK(memchr(hp.host, ':', hp.hostlen) !=
		    memrchr(hp.host, ':', hp.hostlen));
	else
		FUZZ_CHECK(!hp.bracketed);
	FUZZ_CHECK(rebuilds(s, &hp));
	free(s);
	return 0;
}
