#include <stdio.h>
#include <string.h>

#include "certinfo.h"
#include "tap.h"

#define ATTR(t, v)	{ (t), (const unsigned char *)(v), sizeof(v) - 1 }

static void
check_dn(const struct dn_attr *v, size_t n, size_t size, const char *want,
    const char *what)
{
	char buf[256];

	is_str(dn_format(v, n, buf, size), want, "%s", what);
}

int
main(void)
{
	const struct dn_attr plain[] = { ATTR("C", "DE"),
	    ATTR("O", "sockutils tests"), ATTR("CN", "localhost") };
	const struct dn_attr special[] = { ATTR("O", "a,b+c\"d\\e<f>g;h"),
	    ATTR("CN", "#lead"), ATTR("OU", " both ") };
	const struct dn_attr control[] = { ATTR("CN", "a\nb\0c\x7f") };
	char buf[ISO8601_MAX];
	time_t t;

	check_dn(plain, 3, 256, "CN=localhost,O=sockutils tests,C=DE",
	    "the most specific attribute first, as RFC 4514 writes names");
	check_dn(special, 3, 256,
	    "OU=\\ both\\ ,CN=\\#lead,O=a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h",
	    "special characters, a leading # and spaces at either end escaped");
	check_dn(control, 1, 256, "CN=a\\0Ab\\00c\\7F",
	    "control bytes and NUL as \\XX");
	check_dn(plain, 0, 256, "", "no attribute: an empty name");
	check_dn(plain, 3, 16, "CN=localhost...", "cut short, and says so");
	check_dn(plain, 3, 3, "", "no room even for the mark: empty");

	ok(cert_time(2026, 12, 6, 14, 0, 0, &t) == 0 && t == 1796565600,
	    "cert_time: a UTC date");
	ok(cert_time(1970, 1, 1, 0, 0, 0, &t) == 0 && t == 0,
	    "cert_time: the epoch");
	ok(cert_time(2026, 13, 1, 0, 0, 0, &t) == -1, "cert_time: month 13");
	ok(cert_time(0, 1, 1, 0, 0, 0, &t) == -1, "cert_time: year 0");
	ok(cert_time(2026, 1, 1, 24, 0, 0, &t) == -1, "cert_time: hour 24");
	is_str(iso8601_utc(1796565600, buf), "2026-12-06T14:00:00Z",
	    "iso8601_utc");
	is_str(iso8601_utc(0, buf), "1970-01-01T00:00:00Z",
	    "iso8601_utc: the epoch");

	ok(cert_days_left((time_t)86400 * 10, 0) == 10, "days_left: ten days");
	ok(cert_days_left((time_t)86400 * 10 - 1, 0) == 9, "days_left: rounded down");
	ok(cert_days_left(5, 0) == 0, "days_left: the last day is 0");
	ok(cert_days_left(0, 1) == -1, "days_left: a second past is -1");
	ok(cert_days_left(0, 86400) == -1, "days_left: a day past is -1");
	ok(cert_days_left(0, 86401) == -2, "days_left: more than a day is -2");
	return tap_done();
}
