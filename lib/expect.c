#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <vis.h>

#include "exitcode.h"
#include "expect.h"
#include "timing.h"

/* The length of the line of len bytes at s without a CR at its end. */
static size_t
without_cr(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '\r' ? len - 1 : len;
}

/*
 * Matches the complete lines of buf from *from to len, and with last
 * the bytes after the last LF too.  Returns whether one matched, with
 * x's line, linelen and through set; *from is where the next line
 * starts.
 */
static bool
scan(struct expect *x, size_t *from, bool last)
{
	char *nl;
	size_t start, len;

	while (*from < x->received) {
		start = *from;
		nl = memchr(x->buf + start, '\n', x->received - start);
		if (nl == NULL && !last)
			return false;
		len = nl != NULL ? (size_t)(nl - x->buf) - start :
		    x->received - start;
		*from = start + len + (nl != NULL);
		len = without_cr(x->buf + start, len);
		if (ere_match(x->re, x->buf + start, len)) {
			x->line = start;
			x->linelen = len;
			x->through = *from;
			return true;
		}
	}
	return false;
}

bool
expect_match(struct ere *re, const char *buf, size_t len, size_t *line,
    size_t *linelen)
{
	/* scan only reads the buffer */
	struct expect x = { .re = re, .buf = (char *)buf, .received = len };
	size_t from = 0;

	if (!scan(&x, &from, true))
		return false;
	*line = x.line;
	*linelen = x.linelen;
	return true;
}

static int
ended(struct expect *x, enum expect_end why, int errnum)
{
	x->ended = why;
	x->error = errnum;
	return why == EXPECT_MATCHED ? 0 : -1;
}

/* Sends what the stream takes now of x's data; 0, or -1 on failure. */
static int
send_some(struct expect *x, size_t *sent)
{
	ssize_t n;

	if (*sent < x->datalen) {
		if ((n = stream_write_some(x->sock, x->data + *sent,
		    x->datalen - *sent)) == -1)
			return -1;
		*sent += (size_t)n;
		if (*sent < x->datalen)
			return 0;
	}
	/* all sent: the peer reads its end, as without --expect */
	if (x->sock->ops->shutdown(x->sock) == 0)
		x->shut = true;
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	return 0;
}

/*
 * Receives what is there now (a TLS session may hold more than poll
 * sees: until EAGAIN).  Returns 1 at the peer's end of file, 0 to go
 * on, -1 on failure.
 */
static int
recv_some(struct expect *x)
{
	ssize_t n;

	while (x->received < x->max_bytes) {
		n = stream_read(x->sock, x->buf + x->received,
		    x->max_bytes - x->received);
		if (n == -1)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		if (n == 0)
			return 1;
		x->received += (size_t)n;
	}
	return 0;
}

int
expect_run(struct expect *x)
{
	struct pollfd pfd = { .fd = x->sock->fd };
	size_t sent = 0, from = 0;
	bool sending = x->data != NULL;
	int n, rc;

	x->received = x->line = x->linelen = x->through = 0;
	x->shut = false;
	for (;;) {
		if (sending && send_some(x, &sent) == -1)
			return ended(x, EXPECT_SEND, errno == ENOTCONN ?
			    ECONNRESET : errno);
		sending = sending && !x->shut;
		pfd.events = (short)(x->sock->rd_events |
		    (sending ? x->sock->wr_events : 0));
		n = poll(&pfd, 1, poll_timeout(time_left(x->end, now_ms())));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return ended(x, EXPECT_RECV, errno);
		if (n == 0)
			return ended(x, EXPECT_TIMEOUT, ETIMEDOUT);
		if (!(pfd.revents & (x->sock->rd_events | POLLHUP | POLLERR)))
			continue;
		if ((rc = recv_some(x)) == -1)
			return ended(x, EXPECT_RECV, errno);
		if (scan(x, &from, rc == 1 || x->received == x->max_bytes))
			return ended(x, EXPECT_MATCHED, 0);
		if (rc == 1)
			return ended(x, EXPECT_CLOSED, 0);
		if (x->received == x->max_bytes)
			return ended(x, EXPECT_FULL, 0);
	}
}

const char *
expect_first_line(const char *buf, size_t len, char out[EXPECT_QUOTE_MAX])
{
	const char *nl = memchr(buf, '\n', len);
	bool cut;
	int bytes = 1;

	len = without_cr(buf, nl != NULL ? (size_t)(nl - buf) : len);
	cut = len > EXPECT_QUOTED_MAX;
	if (cut)
		len = EXPECT_QUOTED_MAX;
	/* each byte as itself, as write_escaped shows it */
	if (strenvisx(out, EXPECT_QUOTE_MAX, buf, len, VIS_CSTYLE |
	    VIS_OCTAL | VIS_NOLOCALE | VIS_DQ, &bytes) == -1)
		out[0] = '\0';
	if (cut)
		strlcat(out, "...", EXPECT_QUOTE_MAX);
	return out;
}

const char *
expect_reason(const struct expect *x, char *why)
{
	char line[EXPECT_QUOTE_MAX];
	const char *what;

	switch (x->ended) {
	case EXPECT_MATCHED:
		return "matched";
	case EXPECT_SEND:
	case EXPECT_RECV:
		return strerror(x->error);
	case EXPECT_CLOSED:
		if (x->received == 0)
			return "the peer closed without a reply";
		what = "before the peer closed";
		break;
	case EXPECT_FULL:
		what = "in --max-bytes of reply";
		break;
	case EXPECT_TIMEOUT:
	default:
		if (x->received == 0)
			return "no reply in the time allowed";
		what = "in the time allowed";
		break;
	}
	snprintf(why, EXPECT_REASON_MAX, "no line matched %s: first line "
	    "\"%s\"", what, expect_first_line(x->buf, x->received, line));
	return why;
}

int
expect_status(const struct expect *x)
{
	switch (x->ended) {
	case EXPECT_MATCHED:
		return EX_OK;
	case EXPECT_CLOSED:
	case EXPECT_FULL:
		return EX_PROTOCOL;
	case EXPECT_TIMEOUT:
		return EX_TEMPFAIL;
	default:
		return ex_errno(x->error, EX_IOERR);
	}
}
