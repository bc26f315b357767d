#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "expect.h"
#include "tap.h"
#include "timing.h"

/*
 * expect_run against a peer that sent reply (and closed if it says so),
 * with pattern and max bytes; the end, and the matching line in line.
 */
static enum expect_end
run(const char *reply, bool close_peer, const char *pattern, size_t max,
    char *line, size_t size)
{
	struct expect x = { 0 };
	struct stream sock;
	struct ere *re;
	char why[EXPECT_REASON_MAX];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (re = ere_compile(pattern, why)) == NULL)
		return EXPECT_RECV;
	if (write(sv[1], reply, strlen(reply)) != (ssize_t)strlen(reply))
		return EXPECT_SEND;
	if (close_peer)
		close(sv[1]);
	stream_socket(&sock, sv[0]);
	x.sock = &sock;
	x.re = re;
	x.max_bytes = max;
	x.buf = malloc(max);
	x.end = time_after(now_ms(), 200);
	(void)expect_run(&x);
	line[0] = '\0';
	if (x.ended == EXPECT_MATCHED)
		snprintf(line, size, "%.*s|%zu", (int)x.linelen, x.buf + x.line,
		    x.through);
	else
		snprintf(line, size, "%s", expect_reason(&x, why));
	free(x.buf);
	ere_free(re);
	close(sv[0]);
	if (!close_peer)
		close(sv[1]);
	return x.ended;
}

static void
test_matching(void)
{
	char got[256];

	ok(run("HTTP/1.0 200 OK\r\nServer: x\r\n\r\n", false,
	    "^HTTP/1\\.[01] 200", 64, got, sizeof(got)) == EXPECT_MATCHED,
	    "a status line matches before the peer closes");
	is_str(got, "HTTP/1.0 200 OK|17", "the line without its CR, and the "
	    "reply through its LF");
	ok(run("+PONG\r\n", false, "^\\+PONG$", 64, got, sizeof(got)) ==
	    EXPECT_MATCHED, "$ anchors before the CR");
	ok(run("a\nb\nSSH-2.0-x", true, "^SSH-2\\.0-", 64, got,
	    sizeof(got)) == EXPECT_MATCHED, "the last bytes without a newline "
	    "are a line once the peer closes");
	is_str(got, "SSH-2.0-x|13", "and the reply through them");
	ok(run("partial", false, "^partial$", 64, got, sizeof(got)) ==
	    EXPECT_TIMEOUT, "but not while the peer may still send");
	ok(run("123456789\n", false, "^12345", 5, got, sizeof(got)) ==
	    EXPECT_MATCHED, "a full buffer makes its bytes a line");
}

static void
test_failing(void)
{
	char got[256];

	ok(run("HTTP/1.0 503 Busy\r\n\r\n", true, "^HTTP/1\\.[01] 200", 64,
	    got, sizeof(got)) == EXPECT_CLOSED, "no match before the close");
	is_str(got, "no line matched before the peer closed: first line "
	    "\"HTTP/1.0 503 Busy\"", "the reason quotes the first line");
	ok(run("", true, "x", 64, got, sizeof(got)) == EXPECT_CLOSED,
	    "a close without a reply");
	is_str(got, "the peer closed without a reply", "says so");
	ok(run("aaaaaaaaaa", false, "b", 4, got, sizeof(got)) == EXPECT_FULL,
	    "max bytes without a match");
	is_str(got, "no line matched in --max-bytes of reply: first line "
	    "\"aaaa\"", "quotes what came");
	ok(run("\033[2J\r\n", true, "x", 64, got, sizeof(got)) ==
	    EXPECT_CLOSED, "control bytes in the reply");
	is_str(got, "no line matched before the peer closed: first line "
	    "\"\\033[2J\"", "are escaped in the reason");
}

static void
test_datagram(void)
{
	struct ere *re;
	char why[ERE_WHY_MAX];
	size_t line, len;

	ok(ere_compile("(", why) == NULL && why[0] != '\0',
	    "a malformed pattern is refused with a reason");
	ok((re = ere_compile("^ok", why)) != NULL, "compiles");
	ok(expect_match(re, "x\r\nok 1", 7, &line, &len) && line == 3 &&
	    len == 4, "a datagram's last line matches without a newline");
	ok(!expect_match(re, "nope\n", 5, &line, &len), "no line, no match");
	ok(expect_match(re, "\0\nok\0x", 6, &line, &len) && line == 2 &&
	    len == 4, "a NUL is a byte of a line like any other");
	ere_free(re);
}

int
main(void)
{
	test_matching();
	test_failing();
	test_datagram();
	return tap_done();
}
