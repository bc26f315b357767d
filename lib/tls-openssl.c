/*
 * The OpenSSL 3 backend of tls.h: the only file that sees OpenSSL's
 * types.  libssl is loaded (dlopen) when a tool first asks for TLS, so
 * that a tool run without --tls starts as fast as before: loading and
 * relocating libssl and libcrypto at every start doubles what tcp-send
 * costs in CPU time to do nothing.  Each function below is called
 * through a pointer dlsym fills in, by its own name (the macros after
 * the list); the headers still check every call.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* libcrypto's functions too: dlsym finds them through libssl's needs. */
#define LIBSSL	"libssl.so.3"

#define OPENSSL_FUNCTIONS(X) \
	X(ASN1_STRING_get0_data) \
	X(ASN1_STRING_length) \
	X(ASN1_STRING_to_UTF8) \
	X(ASN1_TIME_to_tm) \
	X(CRYPTO_free) \
	X(CRYPTO_get_ex_new_index) \
	X(ERR_clear_error) \
	X(ERR_peek_error) \
	X(ERR_reason_error_string) \
	X(GENERAL_NAMES_free) \
	X(OBJ_nid2sn) \
	X(OBJ_obj2nid) \
	X(OPENSSL_init_ssl) \
	X(OPENSSL_sk_num) \
	X(OPENSSL_sk_value) \
	X(SSL_CIPHER_standard_name) \
	X(SSL_CTX_check_private_key) \
	X(SSL_CTX_ctrl) \
	X(SSL_CTX_free) \
	X(SSL_CTX_load_verify_locations) \
	X(SSL_CTX_new) \
	X(SSL_CTX_set_alpn_protos) \
	X(SSL_CTX_set_alpn_select_cb) \
	X(SSL_CTX_set_session_id_context) \
	X(SSL_CTX_set_verify) \
	X(SSL_CTX_use_PrivateKey_file) \
	X(SSL_CTX_use_certificate_chain_file) \
	X(SSL_alert_desc_string_long) \
	X(SSL_ctrl) \
	X(SSL_do_handshake) \
	X(SSL_free) \
	X(SSL_get0_alpn_selected) \
	X(SSL_get0_param) \
	X(SSL_get0_peer_certificate) \
	X(SSL_get_current_cipher) \
	X(SSL_get_error) \
	X(SSL_get_ex_data) \
	X(SSL_get_ex_data_X509_STORE_CTX_idx) \
	X(SSL_get_state) \
	X(SSL_get_version) \
	X(SSL_new) \
	X(SSL_read) \
	X(SSL_read_ex) \
	X(SSL_select_next_proto) \
	X(SSL_set1_host) \
	X(SSL_set_accept_state) \
	X(SSL_set_connect_state) \
	X(SSL_set_ex_data) \
	X(SSL_set_fd) \
	X(SSL_set_info_callback) \
	X(SSL_shutdown) \
	X(SSL_write_ex) \
	X(TLS_client_method) \
	X(TLS_server_method) \
	X(X509_NAME_ENTRY_get_data) \
	X(X509_NAME_ENTRY_get_object) \
	X(X509_NAME_entry_count) \
	X(X509_NAME_get_entry) \
	X(X509_STORE_CTX_get0_cert) \
	X(X509_STORE_CTX_get_error) \
	X(X509_STORE_CTX_get_ex_data) \
	X(X509_VERIFY_PARAM_set1_ip_asc) \
	X(X509_free) \
	X(X509_get0_notAfter) \
	X(X509_get0_notBefore) \
	X(X509_get_ext_d2i) \
	X(X509_get_issuer_name) \
	X(X509_get_subject_name) \
	X(X509_up_ref) \
	X(X509_verify_cert_error_string)

#define DECLARE_POINTER(f)	static __typeof__(f) *f##_p;
OPENSSL_FUNCTIONS(DECLARE_POINTER)

/* Each function's name, and its pointer (as POSIX's dlsym example sets it). */
#define SYMBOL(f)	{ #f, (void **)&f##_p },
static const struct {
	const char	*name;
	void		**slot;
} openssl_symbols[] = {
	OPENSSL_FUNCTIONS(SYMBOL)
};

#define ASN1_STRING_get0_data	(*ASN1_STRING_get0_data_p)
#define ASN1_STRING_length	(*ASN1_STRING_length_p)
#define ASN1_STRING_to_UTF8	(*ASN1_STRING_to_UTF8_p)
#define ASN1_TIME_to_tm	(*ASN1_TIME_to_tm_p)
#define CRYPTO_free	(*CRYPTO_free_p)
#define CRYPTO_get_ex_new_index	(*CRYPTO_get_ex_new_index_p)
#define ERR_clear_error	(*ERR_clear_error_p)
#define ERR_peek_error	(*ERR_peek_error_p)
#define ERR_reason_error_string	(*ERR_reason_error_string_p)
#define GENERAL_NAMES_free	(*GENERAL_NAMES_free_p)
#define OBJ_nid2sn	(*OBJ_nid2sn_p)
#define OBJ_obj2nid	(*OBJ_obj2nid_p)
#define OPENSSL_init_ssl	(*OPENSSL_init_ssl_p)
#define OPENSSL_sk_num	(*OPENSSL_sk_num_p)
#define OPENSSL_sk_value	(*OPENSSL_sk_value_p)
#define SSL_CIPHER_standard_name	(*SSL_CIPHER_standard_name_p)
#define SSL_CTX_check_private_key	(*SSL_CTX_check_private_key_p)
#define SSL_CTX_ctrl	(*SSL_CTX_ctrl_p)
#define SSL_CTX_free	(*SSL_CTX_free_p)
#define SSL_CTX_load_verify_locations	(*SSL_CTX_load_verify_locations_p)
#define SSL_CTX_new	(*SSL_CTX_new_p)
#define SSL_CTX_set_alpn_protos	(*SSL_CTX_set_alpn_protos_p)
#define SSL_CTX_set_alpn_select_cb	(*SSL_CTX_set_alpn_select_cb_p)
#define SSL_CTX_set_session_id_context	(*SSL_CTX_set_session_id_context_p)
#define SSL_CTX_set_verify	(*SSL_CTX_set_verify_p)
#define SSL_CTX_use_PrivateKey_file	(*SSL_CTX_use_PrivateKey_file_p)
#define SSL_CTX_use_certificate_chain_file	(*SSL_CTX_use_certificate_chain_file_p)
#define SSL_alert_desc_string_long	(*SSL_alert_desc_string_long_p)
#define SSL_ctrl	(*SSL_ctrl_p)
#define SSL_do_handshake	(*SSL_do_handshake_p)
#define SSL_free	(*SSL_free_p)
#define SSL_get0_alpn_selected	(*SSL_get0_alpn_selected_p)
#define SSL_get0_param	(*SSL_get0_param_p)
#define SSL_get0_peer_certificate	(*SSL_get0_peer_certificate_p)
#define SSL_get_current_cipher	(*SSL_get_current_cipher_p)
#define SSL_get_error	(*SSL_get_error_p)
#define SSL_get_ex_data	(*SSL_get_ex_data_p)
#define SSL_get_ex_data_X509_STORE_CTX_idx	(*SSL_get_ex_data_X509_STORE_CTX_idx_p)
#define SSL_get_state	(*SSL_get_state_p)
#define SSL_get_version	(*SSL_get_version_p)
#define SSL_new	(*SSL_new_p)
#define SSL_read	(*SSL_read_p)
#define SSL_read_ex	(*SSL_read_ex_p)
#define SSL_select_next_proto	(*SSL_select_next_proto_p)
#define SSL_set1_host	(*SSL_set1_host_p)
#define SSL_set_accept_state	(*SSL_set_accept_state_p)
#define SSL_set_connect_state	(*SSL_set_connect_state_p)
#define SSL_set_ex_data	(*SSL_set_ex_data_p)
#define SSL_set_fd	(*SSL_set_fd_p)
#define SSL_set_info_callback	(*SSL_set_info_callback_p)
#define SSL_shutdown	(*SSL_shutdown_p)
#define SSL_write_ex	(*SSL_write_ex_p)
#define TLS_client_method	(*TLS_client_method_p)
#define TLS_server_method	(*TLS_server_method_p)
#define X509_NAME_ENTRY_get_data	(*X509_NAME_ENTRY_get_data_p)
#define X509_NAME_ENTRY_get_object	(*X509_NAME_ENTRY_get_object_p)
#define X509_NAME_entry_count	(*X509_NAME_entry_count_p)
#define X509_NAME_get_entry	(*X509_NAME_get_entry_p)
#define X509_STORE_CTX_get0_cert	(*X509_STORE_CTX_get0_cert_p)
#define X509_STORE_CTX_get_error	(*X509_STORE_CTX_get_error_p)
#define X509_STORE_CTX_get_ex_data	(*X509_STORE_CTX_get_ex_data_p)
#define X509_VERIFY_PARAM_set1_ip_asc	(*X509_VERIFY_PARAM_set1_ip_asc_p)
#define X509_free	(*X509_free_p)
#define X509_get0_notAfter	(*X509_get0_notAfter_p)
#define X509_get0_notBefore	(*X509_get0_notBefore_p)
#define X509_get_ext_d2i	(*X509_get_ext_d2i_p)
#define X509_get_issuer_name	(*X509_get_issuer_name_p)
#define X509_get_subject_name	(*X509_get_subject_name_p)
#define X509_up_ref	(*X509_up_ref_p)
#define X509_verify_cert_error_string	(*X509_verify_cert_error_string_p)

#include "certinfo.h"
#include "timing.h"
#include "tls.h"

/* At most this long for the peer's answer to our close_notify. */
#define CLOSE_CHECK_MS	1000
/* Attributes of a name beyond these are left out of its text. */
#define DN_ATTRS_MAX	32

/* The session id context of a server's sessions (a resumption's check). */
#define SESSION_CONTEXT	"sockutils"

struct tls_client {
	SSL_CTX		*ctx;
	bool		 insecure;
};

struct tls_server {
	SSL_CTX		*ctx;
	bool		 verify;	/* client certificates required */
	unsigned char	 alpn[TLS_ALPN_WIRE_MAX];	/* --alpn's, wire format */
	unsigned int	 alpn_len;	/* 0: no ALPN */
};

struct tls_conn {
	struct tls_role	 role;		/* first: tls.c's (tls.h) */
	SSL		*ssl;
	int		 fd;
	int		 alert;		/* the last alert received, or -1 */
	bool		 cert_requested;
	long		 verify_error;	/* the first, or X509_V_OK */
	X509		*leaf;		/* the peer's, as verification saw it */
};

/* SSL_get_ex_data's index of a connection's struct tls_conn. */
static int conn_index = -1;

bool
tls_available(void)
{
	return true;
}

/* The first error on OpenSSL's queue, in its words; the queue emptied. */
static const char *
ssl_reason(void)
{
	unsigned long code = ERR_peek_error();
	const char *r = code != 0 ? ERR_reason_error_string(code) : NULL;

	ERR_clear_error();
	return r != NULL ? r : "unknown error";
}

/*
 * Loads libssl and finds each function of the list, once, and starts
 * OpenSSL as its first call would (the system's openssl.cnf read) but
 * for its cleanup at exit: freeing every provider, method store and
 * error string of a process that is ending cost tcp-send -z --tls a
 * third of a millisecond.  Returns 0, or -1 with e set (TLS_CONFIG:
 * the system's libssl3 is missing).
 */
static int
load_openssl(struct tls_error *e)
{
	static void *lib;
	const char *why;
	size_t i;

	if (lib != NULL)
		return 0;
	if ((lib = dlopen(LIBSSL, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		return tls_fail(e, TLS_CONFIG, "TLS: %s", why != NULL ? why :
		    LIBSSL);
	}
	for (i = 0; i < sizeof(openssl_symbols) / sizeof(openssl_symbols[0]);
	    i++)
		if ((*openssl_symbols[i].slot = dlsym(lib,
		    openssl_symbols[i].name)) == NULL) {
			(void)dlclose(lib);
			lib = NULL;
			return tls_fail(e, TLS_CONFIG, "TLS: %s has no %s",
			    LIBSSL, openssl_symbols[i].name);
		}
	if (OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, NULL) != 1)
		return tls_fail(e, TLS_SYSTEM, "TLS: %s", ssl_reason());
	return 0;
}

/*
 * OpenSSL's verification, watched: the first error, and the leaf, which
 * a client that fails verification is not given afterwards.
 */
static int
verified(int preverify_ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_conn *conn = SSL_get_ex_data(ssl, conn_index);
	X509 *leaf = X509_STORE_CTX_get0_cert(store);

	if (conn->leaf == NULL && leaf != NULL && X509_up_ref(leaf) == 1)
		conn->leaf = leaf;
	if (!preverify_ok && conn->verify_error == X509_V_OK)
		conn->verify_error = X509_STORE_CTX_get_error(store);
	return preverify_ok;
}

/* The trust anchors: --ca, or the system's store. */
static int
load_trust(SSL_CTX *ctx, const char *ca, struct tls_error *e)
{
	const char *file, *dir;
	bool is_dir;

	if (ca != NULL) {
		if (tls_readable("--ca", ca, &is_dir, e) == -1)
			return -1;
		file = is_dir ? NULL : ca;
		dir = is_dir ? ca : NULL;
	} else if (tls_trust_store(&file, &dir, e) == -1)
		return -1;
	if (SSL_CTX_load_verify_locations(ctx, file, dir) != 1)
		return tls_fail(e, TLS_CONFIG, "%s %s: %s",
		    ca != NULL ? "--ca" : "trust store",
		    file != NULL ? file : dir, ssl_reason());
	return 0;
}

/* The client certificate (its chain after it) and its key. */
static int
load_identity(SSL_CTX *ctx, const char *cert, const char *key,
    struct tls_error *e)
{
	bool is_dir;

	if (key == NULL)
		key = cert;
	if (tls_readable("--cert", cert, &is_dir, e) == -1 ||
	    tls_readable("--key", key, &is_dir, e) == -1)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return tls_fail(e, TLS_CONFIG, "--cert %s: %s", cert,
		    ssl_reason());
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		return tls_fail(e, TLS_CONFIG, "--key %s: %s", key,
		    ssl_reason());
	if (SSL_CTX_check_private_key(ctx) != 1)
		return tls_fail(e, TLS_CONFIG,
		    "--key %s: does not match the certificate %s", key, cert);
	return 0;
}

/*
 * The --alpn list into wire (TLS_ALPN_WIRE_MAX bytes).  Returns its
 * length, or -1 with e set.
 */
static int
alpn_wire(const char *list, unsigned char *wire, struct tls_error *e)
{
	const char *errstr;
	int len;

	if ((len = tls_alpn_wire(list, wire, TLS_ALPN_WIRE_MAX,
	    &errstr)) == -1)
		return tls_fail(e, TLS_CONFIG, "--alpn %s: %s", list, errstr);
	return len;
}

struct tls_client *
tls_client_new(const struct tls_client_options *o, struct tls_error *e)
{
	unsigned char alpn[TLS_ALPN_WIRE_MAX];
	struct tls_client *c;
	int len;

	if (load_openssl(e) == -1)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		free(c);
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	c->insecure = o->insecure;
	(void)SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (!o->insecure) {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, verified);
		if (load_trust(c->ctx, o->ca, e) == -1)
			goto failed;
	}
	if (o->cert != NULL && load_identity(c->ctx, o->cert, o->key,
	    e) == -1)
		goto failed;
	if (o->alpn != NULL) {
		if ((len = alpn_wire(o->alpn, alpn, e)) == -1)
			goto failed;
		/* 0 is success here */
		if (SSL_CTX_set_alpn_protos(c->ctx, alpn,
		    (unsigned int)len) != 0) {
			(void)tls_fail(e, TLS_SYSTEM, "--alpn: %s",
			    ssl_reason());
			goto failed;
		}
	}
	return c;
failed:
	tls_client_free(c);
	return NULL;
}

void
tls_client_free(struct tls_client *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	free(c);
}

/* Records the alerts the peer sends, and whether it asked for our cert. */
static void
watch(const SSL *ssl, int where, int ret)
{
	struct tls_conn *conn = SSL_get_ex_data(ssl, conn_index);

	/* SSL_CB_READ_ALERT's bits are partly SSL_CB_WRITE_ALERT's */
	if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT)
		conn->alert = ret & 0xff;
	if ((where & SSL_CB_LOOP) && SSL_get_state(ssl) == TLS_ST_CR_CERT_REQ)
		conn->cert_requested = true;
}

/* name as RFC 4514 text into buf (certinfo.h). */
static void
name_text(const X509_NAME *name, char *buf, size_t size)
{
	struct dn_attr v[DN_ATTRS_MAX];
	unsigned char *utf8[DN_ATTRS_MAX];
	const X509_NAME_ENTRY *ne;
	size_t n = 0, i;
	int k, len, nid;

	for (k = 0; k < X509_NAME_entry_count(name) && n < DN_ATTRS_MAX;
	    k++) {
		ne = X509_NAME_get_entry(name, k);
		nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne));
		len = ASN1_STRING_to_UTF8(&utf8[n],
		    X509_NAME_ENTRY_get_data(ne));
		if (len < 0)
			continue;
		v[n].type = nid != NID_undef ? OBJ_nid2sn(nid) : "?";
		v[n].value = utf8[n];
		v[n].len = (size_t)len;
		n++;
	}
	dn_format(v, n, buf, size);
	for (i = 0; i < n; i++)
		OPENSSL_free(utf8[i]);
}

/* An ASN1_TIME as a time_t; 0 if it cannot be read. */
static time_t
asn1_time(const ASN1_TIME *at)
{
	struct tm tm;
	time_t t;

	if (at == NULL || ASN1_TIME_to_tm(at, &tm) != 1 ||
	    cert_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, &t) == -1)
		return 0;
	return t;
}

/* The DNS and IP subject alternative names of cert into info. */
static void
san_names(X509 *cert, struct tls_info *info)
{
	GENERAL_NAMES *names;
	const GENERAL_NAME *gn;
	char text[INET6_ADDRSTRLEN];
	const unsigned char *p;
	int i, len;

	names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	/* the stack by its untyped calls: sk_GENERAL_NAME_* are inline */
	for (i = 0; names != NULL &&
	    i < OPENSSL_sk_num((const OPENSSL_STACK *)names); i++) {
		gn = OPENSSL_sk_value((const OPENSSL_STACK *)names, i);
		if (gn->type == GEN_DNS) {
			p = ASN1_STRING_get0_data(gn->d.dNSName);
			len = ASN1_STRING_length(gn->d.dNSName);
			/* a name with a NUL in it is no name */
			if (memchr(p, '\0', (size_t)len) != NULL)
				continue;
			(void)tls_info_add_name(info, (const char *)p);
		} else if (gn->type == GEN_IPADD) {
			p = ASN1_STRING_get0_data(gn->d.iPAddress);
			len = ASN1_STRING_length(gn->d.iPAddress);
			if ((len == 4 && inet_ntop(AF_INET, p, text,
			    sizeof(text)) != NULL) || (len == 16 &&
			    inet_ntop(AF_INET6, p, text, sizeof(text)) != NULL))
				(void)tls_info_add_name(info, text);
		}
	}
	GENERAL_NAMES_free(names);
}

/* What the handshake learned, verified or not. */
static void
fill_info(const SSL *ssl, X509 *leaf, struct tls_info *info)
{
	const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
	const unsigned char *alpn;
	unsigned int alpn_len;
	X509 *cert;

	(void)snprintf(info->version, sizeof(info->version), "%s",
	    SSL_get_version(ssl));
	if (cipher != NULL)
		(void)snprintf(info->cipher, sizeof(info->cipher), "%s",
		    SSL_CIPHER_standard_name(cipher));
	SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
	(void)snprintf(info->alpn, sizeof(info->alpn), "%.*s", (int)alpn_len,
	    alpn != NULL ? (const char *)alpn : "");
	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL &&
	    (cert = leaf) == NULL)
		return;
	info->have_cert = true;
	name_text(X509_get_subject_name(cert), info->subject,
	    sizeof(info->subject));
	name_text(X509_get_issuer_name(cert), info->issuer,
	    sizeof(info->issuer));
	info->not_before = asn1_time(X509_get0_notBefore(cert));
	info->not_after = asn1_time(X509_get0_notAfter(cert));
	san_names(cert, info);
}

enum tls_class
tls_backend_learned(const struct tls_conn *conn, struct tls_info *info,
    const char **why)
{
	fill_info(conn->ssl, conn->leaf, info);
	if (conn->verify_error == X509_V_OK)
		return TLS_OK;
	ERR_clear_error();
	switch (conn->verify_error) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return TLS_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return TLS_NOT_YET_VALID;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return TLS_NAME_MISMATCH;
	default:
		*why = X509_verify_cert_error_string(conn->verify_error);
		return TLS_UNTRUSTED;
	}
}

/* The alert the peer sent, as the failure it stands for. */
static void
alert_failed(const struct tls_conn *conn, struct tls_error *e)
{
	/* OpenSSL 3.0 has no words for TLS 1.3's certificate_required */
	const char *words = conn->alert == SSL_AD_CERTIFICATE_REQUIRED ?
	    "certificate required" : SSL_alert_desc_string_long(conn->alert);

	tls_alert_failed(conn->alert, conn->cert_requested, words, e);
}

/*
 * The failure of an SSL call that returned ret on conn, other than a
 * wait: the certificate's verification, an alert, the end of the
 * connection, or the protocol.
 */
static void
call_failed(const struct tls_conn *conn, int ret, struct tls_error *e)
{
	int saved = errno;
	int why = SSL_get_error(conn->ssl, ret);
	unsigned long code = ERR_peek_error();

	if (conn->alert != -1 && conn->alert != SSL_AD_CLOSE_NOTIFY) {
		ERR_clear_error();
		alert_failed(conn, e);
	} else if (why == SSL_ERROR_ZERO_RETURN || (why == SSL_ERROR_SSL &&
	    ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
	    (why == SSL_ERROR_SYSCALL && saved == 0)) {
		ERR_clear_error();
		(void)tls_fail(e, TLS_CLOSED, "the peer closed the connection");
	} else if (why == SSL_ERROR_SYSCALL) {
		ERR_clear_error();
		(void)tls_fail(e, saved == ECONNRESET || saved == EPIPE ?
		    TLS_CLOSED : TLS_SYSTEM, "%s", strerror(saved));
	} else
		(void)tls_fail(e, TLS_PROTOCOL, "%s", ssl_reason());
}

/*
 * What conn waits for after a call that returned ret: 0 with *events
 * (POLLIN, POLLOUT), or -1 when it was no wait.
 */
static int
wants(const struct tls_conn *conn, int ret, short *events)
{
	switch (SSL_get_error(conn->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		return 0;
	default:
		return -1;
	}
}

/*
 * Waits until conn can go on after ret (a want to read or write), at
 * most until deadline.  Returns 0, or -1 with e set.
 */
static int
wait_io(const struct tls_conn *conn, int ret, long long deadline,
    struct tls_error *e)
{
	short events;

	if (wants(conn, ret, &events) == -1) {
		call_failed(conn, ret, e);
		return -1;
	}
	return tls_wait(conn->fd, events, deadline, e);
}

/* Asks ssl to check name: an IP address, or a DNS name with SNI. */
static int
set_name(SSL *ssl, const char *name, bool verify)
{
	if (tls_is_ip(name))
		return !verify || X509_VERIFY_PARAM_set1_ip_asc(
		    SSL_get0_param(ssl), name) == 1 ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	return !verify || SSL_set1_host(ssl, name) == 1 ? 0 : -1;
}

void
tls_free(struct tls_conn *conn)
{
	if (conn == NULL)
		return;
	SSL_free(conn->ssl);
	X509_free(conn->leaf);
	free(conn);
}

/*
 * A connection of ctx over fd, made non-blocking.  Returns it, or NULL
 * with e set.
 */
static struct tls_conn *
conn_new(SSL_CTX *ctx, int fd, struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = calloc(1, sizeof(*conn))) == NULL ||
	    (conn->ssl = SSL_new(ctx)) == NULL) {
		free(conn);
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	conn->fd = fd;
	conn->alert = -1;
	conn->verify_error = X509_V_OK;
	if (conn_index == -1)
		conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	(void)SSL_set_ex_data(conn->ssl, conn_index, conn);
	SSL_set_info_callback(conn->ssl, watch);
	/*
	 * A write that waits is taken again from wherever its bytes are;
	 * an idle connection gives its buffers back (100 connections open
	 * under -k: 16.6 MiB with them held, 13.0 MiB without)
	 */
	(void)SSL_set_mode(conn->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (tls_socket_ready(fd, e) == -1) {
		tls_free(conn);
		return NULL;
	}
	if (SSL_set_fd(conn->ssl, fd) != 1) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		tls_free(conn);
		return NULL;
	}
	return conn;
}

int
tls_backend_step(struct tls_conn *conn, short *events, struct tls_error *e)
{
	int ret;

	ERR_clear_error();
	if ((ret = SSL_do_handshake(conn->ssl)) == 1)
		return 1;
	if (wants(conn, ret, events) == 0)
		return 0;
	call_failed(conn, ret, e);
	return -1;
}

struct tls_conn *
tls_backend_connect(struct tls_client *c, int fd, const char *servername,
    struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = conn_new(c->ctx, fd, e)) == NULL)
		return NULL;
	conn->role.verify = !c->insecure;
	conn->role.name = servername;
	SSL_set_connect_state(conn->ssl);
	if (servername != NULL && set_name(conn->ssl, servername,
	    conn->role.verify) == -1) {
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s",
		    strerror(errno != 0 ? errno : ENOMEM));
		tls_free(conn);
		return NULL;
	}
	return conn;
}

int
tls_close_check(struct tls_conn *conn, long long deadline,
    struct tls_info *info)
{
	char buf[4096];
	long long end = earlier(deadline, time_after(now_ms(),
	    CLOSE_CHECK_MS));
	int ret, rc = 0;

	(void)SSL_shutdown(conn->ssl);
	for (;;) {
		if ((ret = SSL_read(conn->ssl, buf, sizeof(buf))) > 0)
			continue;
		if (wait_io(conn, ret, end, &info->err) == 0)
			continue;
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

/*
 * A read, write or shutdown of conn that returned ret: -1 with errno
 * EAGAIN and *events for a wait; 0 at the peer's end (reading); -1
 * with ECONNRESET or EPROTO else.
 */
static ssize_t
io_failed(struct tls_conn *conn, int ret, short *events, bool reading)
{
	int saved = errno;
	int why = SSL_get_error(conn->ssl, ret);
	unsigned long code = ERR_peek_error();

	ERR_clear_error();
	if (wants(conn, ret, events) == 0) {
		errno = EAGAIN;
		return -1;
	}
	/* an end of file without close_notify is an end all the same */
	if (reading && (why == SSL_ERROR_ZERO_RETURN ||
	    (why == SSL_ERROR_SSL &&
	    ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
	    (why == SSL_ERROR_SYSCALL && saved == 0)))
		return 0;
	if (why == SSL_ERROR_SYSCALL && saved != 0 && saved != EPIPE)
		errno = saved;
	else if (why == SSL_ERROR_SYSCALL || why == SSL_ERROR_ZERO_RETURN)
		errno = ECONNRESET;
	else
		errno = EPROTO;
	return -1;
}

ssize_t
tls_read(struct tls_conn *conn, void *buf, size_t len, short *events)
{
	size_t n;
	int ret;

	ERR_clear_error();
	if ((ret = SSL_read_ex(conn->ssl, buf, len, &n)) == 1)
		return (ssize_t)n;
	return io_failed(conn, ret, events, true);
}

ssize_t
tls_write(struct tls_conn *conn, const void *buf, size_t len, short *events)
{
	size_t n;
	int ret;

	ERR_clear_error();
	if ((ret = SSL_write_ex(conn->ssl, buf, len, &n)) == 1)
		return (ssize_t)n;
	return io_failed(conn, ret, events, false);
}

int
tls_shutdown(struct tls_conn *conn, short *events)
{
	int ret;

	ERR_clear_error();
	/* 0: ours sent, the peer's not yet come; 1: both */
	if ((ret = SSL_shutdown(conn->ssl)) >= 0)
		return 0;
	return (int)io_failed(conn, ret, events, false);
}

/*
 * The server's choice of the protocols a client offers (in, len bytes):
 * the first of --alpn's that it offers, the server's order first, as
 * RFC 7301 3.2 and s_server -alpn; none of them: the handshake fails
 * with no_application_protocol.
 */
static int
select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int len, void *arg)
{
	const struct tls_server *s = arg;
	unsigned char *chosen;

	(void)ssl;
	if (SSL_select_next_proto(&chosen, outlen, s->alpn, s->alpn_len, in,
	    len) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	*out = chosen;
	return SSL_TLSEXT_ERR_OK;
}

struct tls_server *
tls_server_new(const struct tls_server_options *o, struct tls_error *e)
{
	struct tls_server *s;
	int len;

	e->class = TLS_OK;
	if (load_openssl(e) == -1)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		free(s);
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	(void)SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
	if (SSL_CTX_set_session_id_context(s->ctx,
	    (const unsigned char *)SESSION_CONTEXT,
	    sizeof(SESSION_CONTEXT) - 1) != 1 ||
	    load_identity(s->ctx, o->cert, o->key, e) == -1)
		goto failed;
	if (o->ca != NULL) {
		s->verify = true;
		SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verified);
		if (load_trust(s->ctx, o->ca, e) == -1)
			goto failed;
	}
	if (o->alpn != NULL) {
		if ((len = alpn_wire(o->alpn, s->alpn, e)) == -1)
			goto failed;
		s->alpn_len = (unsigned int)len;
		SSL_CTX_set_alpn_select_cb(s->ctx, select_alpn, s);
	}
	return s;
failed:
	if (e->class == TLS_OK)
		(void)tls_fail(e, TLS_SYSTEM, "TLS: %s", ssl_reason());
	tls_server_free(s);
	return NULL;
}

void
tls_server_free(struct tls_server *s)
{
	if (s == NULL)
		return;
	SSL_CTX_free(s->ctx);
	free(s);
}

struct tls_conn *
tls_accept(struct tls_server *s, int fd, struct tls_error *e)
{
	struct tls_conn *conn;

	if ((conn = conn_new(s->ctx, fd, e)) == NULL)
		return NULL;
	conn->role.server = true;
	conn->role.verify = s->verify;
	SSL_set_accept_state(conn->ssl);
	return conn;
}
