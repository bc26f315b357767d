#include <stdio.h>
#include <string.h>

#include "certinfo.h"

#define SECONDS_PER_DAY	86400

/* Appends to buf what fits of s, keeping room for the cut mark. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	bool	 cut;
};

static void
put(struct out *o, const char *s, size_t n)
{
	/* four bytes kept for "..." and the NUL */
	if (o->cut || o->len + n + 4 > o->size) {
		o->cut = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Whether byte i of the n of v needs a backslash (RFC 4514 2.4). */
static bool
special(const unsigned char *v, size_t n, size_t i)
{
	if (strchr(",+\"\\<>;", v[i]) != NULL && v[i] != '\0')
		return true;
	if (i == 0 && (v[i] == '#' || v[i] == ' '))
		return true;
	return i == n - 1 && v[i] == ' ';
}

static void
put_value(struct out *o, const unsigned char *v, size_t n)
{
	char hex[4];
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] < 0x20 || v[i] == 0x7f) {
			(void)snprintf(hex, sizeof(hex), "\\%02X", v[i]);
			put(o, hex, 3);
			continue;
		}
		if (special(v, n, i))
			put(o, "\\", 1);
		put(o, (const char *)&v[i], 1);
	}
}

char *
dn_format(const struct dn_attr *v, size_t n, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	size_t i;

	if (size == 0)
		return buf;
	if (size < 4) {
		buf[0] = '\0';
		return buf;
	}
	/* RFC 4514: the last RDN of the sequence first */
	for (i = n; i-- > 0;) {
		if (i != n - 1)
			put(&o, ",", 1);
		put(&o, v[i].type, strlen(v[i].type));
		put(&o, "=", 1);
		put_value(&o, v[i].value, v[i].len);
	}
	if (o.cut) {
		memcpy(buf + o.len, "...", 3);
		o.len += 3;
	}
	buf[o.len] = '\0';
	return buf;
}

int
cert_time(int year, int month, int day, int hour, int minute, int second,
    time_t *t)
{
	struct tm tm;

	/* X.509 times are years 0000-9999; a leap second stays 60 */
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
	    second < 0 || second > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	*t = timegm(&tm);
	return 0;
}

char *
iso8601_utc(time_t t, char buf[ISO8601_MAX])
{
	struct tm tm;

	/* snprintf, not strftime: the static file's strftime is 4 KiB */
	if (gmtime_r(&t, &tm) == NULL ||
	    snprintf(buf, ISO8601_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec) != ISO8601_MAX - 1)
		(void)strlcpy(buf, "0000-00-00T00:00:00Z", ISO8601_MAX);
	return buf;
}

long long
cert_days_left(time_t not_after, time_t now)
{
	long long s = (long long)not_after - (long long)now;

	/* rounded down, also below zero */
	return s >= 0 ? s / SECONDS_PER_DAY :
	    -((-s + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}
