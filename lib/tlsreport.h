/*
 * Reporting layer.  What the tools say of a TLS handshake: the failure
 * on stderr ("tls HOST PORT: why"), -v's report of a verified peer, and
 * -j's "tls" object.
 */
#ifndef SOCKUTILS_TLSREPORT_H
#define SOCKUTILS_TLSREPORT_H

#include <stdio.h>

#include "tls.h"

/* "tls NAME: why" for the failure e of a handshake; returns its status. */
int	tls_warn(const char *name, const struct tls_error *e);

/*
 * -v: "tls NAME: TLSv1.3 TLS_AES_128_GCM_SHA256, ALPN h2, CN=...
 * (issued by CN=...), verified, valid until DATE (N days)", the ALPN
 * part only if a protocol was agreed, the certificate's only if the
 * peer sent one.
 */
void	tls_report(const char *name, const struct tls_info *info);

/*
 * The member "tls": {version, cipher, alpn, verified, subject, issuer,
 * names, not_before, not_after, days_left, and error and reason on a
 * failure}, after other members; the certificate's fields only if the
 * peer sent one.
 */
void	json_tls(FILE *f, const struct tls_info *info);

#endif
