/*
 * The backend of a build without TLS (-Dtls=disabled): every call
 * says so.
 */
#include <stddef.h>

#include "tls.h"

bool
tls_available(void)
{
	return false;
}

struct tls_client *
tls_client_new(const struct tls_client_options *o, struct tls_error *e)
{
	(void)o;
	(void)tls_fail(e, TLS_CONFIG, "TLS: this build has none");
	return NULL;
}

void
tls_client_free(struct tls_client *c)
{
}

struct tls_conn *
tls_connect(struct tls_client *c, int fd, const char *servername,
    long long deadline, struct tls_info *info)
{
	(void)c;
	(void)fd;
	(void)servername;
	(void)deadline;
	(void)tls_fail(&info->err, TLS_CONFIG, "TLS: this build has none");
	return NULL;
}

int
tls_close_check(struct tls_conn *conn, long long deadline,
    struct tls_info *info)
{
	(void)conn;
	(void)deadline;
	return tls_fail(&info->err, TLS_CONFIG, "TLS: this build has none");
}
