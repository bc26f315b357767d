/*
 * Pure core.  TLS for the tools and the copy engine: the one interface,
 * whichever library the build chose (-Dtls=openssl|mbedtls|disabled, one
 * backend file each, as curl's lib/vtls); no library type is seen
 * outside its backend.  Verification is on unless a caller turns it off
 * by name (insecure); every failure has a class that says why, and the
 * certificate's fields are filled in even when verification fails.
 */
#ifndef SOCKUTILS_TLS_H
#define SOCKUTILS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "stream.h"

/* Why a TLS step failed; tls_class_name and tls_exit_status say more. */
enum tls_class {
	TLS_OK,
	TLS_EXPIRED,		/* the certificate's notAfter has passed */
	TLS_NOT_YET_VALID,	/* its notBefore has not come */
	TLS_UNTRUSTED,		/* no chain to a trusted root, self-signed */
	TLS_NAME_MISMATCH,	/* it is not for the name (or IP) asked */
	TLS_REJECTED,		/* the peer rejected our client certificate */
	TLS_PROTOCOL,		/* not TLS, a fatal alert, nothing in common */
	TLS_EXPIRES_SOON,	/* verified, but within the days asked */
	TLS_TIMEOUT,		/* the deadline passed */
	TLS_CLOSED,		/* end of file or reset in the handshake */
	TLS_UNREADABLE,		/* --ca, --cert or --key cannot be read */
	TLS_CONFIG,		/* no trust store, malformed PEM, wrong key */
	TLS_SYSTEM,		/* memory, or a system call */
};

/* What a failure was, and the words for it. */
struct tls_error {
	enum tls_class	 class;
	char		 message[256];
};

/* What a client is given: NULL and false are the defaults. */
struct tls_client_options {
	const char	*ca;		/* PEM file or hashed directory, or
					   NULL: tls_trust_store's */
	const char	*cert;		/* client certificate (and chain) */
	const char	*key;		/* its key; NULL: in cert's file */
	const char	*alpn;		/* "h2,http/1.1", or NULL */
	bool		 insecure;	/* verify nothing */
};

/* What a handshake learned of the peer. */
struct tls_info {
	char		 version[16];	/* "TLSv1.3" */
	char		 cipher[64];	/* IANA name */
	char		 alpn[256];	/* the protocol agreed, or "" */
	bool		 verified;
	bool		 have_cert;	/* the fields below are set */
	char		 subject[512];	/* RFC 4514 (certinfo.h) */
	char		 issuer[512];
	char		**names;	/* its DNS and IP SANs, as text */
	size_t		 nnames;
	time_t		 not_before;
	time_t		 not_after;
	struct tls_error err;		/* TLS_OK, or why it failed */
};

/* What a server is given: its certificate, and whom it trusts. */
struct tls_server_options {
	const char	*cert;		/* the chain, leaf first (PEM) */
	const char	*key;		/* its key; NULL: in cert's file */
	const char	*ca;		/* require and verify client
					   certificates against it, or NULL */
	const char	*alpn;		/* "h2,http/1.1": the protocols
					   accepted, the first the client
					   offers chosen; or NULL */
};

struct tls_client;	/* the settings of many connections */
struct tls_server;	/* a listener's */
struct tls_conn;	/* one connection */

/* Whether the build has a TLS library (-Dtls=disabled has none). */
bool	tls_available(void);

/*
 * A client with options o: the trust store, the client certificate and
 * key read now.  Returns NULL with *e saying why (TLS_UNREADABLE,
 * TLS_CONFIG, TLS_SYSTEM).
 */
struct tls_client *tls_client_new(const struct tls_client_options *o,
	    struct tls_error *e);
void	tls_client_free(struct tls_client *c);

/*
 * The handshake over the connected socket fd, as the client c: SNI
 * servername unless it is NULL or an IP address, the certificate
 * checked for servername (a DNS name, or an IP address against the IP
 * SANs) unless c is insecure.  Gives up at deadline (now_ms's clock,
 * NO_LIMIT: never).  Fills *info either way (free it with
 * tls_info_free).  Returns the connection, or NULL with info->err set;
 * fd stays the caller's.
 */
struct tls_conn *tls_connect(struct tls_client *c, int fd,
	    const char *servername, long long deadline, struct tls_info *info);

/*
 * Ends conn for a check: close_notify, then reads until the peer's
 * close_notify, end of file or deadline, so that a peer that rejects
 * our certificate only after a TLS 1.3 handshake says so.  Returns 0,
 * or -1 with info->err set (TLS_REJECTED, TLS_PROTOCOL).  Frees conn.
 */
int	tls_close_check(struct tls_conn *conn, long long deadline,
	    struct tls_info *info);

void	tls_info_free(struct tls_info *info);

/*
 * A server with options o: the certificate chain and key read now,
 * with o->ca the client certificates' trust.  Returns NULL with *e
 * saying why (TLS_UNREADABLE, TLS_CONFIG, TLS_SYSTEM).
 */
struct tls_server *tls_server_new(const struct tls_server_options *o,
	    struct tls_error *e);
void	tls_server_free(struct tls_server *s);

/*
 * The server side of a connection accepted on fd, made non-blocking;
 * the handshake is then made by tls_handshake_step, in the caller's
 * poll loop.  Returns NULL with *e set (TLS_SYSTEM); fd stays the
 * caller's.
 */
struct tls_conn *tls_accept(struct tls_server *s, int fd,
	    struct tls_error *e);

/*
 * Goes on with conn's handshake as far as it can without waiting.
 * Returns 1 once it is done (info filled, the client's certificate
 * verified if the server asked for one), 0 when it waits for *events
 * on the fd (POLLIN or POLLOUT), or -1 with info->err set.  Fills *info
 * once, done or failed (free it with tls_info_free).
 */
int	tls_handshake_step(struct tls_conn *conn, short *events,
	    struct tls_info *info);

/*
 * Reading and writing over conn once its handshake is done, never
 * waiting: as read(2) and write(2), with -1 and EAGAIN when conn waits
 * for *events on its fd (a read may need POLLOUT, a write POLLIN).
 * tls_read returns 0 at the peer's close_notify or end of file; other
 * failures are ECONNRESET (the connection), EPROTO (the peer's TLS).
 */
ssize_t	tls_read(struct tls_conn *conn, void *buf, size_t len,
	    short *events);
ssize_t	tls_write(struct tls_conn *conn, const void *buf, size_t len,
	    short *events);

/*
 * Sends close_notify, the end of what we send (the peer may still
 * send).  Returns 0, or -1 with errno (EAGAIN with *events: call again
 * once the fd shows them).
 */
int	tls_shutdown(struct tls_conn *conn, short *events);

/* Frees conn (NULL: nothing); its fd stays the caller's. */
void	tls_free(struct tls_conn *conn);

/*
 * s as conn over the connected socket fd (stream.h): reads, writes and
 * shutdown of the TLS session; closing frees conn, then closes fd (with
 * reset, without close_notify).  s owns conn and fd then.
 */
void	tls_stream(struct stream *s, struct tls_conn *conn, int fd);

/*
 * What tls.c asks of the backend the build chose (tls-openssl.c,
 * tls-mbedtls.c, tls-none.c), as curl's vtls_int.h: the library's calls
 * of a handshake and what it found, so that the loop, its deadline and
 * what a handshake concludes are written once, in tls.c.
 */

/*
 * What tls.c reads of a connection: the first member of every
 * backend's struct tls_conn, set by the backend.
 */
struct tls_role {
	bool		 server;
	bool		 verify;	/* the peer's certificate is checked */
	const char	*name;		/* what it is checked for, or NULL */
};

/*
 * A client connection of c over the connected socket fd, made
 * non-blocking, for servername: SNI unless it is NULL or an IP address,
 * and the name checked unless c is insecure.  Returns it, or NULL with
 * *e set (TLS_SYSTEM).
 */
struct tls_conn *tls_backend_connect(struct tls_client *c, int fd,
	    const char *servername, struct tls_error *e);

/*
 * One call of the library's handshake on conn: 1 once it is done, 0
 * when it waits for *events on the fd (POLLIN or POLLOUT), or -1 with
 * *e saying why it failed.
 */
int	tls_backend_step(struct tls_conn *conn, short *events,
	    struct tls_error *e);

/*
 * What conn's handshake learned, done or not, into info: version,
 * cipher, ALPN and the peer's certificate (as verification saw it, if
 * the library keeps it no longer).  Returns what verification of that
 * certificate found: TLS_OK, TLS_EXPIRED, TLS_NOT_YET_VALID,
 * TLS_NAME_MISMATCH, or TLS_UNTRUSTED with *why in OpenSSL's words.
 */
enum tls_class tls_backend_learned(const struct tls_conn *conn,
	    struct tls_info *info, const char **why);

/*
 * Shared by the backends (tls.c).
 */

/* "expired", "untrusted", ...: the stable names of -j's "error". */
const char *tls_class_name(enum tls_class class);

/* The exit status of the suite's table for class. */
int	tls_exit_status(enum tls_class class);

/* Whether a check that failed with class may pass if tried again. */
bool	tls_retryable(enum tls_class class);

/*
 * Waits until fd shows events (a handshake's wants), at most until
 * deadline (NO_LIMIT: never).  Returns 0, or -1 with e set
 * (TLS_TIMEOUT, TLS_SYSTEM).
 */
int	tls_wait(int fd, short events, long long deadline, struct tls_error *e);

/*
 * The fatal alert (RFC 8446 6.2's number) the peer sent, in the
 * library's words, as the failure it stands for into e: TLS_REJECTED
 * for one that says the peer would not take our certificate, or a
 * handshake_failure after it asked for one (cert_requested: a TLS 1.2
 * server); TLS_PROTOCOL else.
 */
void	tls_alert_failed(int alert, bool cert_requested, const char *words,
	    struct tls_error *e);

/*
 * Readies a connection's socket fd for the backends: non-blocking, and
 * on TCP every record sent at once.  Returns 0, or -1 with e set.
 */
int	tls_socket_ready(int fd, struct tls_error *e);

/* Sets e, formatted; returns -1. */
int	tls_fail(struct tls_error *e, enum tls_class class, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/*
 * The system's trust store: SSL_CERT_FILE and SSL_CERT_DIR if set,
 * else the first of the distributions' bundles and directories that
 * exists.  Returns 0 with *file and/or *dir set (the other NULL), or
 * -1 with *e saying none was found (TLS_CONFIG) or cannot be read.
 */
int	tls_trust_store(const char **file, const char **dir,
	    struct tls_error *e);

/*
 * path as a file the backend may read: 0, with *is_dir; or -1 with *e
 * "WHAT PATH: why" (TLS_UNREADABLE).
 */
int	tls_readable(const char *what, const char *path, bool *is_dir,
	    struct tls_error *e);

/* The most bytes of an ALPN list (--alpn) in the wire format. */
#define TLS_ALPN_WIRE_MAX	1024

/*
 * The ALPN list "h2,http/1.1" in the wire format (each name after its
 * length byte) into out of size bytes.  Returns its length, or -1 with
 * *errstr why ("empty protocol name", "protocol name too long", "list
 * too long").
 */
int	tls_alpn_wire(const char *list, unsigned char *out, size_t size,
	    const char **errstr);

/* Whether name is an IPv4 or IPv6 address literal (no SNI then). */
bool	tls_is_ip(const char *name);

/* Adds a SAN to info->names.  Returns 0, or -1 (ENOMEM). */
int	tls_info_add_name(struct tls_info *info, const char *name);

#endif
