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

/*
 * Waits until fd shows events (or an error or hang-up), at most ms
 * (NO_LIMIT: for ever), through signals.  Returns 0, or -1 with errno
 * set (ETIMEDOUT once ms passed).
 */
int	wait_for(int fd, short events, long long ms);

/*
 * Writes len bytes with what is unprintable escaped (strvis(3), C
 * style: "\n" stays a newline, a NUL becomes "\0"), for a terminal
 * that must not be driven by what a peer sends.  Returns as write_all.
 */
int	write_escaped(int fd, const void *buf, size_t len);

/* What a peer sent, to fd: write_escaped if escape, else write_all. */
int	write_received(int fd, const void *buf, size_t len, bool escape);

/*
 * The DATA operands as one payload, joined by single spaces and ended
 * with a newline unless !newline, as echo(1) does.  Returns a buffer
 * to free, its length in *len; NULL with errno set on failure.
 */
char	*join_words(char *const *words, int n, bool newline, size_t *len);

/*
 * The bytes s stands for with C escapes undone: \\ \a \b \e \f \n \r
 * \t \v, \xHH (one or two hex digits) and \NNN (one to three octal
 * digits, \0 is a NUL).  out holds at least strlen(s) bytes; *len gets
 * their number.  Returns 0, or -1 with *errstr set for another escape
 * or a lone backslash at the end.
 */
int	unescape(const char *s, char *out, size_t *len, const char **errstr);

#endif
