/*
 * The backend of a build without TLS (-Dtls=disabled): every call
 * says so.
 */
#include <errno.h>
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

int
tls_close_check(struct tls_conn *conn, long long deadline,
    struct tls_info *info)
{
	(void)conn;
	(void)deadline;
	return tls_fail(&info->err, TLS_CONFIG, "TLS: this build has none");
}

struct tls_server *
tls_server_new(const struct tls_server_options *o, struct tls_error *e)
{
	(void)o;
	(void)tls_fail(e, TLS_CONFIG, "TLS: this build has none");
	return NULL;
}

void
tls_server_free(struct tls_server *s)
{
}

/* Nothing below is reached: no client or server is ever made. */

struct tls_conn *
tls_accept(struct tls_server *s, int fd, struct tls_error *e)
{
	(void)s;
	(void)fd;
	(void)tls_fail(e, TLS_CONFIG, "TLS: this build has none");
	return NULL;
}

struct tls_conn *
tls_backend_connect(struct tls_client *c, int fd, const char *servername,
    struct tls_error *e)
{
	(void)c;
	(void)fd;
	(void)servername;
	(void)tls_fail(e, TLS_CONFIG, "TLS: this build has none");
	return NULL;
}

int
tls_backend_step(struct tls_conn *conn, short *events, struct tls_error *e)
{
	(void)conn;
	(void)events;
	return tls_fail(e, TLS_CONFIG, "TLS: this build has none");
}

enum tls_class
tls_backend_learned(const struct tls_conn *conn, struct tls_info *info,
    const char **why)
{
	(void)conn;
	(void)info;
	(void)why;
	return TLS_OK;
}

ssize_t
tls_read(struct tls_conn *conn, void *buf, size_t len, short *events)
{
	(void)conn;
	(void)buf;
	(void)len;
	(void)events;
	errno = ENOTSUP;
	return -1;
}

ssize_t
tls_write(struct tls_conn *conn, const void *buf, size_t len, short *events)
{
	(void)conn;
	(void)buf;
	(void)len;
	(void)events;
	errno = ENOTSUP;
	return -1;
}

int
tls_shutdown(struct tls_conn *conn, short *events)
{
	(void)conn;
	(void)events;
	errno = ENOTSUP;
	return -1;
}

void
tls_free(struct tls_conn *conn)
{
}
