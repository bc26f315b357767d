#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "timing.h"

#define HOSTNAME_MAX	253	/* RFC 1035, written without the root dot */
#define LABEL_MAX	63
#define DURATION_MAX_MS	(100000LL * 1000)

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
parse_number(const char *s, long long lo, long long hi, long long *value,
    const char **errstr)
{
	/* strtonum alone would take leading blanks and a sign */
	if (!is_digit(s[0])) {
		*errstr = "invalid";
		return -1;
	}
	*value = strtonum(s, lo, hi, errstr);
	return *errstr == NULL ? 0 : -1;
}

int
parse_port(const char *s, const char *proto, bool allow_zero,
    unsigned short *port, const char **errstr)
{
	struct servent *se;
	long long n;

	if (is_digit(s[0])) {
		if (parse_number(s, allow_zero ? 0 : 1, PORT_MAX, &n,
		    errstr) == -1)
			return -1;
		*port = (unsigned short)n;
		return 0;
	}
	if (s[0] == '\0' || (se = getservbyname(s, proto)) == NULL) {
		*errstr = "unknown service";
		return -1;
	}
	*port = ntohs((unsigned short)se->s_port);
	return 0;
}

int
parse_duration(const char *s, long long min_ms, long long *ms,
    const char **errstr)
{
	const char *p = s;
	long long whole = 0, frac = 0, scale = 1000;
	int digits = 0;

	*errstr = "invalid";
	for (; is_digit(*p); p++, digits++) {
		if (whole > DURATION_MAX_MS / 10) {
			*errstr = "too large";
			return -1;
		}
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; is_digit(*p); p++, digits++) {
			if (scale == 1)
				continue;	/* beyond a millisecond */
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p != '\0' || digits == 0)
		return -1;
	if (whole > DURATION_MAX_MS / 1000) {
		*errstr = "too large";
		return -1;
	}
	*ms = whole * 1000 + frac;
	if (*ms < min_ms) {
		*errstr = "too small";
		return -1;
	}
	*errstr = NULL;
	return 0;
}

int
parse_wait(const char *s, long long *ms, const char **errstr)
{
	if (strcmp(s, "inf") == 0) {
		*ms = NO_LIMIT;
		*errstr = NULL;
		return 0;
	}
	return parse_duration(s, 0, ms, errstr);
}

int
check_hostname(const char *s, const char **errstr)
{
	size_t len = strlen(s), label;
	const char *end, *dot;

	if (len > 1 && s[len - 1] == '.')
		len--;		/* the root label's dot costs nothing */
	if (len == 0) {
		*errstr = "empty name";
		return -1;
	}
	if (len > HOSTNAME_MAX) {
		*errstr = "name longer than 253 bytes";
		return -1;
	}
	for (end = s + len;; s = dot + 1) {
		dot = memchr(s, '.', (size_t)(end - s));
		label = (size_t)((dot != NULL ? dot : end) - s);
		if (label == 0) {
			*errstr = "empty label";
			return -1;
		}
		if (label > LABEL_MAX) {
			*errstr = "label longer than 63 bytes";
			return -1;
		}
		if (dot == NULL)
			return 0;
	}
}

int
parse_ip(const char *s, struct ip_address *ip, const char **errstr)
{
	if (inet_pton(AF_INET, s, &ip->u.v4) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &ip->u.v6) == 1)
		ip->family = AF_INET6;
	else {
		*errstr = "not an IPv4 or IPv6 address";
		return -1;
	}
	return 0;
}

unsigned int
ip_address_len(const struct ip_address *ip)
{
	return ip->family == AF_INET ? sizeof(ip->u.v4) : sizeof(ip->u.v6);
}

/* The permission bits: no set-id or sticky bit on a socket file. */
#define MODE_MAX	0777

int
parse_mode(const char *s, unsigned int *mode, const char **errstr)
{
	unsigned int m = 0;
	size_t i;

	*errstr = NULL;
	if (s[0] == '\0' || strspn(s, "01234567") != strlen(s)) {
		*errstr = "not an octal mode such as 0660";
		return -1;
	}
	for (i = 0; s[i] != '\0'; i++) {
		m = m * 8 + (unsigned int)(s[i] - '0');
		if (m > MODE_MAX) {
			*errstr = "too large (at most 0777)";
			return -1;
		}
	}
	*mode = m;
	return 0;
}
