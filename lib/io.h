/*
 * Pure core.  Reading and writing descriptors whole: EINTR, short
 * writes and non-blocking descriptors handled.
 */
#ifndef SOCKUTILS_IO_H
#define SOCKUTILS_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Writes all len bytes of buf, waiting as a blocking write would where
 * fd is non-blocking; returns 0, or -1 with errno set.
 */
int	write_all(int fd, const void *buf, size_t len);

/* How what a peer sends is written out. */
enum escape_mode {
	ESCAPE_NONE,		/* as it is (--raw, or not to a terminal) */
	ESCAPE_ALL,		/* every unprintable byte (-x) */
	ESCAPE_TERMINAL,	/* the same, but a CR right before a LF in
				   the same piece is let through: an HTTP or
				   Redis reply reads as lines, not "\r" */
};

/*
 * Waits until fd shows events (or an error or hang-up), at most ms
 * (NO_LIMIT: for ever), through signals.  Returns 0, or -1 with errno
 * set (ETIMEDOUT once ms passed).
 */
int	wait_for(int fd, short events, long long ms);

/*
 * Writes len bytes with what is unprintable escaped (strvis(3), C
 * style: "\n" stays a newline, a NUL becomes "\0"), for a terminal
 * that must not be driven by what a peer sends; with crlf, a CR right
 * before a LF stays one.  Returns as write_all.
 */
int	write_escaped(int fd, const void *buf, size_t len, bool crlf);

/* What a peer sent, to fd, escaped as mode says. */
int	write_received(int fd, const void *buf, size_t len,
	    enum escape_mode mode);

/*
 * The DATA operands as one payload, joined by single spaces and ended
 * with a newline unless !newline, as echo(1) does.  Returns a buffer
 * to free, its length in *len; NULL with errno set on failure.
 */
char	*join_words(char *const *words, int n, bool newline, size_t *len);

/*
 * -C, --crlf: the len bytes of in into out (room for 2 * len), each
 * newline that does not follow a CR sent as CRLF, as nc -C, ncat -C and
 * socat's crlf do; *after_cr carries the last byte's CR from one piece
 * of a stream to the next (false before the first).  Returns the bytes
 * of out.  out may be in's buffer if in starts at least len bytes
 * into it.
 */
size_t	crlf_expand(const char *in, size_t len, char *out, bool *after_cr);

/*
 * The bytes s stands for with C escapes undone: \\ \a \b \e \f \n \r
 * \t \v, \xHH (one or two hex digits) and \NNN (one to three octal
 * digits, \0 is a NUL).  out holds at least strlen(s) bytes; *len gets
 * their number.  Returns 0, or -1 with *errstr set for another escape
 * or a lone backslash at the end.
 */
int	unescape(const char *s, char *out, size_t *len, const char **errstr);

#endif
