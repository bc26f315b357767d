#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "io.h"
#include "timing.h"

/* Waits until fd takes more; returns 0, or -1 with errno set. */
static int
wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	while (poll(&pfd, 1, -1) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

int
wait_for(int fd, short events, long long ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	while ((n = poll(&pfd, 1, poll_timeout(ms))) == -1 && errno == EINTR)
		;
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			/* a descriptor someone made non-blocking: as if blocking */
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    wait_writable(fd) == 0)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The len bytes of buf escaped into vis (room for 4 bytes each): each
 * byte as itself, never a multibyte character, and graphic only in
 * ASCII: musl's C locale reads bytes above 0x7f as characters (U+DF80
 * on) and its iswgraph knows Unicode, where glibc's C locale takes them
 * as bytes that are not graphic.  Returns the bytes written, or -1.
 */
static int
vis_bytes(char *vis, size_t size, const char *buf, size_t len)
{
	int bytes = 1;

	return strenvisx(vis, size, buf, len,
	    VIS_CSTYLE | VIS_OCTAL | VIS_NOLOCALE, &bytes);
}

int
write_escaped(int fd, const void *buf, size_t len, bool crlf)
{
	const char *p = buf, *end = p + len, *cr;
	size_t size = (len + 1) * 4, off = 0, piece;
	char *vis;
	int rc = 0, saved_errno;

	/* strvisx needs four bytes out for each byte in, and a NUL */
	if ((vis = reallocarray(NULL, len + 1, 4)) == NULL)
		return -1;
	while (rc != -1 && p < end) {
		/* with crlf, the pieces between CRLFs, each CRLF as it is */
		cr = crlf ? memmem(p, (size_t)(end - p), "\r\n", 2) : NULL;
		piece = cr != NULL ? (size_t)(cr - p) : (size_t)(end - p);
		if ((rc = vis_bytes(vis + off, size - off, p, piece)) == -1)
			break;
		off += (size_t)rc;
		p += piece;
		if (cr != NULL) {
			vis[off++] = '\r';
			vis[off++] = '\n';
			p += 2;
		}
	}
	if (rc != -1)
		rc = write_all(fd, vis, off);
	saved_errno = errno;
	free(vis);
	errno = saved_errno;
	return rc;
}

int
write_received(int fd, const void *buf, size_t len, enum escape_mode mode)
{
	if (mode == ESCAPE_NONE)
		return write_all(fd, buf, len);
	return write_escaped(fd, buf, len, mode == ESCAPE_TERMINAL);
}

char *
join_words(char *const *words, int n, bool newline, size_t *len)
{
	size_t size = 1, off = 0, wlen;
	char *buf;
	int i;

	for (i = 0; i < n; i++)
		size += strlen(words[i]) + 1;
	if ((buf = malloc(size)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf[off++] = ' ';
		wlen = strlen(words[i]);
		memcpy(buf + off, words[i], wlen);
		off += wlen;
	}
	if (newline)
		buf[off++] = '\n';
	*len = off;
	return buf;
}

size_t
crlf_expand(const char *in, size_t len, char *out, bool *after_cr)
{
	size_t i, n = 0;
	char c;

	for (i = 0; i < len; i++) {
		/* read before written: out may trail in in one buffer */
		c = in[i];
		if (c == '\n' && !*after_cr)
			out[n++] = '\r';
		out[n++] = c;
		*after_cr = c == '\r';
	}
	return n;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
unescape(const char *s, char *out, size_t *len, const char **errstr)
{
	static const char from[] = "\\abefnrtv", to[] = "\\\a\b\033\f\n\r\t\v";
	const char *p;
	size_t n = 0;
	int v, digits;

	while (*s != '\0') {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		if (*s >= '0' && *s <= '7') {
			for (v = 0, digits = 0; digits < 3 && *s >= '0' &&
			    *s <= '7'; digits++)
				v = v * 8 + (*s++ - '0');
			if (v > 0xff) {
				*errstr = "octal escape over \\377";
				return -1;
			}
			out[n++] = (char)v;
		} else if (*s == 'x' && hex_value(s[1]) >= 0) {
			v = hex_value(*++s);
			if (hex_value(*++s) >= 0)
				v = v * 16 + hex_value(*s++);
			out[n++] = (char)v;
		} else if (*s != '\0' && (p = strchr(from, *s)) != NULL) {
			out[n++] = to[p - from];
			s++;
		} else {
			*errstr = *s == '\0' ? "backslash at the end" :
			    "unknown escape";
			return -1;
		}
	}
	*len = n;
	return 0;
}
