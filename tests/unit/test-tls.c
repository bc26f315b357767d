#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "tap.h"
#include "tls.h"

static void
check_alpn(const char *list, int want_len, const char *want,
    const char *what)
{
	unsigned char out[600];
	const char *errstr = NULL;
	int len = tls_alpn_wire(list, out, sizeof(out), &errstr);

	if (want_len < 0) {
		ok(len == -1 && errstr != NULL && strcmp(errstr, want) == 0,
		    "alpn %s: %s", what, want);
		return;
	}
	ok(len == want_len && memcmp(out, want, (size_t)len) == 0,
	    "alpn %s", what);
}

int
main(void)
{
	struct tls_error e;
	const char *file, *dir, *errstr;
	char long_name[300];
	unsigned char out[300];

	check_alpn("h2", 3, "\2h2", "one protocol");
	check_alpn("h2,http/1.1", 12, "\2h2\10http/1.1", "two protocols");
	check_alpn("", -1, "empty protocol name", "empty list");
	check_alpn("h2,", -1, "empty protocol name", "trailing comma");
	check_alpn(",h2", -1, "empty protocol name", "leading comma");
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	check_alpn(long_name, -1, "protocol name too long", "256 bytes");
	long_name[255] = '\0';
	ok(tls_alpn_wire(long_name, out, sizeof(out), &errstr) == 256 &&
	    out[0] == 255, "alpn 255 bytes: the longest name");

	ok(tls_exit_status(TLS_OK) == EX_OK, "ok: 0");
	ok(tls_exit_status(TLS_EXPIRES_SOON) == 65, "expires_soon: 65");
	ok(tls_exit_status(TLS_UNREADABLE) == 66, "unreadable: 66");
	ok(tls_exit_status(TLS_TIMEOUT) == 75 &&
	    tls_exit_status(TLS_CLOSED) == 75, "timeout, closed: 75");
	ok(tls_exit_status(TLS_PROTOCOL) == 76, "protocol: 76");
	ok(tls_exit_status(TLS_EXPIRED) == 77 &&
	    tls_exit_status(TLS_NOT_YET_VALID) == 77 &&
	    tls_exit_status(TLS_UNTRUSTED) == 77 &&
	    tls_exit_status(TLS_NAME_MISMATCH) == 77 &&
	    tls_exit_status(TLS_REJECTED) == 77, "certificate classes: 77");
	ok(tls_exit_status(TLS_CONFIG) == 78, "config: 78");
	is_str(tls_class_name(TLS_NOT_YET_VALID), "not_yet_valid",
	    "class names are -j's");
	is_str(tls_class_name(TLS_NAME_MISMATCH), "name_mismatch",
	    "name_mismatch");
	ok(tls_retryable(TLS_CLOSED) && tls_retryable(TLS_TIMEOUT) &&
	    !tls_retryable(TLS_EXPIRED) && !tls_retryable(TLS_UNTRUSTED) &&
	    !tls_retryable(TLS_PROTOCOL),
	    "--wait retries a closed or silent peer, never a certificate");

	ok(tls_is_ip("127.0.0.1") && tls_is_ip("::1") &&
	    !tls_is_ip("localhost") && !tls_is_ip("1.2.3"),
	    "IP literals, and names that are not");

	unsetenv("SSL_CERT_DIR");
	setenv("SSL_CERT_FILE", "/nonexistent/ca.pem", 1);
	ok(tls_trust_store(&file, &dir, &e) == -1 && e.class == TLS_CONFIG &&
	    strstr(e.message, "SSL_CERT_FILE /nonexistent/ca.pem") != NULL,
	    "an SSL_CERT_FILE that cannot be read is a configuration error");
	setenv("SSL_CERT_FILE", "/dev/null", 1);
	ok(tls_trust_store(&file, &dir, &e) == 0 && file != NULL &&
	    strcmp(file, "/dev/null") == 0 && dir == NULL,
	    "SSL_CERT_FILE is the store when set");
	unsetenv("SSL_CERT_FILE");
	setenv("SSL_CERT_DIR", "/", 1);
	ok(tls_trust_store(&file, &dir, &e) == 0 && file == NULL &&
	    dir != NULL && strcmp(dir, "/") == 0, "so is SSL_CERT_DIR");
	unsetenv("SSL_CERT_DIR");

	ok(tls_readable("--ca", "/nonexistent", &(bool){ false }, &e) == -1 &&
	    e.class == TLS_UNREADABLE &&
	    strcmp(e.message, "--ca /nonexistent: No such file or directory") ==
	    0, "an unreadable file: its option, path and why");
	return tap_done();
}
