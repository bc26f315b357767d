/*
 * connrate: open COUNT short TCP connections to HOST PORT, one after
 * another (or from CLIENTS processes at once, COUNT in all), and print
 * how many were made per second.  Each connection connects, sends one
 * byte, shuts down its write side, reads to EOF and closes, as a
 * client of a one-shot server does.  With --tls (where built with
 * OpenSSL) each connects, makes a full TLS handshake (no resumption, the
 * certificate not verified), reads the server's reply to its end
 * (close_notify, or EOF), sends close_notify and closes: the handshakes
 * a server makes per second.  A benchmark helper, not installed.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef CONNRATE_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#define IO_TIMEOUT_SEC	5	/* a server that never closes fails the run */
#define CLIENTS_MAX	1024

static void
usage(void)
{
	fprintf(stderr, "usage: connrate [--tls] ADDRESS PORT COUNT [CLIENTS]\n");
	exit(64);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A socket connected to sin, its waits bounded; or -1 with errno set. */
static int
connected(const struct sockaddr_in *sin)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_SEC };
	int fd, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* One connection's whole life; returns 0, or -1 with errno set. */
static int
one_connection(const struct sockaddr_in *sin)
{
	char buf[4096];
	ssize_t n;
	int fd, saved;

	if ((fd = connected(sin)) == -1)
		return -1;
	if (write(fd, "x", 1) != 1 || shutdown(fd, SHUT_WR) == -1)
		goto fail;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n == -1)
		goto fail;
	return close(fd);
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

#ifdef CONNRATE_TLS
static SSL_CTX *tls_ctx;	/* with --tls, what every connection starts from */

/* A client context that makes a full handshake every time. */
static void
tls_setup(void)
{
	/* a server that has closed gets our close_notify as an EPIPE */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if ((tls_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new: %s",
		    ERR_error_string(ERR_get_error(), NULL));
	/* no session kept, so none resumed; the certificate is not verified
	 * (SSL_VERIFY_NONE, a client's default): the server's work is
	 * measured, not ours */
	(void)SSL_CTX_set_session_cache_mode(tls_ctx, SSL_SESS_CACHE_OFF);
	(void)SSL_CTX_set_options(tls_ctx, SSL_OP_NO_TICKET |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
}

/*
 * One TLS connection's whole life: the handshake, the server's reply
 * read to its end (close_notify, or EOF), our close_notify, close.
 * Returns 0, or -1 with errno set (EPROTO: the TLS error printed).
 */
static int
tls_connection(const struct sockaddr_in *sin)
{
	char buf[4096];
	size_t got = 0;
	SSL *ssl;
	int fd, n, why = EPROTO;

	if ((fd = connected(sin)) == -1)
		return -1;
	if ((ssl = SSL_new(tls_ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_connect(ssl) != 1)
		goto fail;
	while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	if (SSL_get_error(ssl, n) != SSL_ERROR_ZERO_RETURN)
		goto fail;
	if (got == 0) {
		why = ENODATA;
		goto fail;
	}
	/* the server may have closed already: its end is not ours to judge */
	(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	return close(fd);
fail:
	ERR_print_errors_fp(stderr);
	SSL_free(ssl);
	close(fd);
	errno = why;
	return -1;
}
#endif

/* One connection, TLS if asked for. */
static int
connection(const struct sockaddr_in *sin)
{
#ifdef CONNRATE_TLS
	if (tls_ctx != NULL)
		return tls_connection(sin);
#endif
	return one_connection(sin);
}

/* count connections one after another; exits 1 if one fails. */
static void
connect_serially(const struct sockaddr_in *sin, long long count)
{
	long long i;

	for (i = 0; i < count; i++)
		if (connection(sin) == -1)
			err(1, "connection %lld of %lld", i + 1, count);
}

/* count connections from clients processes at once; exits 1 on failure. */
static void
connect_concurrently(const struct sockaddr_in *sin, long long count,
    long long clients)
{
	long long i, failed = 0;
	int status;
	pid_t pid;

	for (i = 0; i < clients; i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			/* the first ones take what does not divide evenly */
			connect_serially(sin, count / clients +
			    (i < count % clients ? 1 : 0));
			_exit(0);
		}
	}
	while (wait(&status) != -1)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	if (failed > 0)
		errx(1, "%lld of %lld clients failed", failed, clients);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *errstr;
	long long port, count, clients = 1;
	double start, elapsed;

	if (argc > 1 && strcmp(argv[1], "--tls") == 0) {
#ifdef CONNRATE_TLS
		tls_setup();
#else
		errx(64, "--tls: built without OpenSSL");
#endif
		argc--;
		argv++;
	}
	if (argc != 4 && argc != 5)
		usage();
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		errx(64, "address %s: not an IPv4 address", argv[1]);
	port = strtonum(argv[2], 1, 65535, &errstr);
	if (errstr != NULL)
		errx(64, "port %s: %s", argv[2], errstr);
	count = strtonum(argv[3], 1, 10000000, &errstr);
	if (errstr != NULL)
		errx(64, "count %s: %s", argv[3], errstr);
	if (argc == 5) {
		clients = strtonum(argv[4], 1, CLIENTS_MAX, &errstr);
		if (errstr != NULL)
			errx(64, "clients %s: %s", argv[4], errstr);
	}
	sin.sin_port = htons((unsigned short)port);

	start = now();
	if (clients == 1)
		connect_serially(&sin, count);
	else
		connect_concurrently(&sin, count, clients);
	elapsed = now() - start;
	printf("%.1f\n", (double)count / elapsed);
	return 0;
}
