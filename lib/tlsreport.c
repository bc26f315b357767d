#include <err.h>
#include <time.h>

#include "certinfo.h"
#include "json.h"
#include "tlsreport.h"

int
tls_warn(const char *name, const struct tls_error *e)
{
	warnx("tls %s: %s", name, e->message);
	return tls_exit_status(e->class);
}

void
tls_report(const char *name, const struct tls_info *info)
{
	char when[ISO8601_MAX], alpn[sizeof(info->alpn) + sizeof(", ALPN ")];

	alpn[0] = '\0';
	if (info->alpn[0] != '\0')
		(void)snprintf(alpn, sizeof(alpn), ", ALPN %s", info->alpn);
	if (!info->have_cert) {
		warnx("tls %s: %s %s%s", name, info->version, info->cipher,
		    alpn);
		return;
	}
	warnx("tls %s: %s %s%s, %s (issued by %s), %s, valid until %s "
	    "(%lld days)", name, info->version, info->cipher, alpn,
	    info->subject, info->issuer,
	    info->verified ? "verified" : "not verified",
	    iso8601_utc(info->not_after, when),
	    cert_days_left(info->not_after, time(NULL)));
}

/* "key":"value" after other members. */
static void
member(FILE *f, const char *key, const char *value)
{
	json_key(f, key, 0);
	json_string(f, value);
}

void
json_tls(FILE *f, const struct tls_info *info)
{
	char when[ISO8601_MAX];

	json_key(f, "tls", 0);
	fputc('{', f);
	json_key(f, "version", 1);
	json_string(f, info->version);
	member(f, "cipher", info->cipher);
	json_key(f, "alpn", 0);
	if (info->alpn[0] != '\0')
		json_string(f, info->alpn);
	else
		fputs("null", f);
	json_key(f, "verified", 0);
	fputs(info->verified ? "true" : "false", f);
	if (info->have_cert) {
		member(f, "subject", info->subject);
		member(f, "issuer", info->issuer);
		json_key(f, "names", 0);
		json_string_array(f, info->names, (long)info->nnames);
		member(f, "not_before", iso8601_utc(info->not_before, when));
		member(f, "not_after", iso8601_utc(info->not_after, when));
		json_key(f, "days_left", 0);
		fprintf(f, "%lld", cert_days_left(info->not_after,
		    time(NULL)));
	}
	if (info->err.class != TLS_OK) {
		member(f, "error", tls_class_name(info->err.class));
		member(f, "reason", info->err.message);
	}
	fputc('}', f);
}
