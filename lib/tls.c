#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certinfo.h"
#include "exitcode.h"
#include "sockclose.h"
#include "timing.h"
#include "tls.h"

/* Where the distributions keep their bundles and hashed directories. */
static const char *const trust_files[] = {
	"/etc/ssl/certs/ca-certificates.crt",	/* Debian, Ubuntu, Alpine */
	"/etc/pki/tls/certs/ca-bundle.crt",	/* Fedora, RHEL */
	"/etc/ssl/ca-bundle.pem",		/* openSUSE */
	"/etc/ssl/cert.pem",			/* Alpine, the BSDs */
};
static const char *const trust_dirs[] = {
	"/etc/ssl/certs",
	"/etc/pki/tls/certs",
};

#define ALPN_NAME_MAX	255

/* The alerts of RFC 8446 6.2 that say why a peer refused us. */
enum {
	ALERT_HANDSHAKE_FAILURE = 40,
	ALERT_BAD_CERTIFICATE = 42,
	ALERT_UNSUPPORTED_CERTIFICATE = 43,
	ALERT_CERTIFICATE_REVOKED = 44,
	ALERT_CERTIFICATE_EXPIRED = 45,
	ALERT_CERTIFICATE_UNKNOWN = 46,
	ALERT_UNKNOWN_CA = 48,
	ALERT_ACCESS_DENIED = 49,
	ALERT_CERTIFICATE_REQUIRED = 116,
};

const char *
tls_class_name(enum tls_class class)
{
	switch (class) {
	case TLS_OK:			return "ok";
	case TLS_EXPIRED:		return "expired";
	case TLS_NOT_YET_VALID:		return "not_yet_valid";
	case TLS_UNTRUSTED:		return "untrusted";
	case TLS_NAME_MISMATCH:		return "name_mismatch";
	case TLS_REJECTED:		return "rejected";
	case TLS_PROTOCOL:		return "protocol";
	case TLS_EXPIRES_SOON:		return "expires_soon";
	case TLS_TIMEOUT:		return "timeout";
	case TLS_CLOSED:		return "closed";
	case TLS_UNREADABLE:		return "unreadable";
	case TLS_CONFIG:		return "config";
	case TLS_SYSTEM:		return "system";
	}
	return "system";
}

int
tls_exit_status(enum tls_class class)
{
	switch (class) {
	case TLS_OK:
		return EX_OK;
	case TLS_EXPIRES_SOON:
		return EX_DATAERR;
	case TLS_UNREADABLE:
		return EX_NOINPUT;
	case TLS_PROTOCOL:
		return EX_PROTOCOL;
	case TLS_TIMEOUT:
	case TLS_CLOSED:
		return EX_TEMPFAIL;
	case TLS_EXPIRED:
	case TLS_NOT_YET_VALID:
	case TLS_UNTRUSTED:
	case TLS_NAME_MISMATCH:
	case TLS_REJECTED:
		return EX_NOPERM;
	case TLS_CONFIG:
		return EX_CONFIG;
	case TLS_SYSTEM:
		break;
	}
	return EX_OSERR;
}

bool
tls_retryable(enum tls_class class)
{
	/* a server still starting; never a certificate that failed */
	return class == TLS_TIMEOUT || class == TLS_CLOSED;
}

int
tls_fail(struct tls_error *e, enum tls_class class, const char *fmt, ...)
{
	va_list ap;

	e->class = class;
	va_start(ap, fmt);
	(void)vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* Whether alert says the peer would not take our certificate. */
static bool
certificate_alert(int alert)
{
	switch (alert) {
	case ALERT_BAD_CERTIFICATE:
	case ALERT_UNSUPPORTED_CERTIFICATE:
	case ALERT_CERTIFICATE_REVOKED:
	case ALERT_CERTIFICATE_EXPIRED:
	case ALERT_CERTIFICATE_UNKNOWN:
	case ALERT_UNKNOWN_CA:
	case ALERT_ACCESS_DENIED:
	case ALERT_CERTIFICATE_REQUIRED:
		return true;
	default:
		return false;
	}
}

void
tls_alert_failed(int alert, bool cert_requested, const char *words,
    struct tls_error *e)
{
	/* a TLS 1.2 server that wants a certificate we did not give */
	if (certificate_alert(alert) || (cert_requested &&
	    alert == ALERT_HANDSHAKE_FAILURE))
		(void)tls_fail(e, TLS_REJECTED,
		    "the peer rejected our certificate: %s", words);
	else
		(void)tls_fail(e, TLS_PROTOCOL, "the peer sent an alert: %s",
		    words);
}

int
tls_readable(const char *what, const char *path, bool *is_dir,
    struct tls_error *e)
{
	struct stat st;
	int fd;

	/* open(2) says what access(2) would not for root: can it be read */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		int saved = errno;

		if (fd != -1)
			close(fd);
		return tls_fail(e, TLS_UNREADABLE, "%s %s: %s", what, path,
		    strerror(saved));
	}
	close(fd);
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

/* Whether path exists as a file (dir false) or directory (dir true). */
static bool
exists(const char *path, bool dir)
{
	struct stat st;

	return stat(path, &st) == 0 && (dir ? S_ISDIR(st.st_mode) :
	    S_ISREG(st.st_mode));
}

/* A trust store named in the environment that cannot be read: 78. */
static int
unusable(struct tls_error *e)
{
	e->class = TLS_CONFIG;
	return -1;
}

int
tls_trust_store(const char **file, const char **dir, struct tls_error *e)
{
	const char *env_file = getenv("SSL_CERT_FILE");
	const char *env_dir = getenv("SSL_CERT_DIR");
	bool is_dir;
	size_t i;

	*file = *dir = NULL;
	/* what OpenSSL reads too: the user's choice, checked as --ca is */
	if ((env_file != NULL && *env_file != '\0') ||
	    (env_dir != NULL && *env_dir != '\0')) {
		if (env_file != NULL && *env_file != '\0') {
			if (tls_readable("SSL_CERT_FILE", env_file, &is_dir,
			    e) == -1)
				return unusable(e);
			*file = env_file;
		}
		if (env_dir != NULL && *env_dir != '\0') {
			if (tls_readable("SSL_CERT_DIR", env_dir, &is_dir,
			    e) == -1)
				return unusable(e);
			*dir = env_dir;
		}
		return 0;
	}
	for (i = 0; i < sizeof(trust_files) / sizeof(trust_files[0]); i++)
		if (exists(trust_files[i], false)) {
			*file = trust_files[i];
			return 0;
		}
	for (i = 0; i < sizeof(trust_dirs) / sizeof(trust_dirs[0]); i++)
		if (exists(trust_dirs[i], true)) {
			*dir = trust_dirs[i];
			return 0;
		}
	return tls_fail(e, TLS_CONFIG, "no trust store found (neither "
	    "SSL_CERT_FILE nor %s): name one with --ca", trust_files[0]);
}

int
tls_alpn_wire(const char *list, unsigned char *out, size_t size,
    const char **errstr)
{
	const char *p = list, *comma;
	size_t len, used = 0;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			*errstr = "empty protocol name";
			return -1;
		}
		if (len > ALPN_NAME_MAX) {
			*errstr = "protocol name too long";
			return -1;
		}
		if (used + 1 + len > size) {
			*errstr = "list too long";
			return -1;
		}
		out[used++] = (unsigned char)len;
		memcpy(out + used, p, len);
		used += len;
		if (comma == NULL)
			return (int)used;
		p = comma + 1;
	}
}

bool
tls_is_ip(const char *name)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

int
tls_info_add_name(struct tls_info *info, const char *name)
{
	char **v, *copy;

	if ((copy = strdup(name)) == NULL)
		return -1;
	if ((v = reallocarray(info->names, info->nnames + 1,
	    sizeof(*v))) == NULL) {
		free(copy);
		return -1;
	}
	v[info->nnames++] = copy;
	info->names = v;
	return 0;
}

void
tls_info_free(struct tls_info *info)
{
	size_t i;

	for (i = 0; i < info->nnames; i++)
		free(info->names[i]);
	free(info->names);
	info->names = NULL;
	info->nnames = 0;
}

static ssize_t
tls_stream_read(struct stream *s, void *buf, size_t len)
{
	return tls_read(s->impl, buf, len, &s->rd_events);
}

static ssize_t
tls_stream_write(struct stream *s, const void *buf, size_t len)
{
	return tls_write(s->impl, buf, len, &s->wr_events);
}

static int
tls_stream_shutdown(struct stream *s)
{
	return tls_shutdown(s->impl, &s->wr_events);
}

static void
tls_stream_close(struct stream *s, bool reset)
{
	tls_free(s->impl);
	s->impl = NULL;
	if (reset)
		close_reset(s->fd);
	else
		close(s->fd);
	s->fd = -1;
}

static const struct stream_ops tls_stream_ops = {
	.read = tls_stream_read,
	.write = tls_stream_write,
	.shutdown = tls_stream_shutdown,
	.close = tls_stream_close,
};

void
tls_stream(struct stream *s, struct tls_conn *conn, int fd)
{
	s->ops = &tls_stream_ops;
	s->fd = fd;
	s->impl = conn;
	s->rd_events = POLLIN;
	s->wr_events = POLLOUT;
	s->spliceable = false;
}

/*
 * TCP_NODELAY: a reply and the close_notify after it are two small
 * records, and Nagle held the second until the peer's delayed ACK, 40
 * ms a connection (tcp-listen --tls --reply's handshake rate); records
 * of data are whole already.  A Unix socket has no Nagle to turn off.
 */
int
tls_socket_ready(int fd, struct tls_error *e)
{
	int flags, on = 1;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(errno));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return 0;
}

int
tls_wait(int fd, short events, long long deadline, struct tls_error *e)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&pfd, 1, poll_timeout(time_left(deadline, now_ms())));
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return tls_fail(e, TLS_SYSTEM, "poll: %s", strerror(errno));
	if (n == 0)
		return tls_fail(e, TLS_TIMEOUT, "timed out in the handshake");
	return 0;
}

/* conn's role: every backend's struct tls_conn begins with it. */
static struct tls_role *
role_of(struct tls_conn *conn)
{
	/* a pointer to a struct, converted, points to its first member */
	return (struct tls_role *)(void *)conn;
}

/* A verification that found class, in the suite's words. */
static void
verify_failed(enum tls_class class, const char *why, const char *name,
    const struct tls_info *info, struct tls_error *e)
{
	char when[ISO8601_MAX];

	switch (class) {
	case TLS_EXPIRED:
		(void)tls_fail(e, class, "certificate expired on %s",
		    iso8601_utc(info->not_after, when));
		break;
	case TLS_NOT_YET_VALID:
		(void)tls_fail(e, class, "certificate not valid before %s",
		    iso8601_utc(info->not_before, when));
		break;
	case TLS_NAME_MISMATCH:
		(void)tls_fail(e, class, "certificate is not for %s",
		    name != NULL ? name : "?");
		break;
	default:
		(void)tls_fail(e, TLS_UNTRUSTED, "certificate not trusted: %s",
		    why);
	}
}

/*
 * What the handshake of conn learned into info, done or not, the
 * failure already in info->err kept: a verification that failed says
 * why, and a server that required a client certificate and got none
 * says so.
 */
static void
learned(struct tls_conn *conn, struct tls_info *info)
{
	const struct tls_role *role = role_of(conn);
	struct tls_error e = info->err;
	const char *why = "certificate verify failed";
	enum tls_class found;

	memset(info, 0, sizeof(*info));
	info->err = e;
	found = tls_backend_learned(conn, info, &why);
	if (role->verify && found != TLS_OK && info->have_cert)
		verify_failed(found, why, role->name, info, &info->err);
	else if (role->server && role->verify && !info->have_cert &&
	    e.class != TLS_OK && e.class != TLS_TIMEOUT &&
	    e.class != TLS_CLOSED)
		(void)tls_fail(&info->err, TLS_UNTRUSTED,
		    "no client certificate: %s", e.message);
	info->verified = role->verify && info->err.class == TLS_OK;
}

int
tls_handshake_step(struct tls_conn *conn, short *events,
    struct tls_info *info)
{
	info->err.class = TLS_OK;
	if (tls_backend_step(conn, events, &info->err) == 0)
		return 0;
	learned(conn, info);
	return info->err.class == TLS_OK ? 1 : -1;
}

struct tls_conn *
tls_connect(struct tls_client *c, int fd, const char *servername,
    long long deadline, struct tls_info *info)
{
	struct tls_conn *conn;
	short events;
	int rc;

	memset(info, 0, sizeof(*info));
	if ((conn = tls_backend_connect(c, fd, servername,
	    &info->err)) == NULL)
		return NULL;
	while ((rc = tls_handshake_step(conn, &events, info)) == 0)
		if (tls_wait(fd, events, deadline, &info->err) == -1) {
			/* what it got before the time ran out */
			learned(conn, info);
			break;
		}
	/* servername is the caller's: checked, then forgotten */
	role_of(conn)->name = NULL;
	if (rc == 1)
		return conn;
	tls_free(conn);
	return NULL;
}
