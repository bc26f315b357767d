/*
 * Pure core.  The fields of a certificate as the suite shows them, the
 * same whichever TLS library parsed it: a distinguished name written as
 * RFC 4514 writes it (what `openssl x509 -nameopt RFC2253` prints), the
 * validity times in ISO 8601 UTC, and the whole days left.  The TLS
 * backends hand over the raw attributes and times; the writing is here,
 * once.
 */
#ifndef SOCKUTILS_CERTINFO_H
#define SOCKUTILS_CERTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* "2026-12-06T14:00:00Z" and its NUL. */
#define ISO8601_MAX	21

/* One attribute of a distinguished name: "CN" and its value's bytes. */
struct dn_attr {
	const char		*type;	/* short name, or dotted OID */
	const unsigned char	*value;
	size_t			 len;
};

/*
 * The n attributes of v, in the certificate's order (country first), as
 * an RFC 4514 string into buf of size bytes: most specific first,
 * separated by commas, each "TYPE=VALUE" with the special characters
 * escaped (",+\"\\<>;", a leading "#" or space, a trailing space with a
 * backslash; a control byte or NUL as \XX).  Returns buf, cut short (and
 * ending with "...") if it did not fit.
 */
char	*dn_format(const struct dn_attr *v, size_t n, char *buf, size_t size);

/*
 * The time of a UTC calendar date (month 1-12), as a certificate states
 * one.  Returns 0, or -1 for a date out of range.
 */
int	cert_time(int year, int month, int day, int hour, int minute,
	    int second, time_t *t);

/* t as "YYYY-MM-DDTHH:MM:SSZ" into buf. */
char	*iso8601_utc(time_t t, char buf[ISO8601_MAX]);

/*
 * The whole days from now until not_after: rounded down, so 0 on the
 * last day, and negative once it has passed.
 */
long long cert_days_left(time_t not_after, time_t now);

#endif
