#include <arpa/inet.h>
#include <string.h>

#include "hostport.h"

/*
 * Whether the len bytes at s are an IPv6 address, a "%scope" after it
 * allowed (the resolver takes "fe80::1%eth0"), a scope without ':' (so
 * that "fe80::1%eth0:22" is no address with a port glued on) or brackets.
 */
static bool
is_ipv6(const char *s, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *scope = memchr(s, '%', len);

	if (scope != NULL) {
		if (strcspn(scope, ":[]") < len - (size_t)(scope - s))
			return false;
		len = (size_t)(scope - s);
	}
	if (len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	return inet_pton(AF_INET6, text, &a) == 1;
}

/* "[ADDR]" or "[ADDR]:PORT", s at its '['. */
static enum hostport_error
parse_bracketed(const char *s, struct hostport *hp)
{
	const char *close = strchr(s, ']');

	if (close == NULL)
		return HOSTPORT_UNCLOSED;
	hp->bracketed = true;
	hp->host = s + 1;
	hp->hostlen = (size_t)(close - hp->host);
	if (hp->hostlen == 0)
		return HOSTPORT_EMPTY_HOST;
	if (!is_ipv6(hp->host, hp->hostlen))
		return HOSTPORT_NOT_IPV6;
	if (close[1] == '\0')
		return HOSTPORT_OK;
	if (close[1] != ':')
		return HOSTPORT_AFTER_BRACKET;
	hp->port = close + 2;
	return *hp->port == '\0' ? HOSTPORT_EMPTY_PORT : HOSTPORT_OK;
}

enum hostport_error
hostport_parse(const char *s, struct hostport *hp)
{
	const char *colon;

	memset(hp, 0, sizeof(*hp));
	if (*s == '\0')
		return HOSTPORT_EMPTY;
	if (*s == '[')
		return parse_bracketed(s, hp);
	hp->host = s;
	hp->hostlen = strlen(s);
	/* one ':' names the port; two or more, an IPv6 literal or nothing */
	if ((colon = strchr(s, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		hp->hostlen = (size_t)(colon - s);
		hp->port = colon + 1;
	}
	if (memchr(s, '[', hp->hostlen) != NULL ||
	    memchr(s, ']', hp->hostlen) != NULL)
		return HOSTPORT_STRAY_BRACKET;
	if (hp->port == NULL && memchr(s, ':', hp->hostlen) != NULL)
		return is_ipv6(s, hp->hostlen) ? HOSTPORT_OK : HOSTPORT_COLONS;
	if (hp->hostlen == 0)
		return HOSTPORT_EMPTY_HOST;
	if (hp->port != NULL && *hp->port == '\0')
		return HOSTPORT_EMPTY_PORT;
	return HOSTPORT_OK;
}

const char *
hostport_strerror(enum hostport_error e)
{
	switch (e) {
	case HOSTPORT_OK:
		return "no error";
	case HOSTPORT_EMPTY:
		return "empty";
	case HOSTPORT_EMPTY_HOST:
		return "no host before the port";
	case HOSTPORT_EMPTY_PORT:
		return "no port after ':'";
	case HOSTPORT_UNCLOSED:
		return "'[' without ']'";
	case HOSTPORT_AFTER_BRACKET:
		return "not ':PORT' after ']'";
	case HOSTPORT_NOT_IPV6:
		return "not an IPv6 address in brackets";
	case HOSTPORT_STRAY_BRACKET:
		return "bracket in a host name";
	case HOSTPORT_COLONS:
		return "several ':' (an IPv6 address with a port goes in brackets: [ADDR]:PORT)";
	}
	return "malformed";
}
