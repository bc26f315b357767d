/*
 * Reporting layer.  The options the socket tools share (-4, -6, -b, -c,
 * -k, -t, -U, -v, -x, --mode, --port-file, --raw, --reply, and TLS's
 * --tls, --ca, --cert, --key and --alpn), taken the
 * same way with the same messages in each (the listener they describe is
 * listener.h's).  Each tool's getopt string says which of them it has;
 * whatever goes wrong exits, with 64 for a malformed value.
 */
#ifndef SOCKUTILS_SOCKOPTS_H
#define SOCKUTILS_SOCKOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "address.h"
#include "io.h"
#include "listen.h"
#include "portlist.h"
#include "timing.h"
#include "unix.h"

/* The shared long-only options; a tool's own start at SOCKOPT_OWN. */
enum {
	SOCKOPT_PORT_FILE = 256,
	SOCKOPT_RAW,
	SOCKOPT_REPLY,
	SOCKOPT_MODE,
	SOCKOPT_TLS,
	SOCKOPT_CA,
	SOCKOPT_CERT,
	SOCKOPT_KEY,
	SOCKOPT_ALPN,
	SOCKOPT_OWN
};

/*
 * The shared options' rows of a tool's getopt_long table, by who has
 * them: every socket tool, the listeners, the senders.  A tool lists the
 * groups it has, and its getopt string the same letters.
 */
#define SOCKOPT_ROWS \
	{ "ipv4", no_argument, '4' }, \
	{ "ipv6", no_argument, '6' }, \
	{ "bind", required_argument, 'b' }, \
	{ "timeout", required_argument, 't' }, \
	{ "unix", no_argument, 'U' }, \
	{ "verbose", no_argument, 'v' }, \
	{ "escape", no_argument, 'x' }, \
	{ "raw", no_argument, SOCKOPT_RAW }
#define SOCKOPT_LISTENER_ROWS \
	{ "count", required_argument, 'c' }, \
	{ "json", no_argument, 'j' }, \
	{ "keep-open", no_argument, 'k' }, \
	{ "mode", required_argument, SOCKOPT_MODE }, \
	{ "reply", required_argument, SOCKOPT_REPLY }, \
	{ "port-file", required_argument, SOCKOPT_PORT_FILE }
/*
 * the stream tools': --ca names whom the peer's certificate must be
 * from, --alpn the protocols offered (a client's) or accepted (a
 * server's), in the order preferred
 */
#define SOCKOPT_TLS_ROWS \
	{ "tls", no_argument, SOCKOPT_TLS }, \
	{ "ca", required_argument, SOCKOPT_CA }, \
	{ "cert", required_argument, SOCKOPT_CERT }, \
	{ "key", required_argument, SOCKOPT_KEY }, \
	{ "alpn", required_argument, SOCKOPT_ALPN }
/* -C, -n and -r: each sender takes them itself */
#define SOCKOPT_SENDER_ROWS \
	{ "crlf", no_argument, 'C' }, \
	{ "no-newline", no_argument, 'n' }, \
	{ "read", no_argument, 'r' }

struct sockopts {
	const char	*bind;		/* -b ADDR, or NULL */
	long long	 count;		/* -c COUNT, or 0 */
	long long	 timeout_ms;	/* -t SEC, or NO_LIMIT */
	const char	*timeout;	/* -t SEC as given, or NULL */
	const char	*reply;		/* --reply DATA as given, or NULL */
	const char	*port_file;	/* --port-file FILE, or NULL */
	long		 mode;		/* --mode MODE, or -1 */
	const char	*ca;		/* --ca FILE|DIR, or NULL */
	const char	*cert;		/* --cert FILE, or NULL */
	const char	*key;		/* --key FILE, or NULL */
	const char	*alpn;		/* --alpn LIST (checked), or NULL */
	bool		 want4;		/* -4 */
	bool		 want6;		/* -6 */
	bool		 keep;		/* -k */
	bool		 verbose;	/* -v */
	bool		 escape;	/* -x */
	bool		 raw;		/* --raw */
	bool		 unix_path;	/* -U: the operand is a PATH */
	bool		 tls;		/* --tls */
};

#define SOCKOPTS_INIT	{ .timeout_ms = NO_LIMIT, .mode = -1 }

/*
 * Takes option ch of getopt_long, with its value arg, into o if it is
 * one of the shared ones.  Returns whether it was.
 */
bool	sockopts_take(struct sockopts *o, int ch, const char *arg);

/* The family -4 and -6 ask for (family.h); AF_UNSPEC with neither. */
int	sockopts_family(const struct sockopts *o);

/*
 * How what a peer sends is escaped on the way to stdout: all of it with
 * -x, or on a terminal without --raw so that a peer cannot drive it
 * (the CR of a CRLF let through there), or not at all.  -x with --raw
 * exits 64.
 */
enum escape_mode sockopts_escape(const struct sockopts *o);

/*
 * sockopts_escape for a sender's reply, which reads says it reads (-r):
 * -x and --raw without it exit 64.
 */
enum escape_mode sockopts_escape_reply(const struct sockopts *o, bool reads);

/*
 * --expect's pattern, compiled (ere.h): a malformed one exits 64 with
 * its reason, memory running out 71.
 */
struct ere *sockopts_expect(const char *pattern);

/* The PORT operand s for proto ("tcp", "udp"); 0 only with allow_zero. */
unsigned short port_operand(const char *s, const char *proto,
	    bool allow_zero);

/*
 * The address of -b (the loopback address without it) for family and
 * port, into ss; a malformed one exits 64 with "WHAT ADDR: reason".
 */
void	sockopts_bind_address(const struct sockopts *o, int family,
	    unsigned short port, const char *what,
	    struct sockaddr_storage *ss);

/*
 * The address of the Unix path operand (unix_address) into ua; an
 * empty or malformed one exits 64, a directory that cannot be opened
 * for a long path by its errno (with later, one that does not exist yet
 * is taken: unix_address_later).
 */
void	sockopts_unix_address(const char *path, struct unix_addr *ua,
	    bool later);

/* Exits 64 for the options that mean nothing for a Unix path with -U. */
void	sockopts_unix(const struct sockopts *o);

#endif
