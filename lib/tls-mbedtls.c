/*
 * The mbedTLS 3.6 backend of tls.h (the static build: static/musl-deps
 * builds the library with static/mbedtls-config.h): the only file that
 * sees mbedTLS's types, so that moving to 4.x touches this file alone.
 * The library's randomness is PSA's external RNG, given here by
 * getrandom(2): an empty root has no /dev/urandom to read.
 *
 * mbedTLS has no accessor for two things the suite reports, so this
 * file reads two of its private fields (MBEDTLS_ALLOW_PRIVATE_ACCESS):
 * the description of the fatal alert received (in_msg[1], where the
 * alert still is when the call fails), and the handshake's state when a
 * TLS 1.2 server refused it (past ServerHelloDone: it had asked for our
 * certificate by then, and has just seen the one we sent or that we
 * sent none).
 */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/psa_util.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include "certinfo.h"
#include "timing.h"
#include "tls.h"

/* At most this long for the peer's answer to our close_notify. */
#define CLOSE_CHECK_MS	1000
/* Attributes of a name beyond these are left out of its text. */
#define DN_ATTRS_MAX	32
/* A dotted OID's text, for an attribute mbedTLS has no name for. */
#define OID_TEXT_MAX	64
/* ALPN names, as mbedTLS takes them: NULL-terminated. */
#define ALPN_MAX	32
/* The SAN types of RFC 5280 4.2.1.6 the suite shows. */
#define SAN_DNS		2
#define SAN_IP		7

/* A client's or a server's settings, and what they read. */
struct side {
	mbedtls_ssl_config	 conf;
	mbedtls_x509_crt	 ca;
	mbedtls_x509_crt	 cert;
	mbedtls_pk_context	 key;
	char			*alpn_names;	/* the --alpn list, cut up */
	const char		*alpn[ALPN_MAX + 1];
};

struct tls_client {
	struct side		 side;
	bool			 insecure;
};

struct tls_server {
	struct side		 side;
	bool			 verify;	/* client certificates required */
};

struct tls_conn {
	struct tls_role		 role;		/* first: tls.c's (tls.h) */
	mbedtls_ssl_context	 ssl;
	int			 fd;
	int			 sys_errno;	/* a send or recv that failed */
	bool			 check_ip;	/* the IP SANs, against ip */
	unsigned char		 ip[sizeof(struct in6_addr)];
	size_t			 ip_len;
	uint32_t		 flags;		/* what verification found */
	mbedtls_x509_crt	 leaf;		/* the peer's, as verification saw it */
};

bool
tls_available(void)
{
	return true;
}

/*
 * PSA's randomness (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG): the kernel's, which
 * blocks only until it is seeded, at boot.
 */
psa_status_t
mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
    uint8_t *out, size_t size, size_t *len)
{
	size_t got = 0;
	ssize_t n;

	(void)ctx;
	while (got < size) {
		if ((n = getrandom(out + got, size - got, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return PSA_ERROR_INSUFFICIENT_ENTROPY;
		}
		got += (size_t)n;
	}
	*len = size;
	return PSA_SUCCESS;
}

/* PSA, once: TLS 1.3 and the keys go through it. */
static int
start_psa(struct tls_error *e)
{
	static bool started;

	if (!started && psa_crypto_init() != PSA_SUCCESS)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
	started = true;
	return 0;
}

/* The trust anchors: --ca, or the system's store (file and/or dir). */
static int
load_trust(struct side *side, const char *ca, struct tls_error *e)
{
	const char *file, *dir, *what = ca != NULL ? "--ca" : "trust store";
	bool is_dir;
	int ret = 0;

	if (ca != NULL) {
		if (tls_readable("--ca", ca, &is_dir, e) == -1)
			return -1;
		file = is_dir ? NULL : ca;
		dir = is_dir ? ca : NULL;
	} else if (tls_trust_store(&file, &dir, e) == -1)
		return -1;
	/* a bundle's certificate mbedTLS cannot read is left out */
	if (file != NULL && (ret = mbedtls_x509_crt_parse_file(&side->ca,
	    file)) < 0)
		return tls_fail(e, TLS_CONFIG,
		    "%s %s: no PEM certificate could be read (-0x%04x)", what,
		    file, (unsigned int)-ret);
	/* a hashed directory is read whole: each file in it */
	if (dir != NULL && (ret = mbedtls_x509_crt_parse_path(&side->ca,
	    dir)) < 0)
		return tls_fail(e, TLS_CONFIG,
		    "%s %s: no PEM certificate could be read (-0x%04x)", what,
		    dir, (unsigned int)-ret);
	if (side->ca.raw.len == 0)
		return tls_fail(e, TLS_CONFIG, "%s %s: no certificate in it",
		    what, file != NULL ? file : dir);
	mbedtls_ssl_conf_ca_chain(&side->conf, &side->ca, NULL);
	return 0;
}

/* Our certificate (its chain after it) and its key. */
static int
load_identity(struct side *side, const char *cert, const char *key,
    struct tls_error *e)
{
	bool is_dir;
	int ret;

	if (key == NULL)
		key = cert;
	if (tls_readable("--cert", cert, &is_dir, e) == -1 ||
	    tls_readable("--key", key, &is_dir, e) == -1)
		return -1;
	if ((ret = mbedtls_x509_crt_parse_file(&side->cert, cert)) != 0)
		return tls_fail(e, TLS_CONFIG,
		    "--cert %s: not PEM certificates (-0x%04x)", cert,
		    (unsigned int)(ret < 0 ? -ret : ret));
	if ((ret = mbedtls_pk_parse_keyfile(&side->key, key, NULL,
	    mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE)) != 0)
		return tls_fail(e, TLS_CONFIG, "--key %s: %s", key,
		    ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED ?
		    "the key is encrypted" : "no PEM private key in it");
	if (mbedtls_pk_check_pair(&side->cert.pk, &side->key,
	    mbedtls_psa_get_random, MBEDTLS_PSA_RANDOM_STATE) != 0)
		return tls_fail(e, TLS_CONFIG,
		    "--key %s: does not match the certificate %s", key, cert);
	if (mbedtls_ssl_conf_own_cert(&side->conf, &side->cert,
	    &side->key) != 0)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
	return 0;
}

/*
 * The --alpn list, as the NULL-terminated names mbedTLS offers (a
 * client) or accepts (a server: the first of them the client offers,
 * none in common failing with no_application_protocol, as RFC 7301 3.2).
 */
static int
set_alpn(struct side *side, const char *list, struct tls_error *e)
{
	unsigned char wire[TLS_ALPN_WIRE_MAX];
	const char *errstr;
	size_t n = 0;
	char *p;

	if (tls_alpn_wire(list, wire, sizeof(wire), &errstr) == -1)
		return tls_fail(e, TLS_CONFIG, "--alpn %s: %s", list, errstr);
	if ((side->alpn_names = strdup(list)) == NULL)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
	for (p = side->alpn_names; p != NULL && n < ALPN_MAX; n++)
		side->alpn[n] = strsep(&p, ",");
	if (p != NULL)
		return tls_fail(e, TLS_CONFIG, "--alpn %s: %s", list,
		    "more than 32 protocols");
	side->alpn[n] = NULL;
	if (mbedtls_ssl_conf_alpn_protocols(&side->conf, side->alpn) != 0)
		return tls_fail(e, TLS_CONFIG, "--alpn %s: %s", list,
		    "not taken");
	return 0;
}

/*
 * side's settings for a client or a server (endpoint): TLS 1.2 and
 * 1.3, the randomness, and verification of the peer as authmode says.
 */
static int
side_init(struct side *side, int endpoint, int authmode, struct tls_error *e)
{
	mbedtls_ssl_config_init(&side->conf);
	mbedtls_x509_crt_init(&side->ca);
	mbedtls_x509_crt_init(&side->cert);
	mbedtls_pk_init(&side->key);
	if (start_psa(e) == -1)
		return -1;
	if (mbedtls_ssl_config_defaults(&side->conf, endpoint,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
	mbedtls_ssl_conf_min_tls_version(&side->conf,
	    MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_rng(&side->conf, mbedtls_psa_get_random,
	    MBEDTLS_PSA_RANDOM_STATE);
	mbedtls_ssl_conf_authmode(&side->conf, authmode);
	return 0;
}

static void
side_free(struct side *side)
{
	mbedtls_ssl_config_free(&side->conf);
	mbedtls_x509_crt_free(&side->ca);
	mbedtls_x509_crt_free(&side->cert);
	mbedtls_pk_free(&side->key);
	free(side->alpn_names);
}

struct tls_client *
tls_client_new(const struct tls_client_options *o, struct tls_error *e)
{
	struct tls_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	c->insecure = o->insecure;
	if (side_init(&c->side, MBEDTLS_SSL_IS_CLIENT, o->insecure ?
	    MBEDTLS_SSL_VERIFY_NONE : MBEDTLS_SSL_VERIFY_REQUIRED, e) == -1 ||
	    (!o->insecure && load_trust(&c->side, o->ca, e) == -1) ||
	    (o->cert != NULL && load_identity(&c->side, o->cert, o->key,
	    e) == -1) ||
	    (o->alpn != NULL && set_alpn(&c->side, o->alpn, e) == -1)) {
		tls_client_free(c);
		return NULL;
	}
	return c;
}

void
tls_client_free(struct tls_client *c)
{
	if (c == NULL)
		return;
	side_free(&c->side);
	free(c);
}

struct tls_server *
tls_server_new(const struct tls_server_options *o, struct tls_error *e)
{
	struct tls_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	s->verify = o->ca != NULL;
	if (side_init(&s->side, MBEDTLS_SSL_IS_SERVER, s->verify ?
	    MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE, e) == -1 ||
	    load_identity(&s->side, o->cert, o->key, e) == -1 ||
	    (s->verify && load_trust(&s->side, o->ca, e) == -1) ||
	    (o->alpn != NULL && set_alpn(&s->side, o->alpn, e) == -1)) {
		tls_server_free(s);
		return NULL;
	}
	return s;
}

void
tls_server_free(struct tls_server *s)
{
	if (s == NULL)
		return;
	side_free(&s->side);
	free(s);
}

/*
 * A send or recv that could not go on: a wait, or a failure (failed,
 * which mbedTLS hands back as it is) whose errno is kept.
 */
static int
bio_failed(struct tls_conn *conn, int want, int failed)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return want;
	conn->sys_errno = errno;
	return failed;
}

/* Whether ret is a send's or recv's failure, sys_errno its errno. */
static bool
bio_error(int ret)
{
	return ret == MBEDTLS_ERR_NET_SEND_FAILED ||
	    ret == MBEDTLS_ERR_NET_RECV_FAILED;
}

static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *conn = ctx;
	ssize_t n;

	do
		n = send(conn->fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n >= 0 ? (int)n : bio_failed(conn, MBEDTLS_ERR_SSL_WANT_WRITE,
	    MBEDTLS_ERR_NET_SEND_FAILED);
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_conn *conn = ctx;
	ssize_t n;

	do
		n = recv(conn->fd, buf, len, 0);
	while (n == -1 && errno == EINTR);
	return n >= 0 ? (int)n : bio_failed(conn, MBEDTLS_ERR_SSL_WANT_READ,
	    MBEDTLS_ERR_NET_RECV_FAILED);
}

/* name as RFC 4514 text into buf (certinfo.h). */
static void
name_text(const mbedtls_x509_name *name, char *buf, size_t size)
{
	struct dn_attr v[DN_ATTRS_MAX];
	char oid[DN_ATTRS_MAX][OID_TEXT_MAX];
	size_t n = 0;

	for (; name != NULL && n < DN_ATTRS_MAX; name = name->next) {
		if (name->oid.p == NULL)
			continue;
		if (mbedtls_oid_get_attr_short_name(&name->oid,
		    &v[n].type) != 0) {
			if (mbedtls_oid_get_numeric_string(oid[n],
			    sizeof(oid[n]), &name->oid) < 0)
				(void)snprintf(oid[n], sizeof(oid[n]), "?");
			v[n].type = oid[n];
		}
		v[n].value = name->val.p;
		v[n].len = name->val.len;
		n++;
	}
	dn_format(v, n, buf, size);
}

/* A certificate's time as a time_t; 0 if it cannot be one. */
static time_t
x509_time(const mbedtls_x509_time *at)
{
	time_t t;

	return cert_time(at->year, at->mon, at->day, at->hour, at->min,
	    at->sec, &t) == 0 ? t : 0;
}

/* The DNS and IP subject alternative names of cert into info. */
static void
san_names(const mbedtls_x509_crt *cert, struct tls_info *info)
{
	const mbedtls_x509_sequence *san;
	char text[INET6_ADDRSTRLEN];
	char *name;

	for (san = &cert->subject_alt_names; san != NULL; san = san->next) {
		if (san->buf.p == NULL)
			continue;
		switch (san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) {
		case SAN_DNS:
			/* a name with a NUL in it is no name */
			if (memchr(san->buf.p, '\0', san->buf.len) != NULL ||
			    (name = strndup((const char *)san->buf.p,
			    san->buf.len)) == NULL)
				break;
			(void)tls_info_add_name(info, name);
			free(name);
			break;
		case SAN_IP:
			if ((san->buf.len == 4 && inet_ntop(AF_INET,
			    san->buf.p, text, sizeof(text)) != NULL) ||
			    (san->buf.len == 16 && inet_ntop(AF_INET6,
			    san->buf.p, text, sizeof(text)) != NULL))
				(void)tls_info_add_name(info, text);
			break;
		default:
			break;
		}
	}
}

/* The certificate's fields, verified or not. */
static void
cert_fields(const mbedtls_x509_crt *cert, struct tls_info *info)
{
	info->have_cert = true;
	name_text(&cert->subject, info->subject, sizeof(info->subject));
	name_text(&cert->issuer, info->issuer, sizeof(info->issuer));
	info->not_before = x509_time(&cert->valid_from);
	info->not_after = x509_time(&cert->valid_to);
	san_names(cert, info);
}

/* Whether cert has an IP SAN of the len bytes of ip. */
static bool
has_ip(const mbedtls_x509_crt *cert, const unsigned char *ip, size_t len)
{
	const mbedtls_x509_sequence *san;

	for (san = &cert->subject_alt_names; san != NULL; san = san->next)
		if ((san->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == SAN_IP &&
		    san->buf.len == len && memcmp(san->buf.p, ip, len) == 0)
			return true;
	return false;
}

/*
 * mbedTLS's verification of each certificate of the chain, watched: the
 * leaf, kept (a handshake whose verification fails does not give the
 * certificate afterwards), its IP SANs checked against an address (no
 * SNI then, so no name of mbedTLS's own check), and every problem found.
 */
static int
verified(void *ctx, mbedtls_x509_crt *cert, int depth, uint32_t *flags)
{
	struct tls_conn *conn = ctx;

	if (depth == 0) {
		if (conn->leaf.raw.p == NULL)
			(void)mbedtls_x509_crt_parse_der(&conn->leaf,
			    cert->raw.p, cert->raw.len);
		if (conn->check_ip && !has_ip(cert, conn->ip, conn->ip_len))
			*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	}
	conn->flags |= *flags;
	return 0;
}

/* The cipher suite's IANA name: mbedTLS's, with "_" and no "1-3-". */
static void
iana_cipher(const char *name, char *buf, size_t size)
{
	const char *tls13 = "TLS1-3-";
	char *p;

	if (strncmp(name, tls13, strlen(tls13)) == 0)
		(void)snprintf(buf, size, "TLS_%s", name + strlen(tls13));
	else
		(void)snprintf(buf, size, "%s", name);
	for (p = buf; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
}

/* What the handshake agreed on, and the peer's certificate (or leaf). */
static void
fill_info(const mbedtls_ssl_context *ssl, const mbedtls_x509_crt *leaf,
    struct tls_info *info)
{
	const mbedtls_x509_crt *cert;
	const char *alpn, *cipher;

	(void)snprintf(info->version, sizeof(info->version), "%s",
	    mbedtls_ssl_get_version(ssl));
	/* none before the handshake is over */
	if ((cipher = mbedtls_ssl_get_ciphersuite(ssl)) != NULL)
		iana_cipher(cipher, info->cipher, sizeof(info->cipher));
	alpn = mbedtls_ssl_get_alpn_protocol(ssl);
	(void)snprintf(info->alpn, sizeof(info->alpn), "%s",
	    alpn != NULL ? alpn : "");
	if ((cert = mbedtls_ssl_get_peer_cert(ssl)) == NULL &&
	    (cert = leaf) == NULL)
		return;
	cert_fields(cert, info);
}

/* Why the chain of info's certificate is not trusted, in OpenSSL's words. */
static const char *
untrusted_why(uint32_t flags, const struct tls_info *info)
{
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
		return strcmp(info->subject, info->issuer) == 0 ?
		    "self-signed certificate" :
		    "unable to get local issuer certificate";
	if (flags & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK |
	    MBEDTLS_X509_BADCERT_BAD_KEY))
		return "a hash or key too weak or not supported";
	if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE |
	    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE | MBEDTLS_X509_BADCERT_NS_CERT_TYPE))
		return "unsuitable certificate purpose";
	return "certificate verify failed";
}

enum tls_class
tls_backend_learned(const struct tls_conn *conn, struct tls_info *info,
    const char **why)
{
	uint32_t flags = conn->flags;

	fill_info(&conn->ssl, conn->leaf.raw.p != NULL ? &conn->leaf : NULL,
	    info);
	/* as OpenSSL finds them: the chain, then the times, then the name */
	if (flags & ~(MBEDTLS_X509_BADCERT_EXPIRED |
	    MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_CN_MISMATCH)) {
		*why = untrusted_why(flags, info);
		return TLS_UNTRUSTED;
	}
	if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
		return TLS_EXPIRED;
	if (flags & MBEDTLS_X509_BADCERT_FUTURE)
		return TLS_NOT_YET_VALID;
	return flags != 0 ? TLS_NAME_MISMATCH : TLS_OK;
}

/*
 * An alert's description, in OpenSSL's words (SSL_alert_desc_string_long).
 * The words in the table itself, not pointed to: a pointer in a static
 * PIE costs a relocation (24 bytes) besides itself.
 */
static const char *
alert_words(int alert)
{
	static const struct {
		unsigned char	 alert;
		char		 words[24];
	} words[] = {
		{ MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE, "unexpected_message" },
		{ MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC, "bad record mac" },
		{ MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW, "record overflow" },
		{ MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE, "handshake failure" },
		{ MBEDTLS_SSL_ALERT_MSG_BAD_CERT, "bad certificate" },
		{ MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT,
		    "unsupported certificate" },
		{ MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED, "certificate revoked" },
		{ MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED, "certificate expired" },
		{ MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN, "certificate unknown" },
		{ MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER, "illegal parameter" },
		{ MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA, "unknown CA" },
		{ MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED, "access denied" },
		{ MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR, "decode error" },
		{ MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR, "decrypt error" },
		{ MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION, "protocol version" },
		{ MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY,
		    "insufficient security" },
		{ MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR, "internal error" },
		{ MBEDTLS_SSL_ALERT_MSG_USER_CANCELED, "user canceled" },
		{ MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION, "no renegotiation" },
		{ MBEDTLS_SSL_ALERT_MSG_MISSING_EXTENSION, "missing extension" },
		{ MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_EXT,
		    "unsupported extension" },
		{ MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME, "unrecognized name" },
		{ MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY,
		    "unknown PSK identity" },
		{ MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED, "certificate required" },
		{ MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL,
		    "no application protocol" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].alert == alert)
			return words[i].words;
	return "unknown";
}

/* The fatal alert the peer sent, as the failure it stands for. */
static void
alert_failed(const struct tls_conn *conn, struct tls_error *e)
{
	int alert = conn->ssl.MBEDTLS_PRIVATE(in_msg)[1];
	int state = conn->ssl.MBEDTLS_PRIVATE(state);

	/* past ServerHelloDone, a TLS 1.2 server had asked for ours */
	tls_alert_failed(alert, state > MBEDTLS_SSL_SERVER_HELLO_DONE &&
	    state < MBEDTLS_SSL_HANDSHAKE_OVER, alert_words(alert), e);
}

/* A protocol failure of mbedTLS's, in a few words. */
static const char *
protocol_words(int ret)
{
	switch (ret) {
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
		return "the peer does not speak TLS (an invalid record)";
	case MBEDTLS_ERR_SSL_INVALID_MAC:
		return "decryption failed or bad record mac";
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		return "no TLS version in common";
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		return "no cipher suite or group in common";
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return "an unexpected message";
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
		return "a malformed message";
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		return "a certificate mbedTLS cannot read";
	case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
		return "an illegal parameter";
	case MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION:
		return "an extension not asked for";
	case MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL:
		return "no application protocol";
	case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
		return "peer did not return a certificate";
	default:
		return NULL;
	}
}

/*
 * The failure of an mbedTLS call that returned ret on conn, other than
 * a wait: the certificate's verification, an alert, the end of the
 * connection, or the protocol.
 */
static void
call_failed(const struct tls_conn *conn, int ret, struct tls_error *e)
{
	const char *words;

	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
		(void)tls_fail(e, TLS_UNTRUSTED, "certificate not trusted");
	else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE)
		alert_failed(conn, e);
	else if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF ||
	    ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		(void)tls_fail(e, TLS_CLOSED, "the peer closed the connection");
	else if (bio_error(ret))
		(void)tls_fail(e, conn->sys_errno == ECONNRESET ||
		    conn->sys_errno == EPIPE ? TLS_CLOSED : TLS_SYSTEM, "%s",
		    strerror(conn->sys_errno));
	else if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
		(void)tls_fail(e, TLS_SYSTEM, "%s", strerror(ENOMEM));
	else if ((words = protocol_words(ret)) != NULL)
		(void)tls_fail(e, TLS_PROTOCOL, "%s", words);
	else
		(void)tls_fail(e, TLS_PROTOCOL, "TLS error -0x%04x",
		    (unsigned int)-ret);
}

/*
 * Whether ret of an mbedTLS call says: call again once the fd shows
 * *events (then set).
 */
static bool
wants(int ret, short *events)
{
	if (ret == MBEDTLS_ERR_SSL_WANT_READ)
		*events = POLLIN;
	else if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		*events = POLLOUT;
	else
		return false;
	return true;
}

/*
 * What conn checks of servername: the DNS name (and SNI) by mbedTLS, an
 * IP address by verified(), no SNI then.  Returns 0, or -1 (ENOMEM).
 */
static int
set_name(struct tls_conn *conn, const char *name)
{
	if (name != NULL && inet_pton(AF_INET, name, conn->ip) == 1)
		conn->ip_len = 4;
	else if (name != NULL && inet_pton(AF_INET6, name, conn->ip) == 1)
		conn->ip_len = 16;
	else
		return mbedtls_ssl_set_hostname(&conn->ssl, name) == 0 ? 0 : -1;
	conn->check_ip = conn->role.verify;
	/* NULL: no name of mbedTLS's to check, as asked */
	return mbedtls_ssl_set_hostname(&conn->ssl, NULL) == 0 ? 0 : -1;
}

/* A connection over fd (tls_socket_ready), with side's settings. */
static struct tls_conn *
conn_new(struct side *side, int fd, struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = calloc(1, sizeof(*conn))) == NULL) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	mbedtls_ssl_init(&conn->ssl);
	mbedtls_x509_crt_init(&conn->leaf);
	conn->fd = fd;
	if (tls_socket_ready(fd, e) == -1) {
		tls_free(conn);
		return NULL;
	}
	if (mbedtls_ssl_setup(&conn->ssl, &side->conf) != 0) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		tls_free(conn);
		return NULL;
	}
	mbedtls_ssl_set_bio(&conn->ssl, conn, bio_send, bio_recv, NULL);
	mbedtls_ssl_set_verify(&conn->ssl, verified, conn);
	return conn;
}

void
tls_free(struct tls_conn *conn)
{
	if (conn == NULL)
		return;
	mbedtls_ssl_free(&conn->ssl);
	mbedtls_x509_crt_free(&conn->leaf);
	free(conn);
}

int
tls_backend_step(struct tls_conn *conn, short *events, struct tls_error *e)
{
	int ret = mbedtls_ssl_handshake(&conn->ssl);

	if (ret == 0)
		return 1;
	if (wants(ret, events))
		return 0;
	call_failed(conn, ret, e);
	return -1;
}

struct tls_conn *
tls_backend_connect(struct tls_client *c, int fd, const char *servername,
    struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = conn_new(&c->side, fd, e)) == NULL)
		return NULL;
	conn->role.verify = !c->insecure;
	conn->role.name = servername;
	if (set_name(conn, servername) == -1) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		tls_free(conn);
		return NULL;
	}
	return conn;
}

struct tls_conn *
tls_accept(struct tls_server *s, int fd, struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = conn_new(&s->side, fd, e)) == NULL)
		return NULL;
	conn->role.server = true;
	conn->role.verify = s->verify;
	return conn;
}

/*
 * A read, write or close_notify that returned ret < 0: -1 with errno
 * EAGAIN (and *events), ECONNRESET or the system's for the connection,
 * EPROTO for the peer's TLS.
 */
static ssize_t
io_failed(const struct tls_conn *conn, int ret, short *events)
{
	if (wants(ret, events))
		errno = EAGAIN;
	else if (bio_error(ret) && conn->sys_errno != EPIPE)
		errno = conn->sys_errno;
	else if (bio_error(ret) || ret == MBEDTLS_ERR_SSL_CONN_EOF)
		errno = ECONNRESET;
	else if (ret == MBEDTLS_ERR_SSL_ALLOC_FAILED)
		errno = ENOMEM;
	else
		errno = EPROTO;
	return -1;
}

ssize_t
tls_read(struct tls_conn *conn, void *buf, size_t len, short *events)
{
	int ret;

	if ((ret = mbedtls_ssl_read(&conn->ssl, buf, len)) >= 0)
		return ret;
	/* an end of file without close_notify is an end all the same */
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
	    ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0;
	return io_failed(conn, ret, events);
}

ssize_t
tls_write(struct tls_conn *conn, const void *buf, size_t len, short *events)
{
	int ret;

	/* a write that waits is called again with the same bytes first */
	if ((ret = mbedtls_ssl_write(&conn->ssl, buf, len)) >= 0)
		return ret;
	return io_failed(conn, ret, events);
}

int
tls_shutdown(struct tls_conn *conn, short *events)
{
	int ret;

	if ((ret = mbedtls_ssl_close_notify(&conn->ssl)) == 0)
		return 0;
	return (int)io_failed(conn, ret, events);
}

int
tls_close_check(struct tls_conn *conn, long long deadline,
    struct tls_info *info)
{
	unsigned char buf[4096];
	long long end = earlier(deadline, time_after(now_ms(),
	    CLOSE_CHECK_MS));
	short events;
	int ret, rc = 0;

	while (wants(mbedtls_ssl_close_notify(&conn->ssl), &events) &&
	    tls_wait(conn->fd, events, end, &info->err) == 0)
		;
	for (;;) {
		if ((ret = mbedtls_ssl_read(&conn->ssl, buf, sizeof(buf))) > 0)
			continue;
		if (wants(ret, &events)) {
			if (tls_wait(conn->fd, events, end, &info->err) == 0)
				continue;
		} else
			call_failed(conn, ret, &info->err);
		/* silence, an end or a reset after ours: nothing refused */
		if (info->err.class == TLS_REJECTED ||
		    info->err.class == TLS_PROTOCOL)
			rc = -1;
		else
			info->err.class = TLS_OK;
		break;
	}
	tls_free(conn);
	return rc;
}
