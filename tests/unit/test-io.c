#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "tap.h"

/* What write_escaped writes for len bytes of in, as a string. */
static char *
escaped_crlf(const char *in, size_t len, bool crlf)
{
	static char out[256];
	ssize_t n;
	int fds[2];

	if (pipe(fds) == -1)
		return NULL;
	if (write_escaped(fds[1], in, len, crlf) == -1)
		return NULL;
	close(fds[1]);
	n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[n < 0 ? 0 : n] = '\0';
	return out;
}

static char *
escaped(const char *in, size_t len)
{
	return escaped_crlf(in, len, false);
}

/* in with -C's newlines, as a string. */
static const char *
crlf(const char *in, bool *after_cr)
{
	static char out[256];

	out[crlf_expand(in, strlen(in), out, after_cr)] = '\0';
	return out;
}

static void
test_crlf_expand(void)
{
	char buf[64];
	bool after_cr = false;
	size_t n;

	is_str(crlf("GET / HTTP/1.0\n\n", &after_cr),
	    "GET / HTTP/1.0\r\n\r\n", "each newline sent as CRLF");
	is_str(crlf("a\r\nb", &after_cr), "a\r\nb",
	    "a CRLF already there stays one");
	is_str(crlf("c\r", &after_cr), "c\r", "a CR at a piece's end");
	is_str(crlf("\nd", &after_cr), "\nd",
	    "and the newline that starts the next piece is not doubled");
	is_str(crlf("\r\r", &after_cr), "\r\r", "lone CRs are kept");
	after_cr = false;
	/* in the second half of one buffer, as the relay reads it */
	memcpy(buf + 32, "x\ny\n\n", 5);
	n = crlf_expand(buf + 32, 5, buf, &after_cr);
	ok(n == 8 && memcmp(buf, "x\r\ny\r\n\r\n", 8) == 0,
	    "expanded in place, from a buffer's second half to its start");
}

static void
test_join_words(void)
{
	char *words[] = { "a", "b c", "", "d" };
	char *buf;
	size_t len;

	buf = join_words(words, 4, true, &len);
	ok(len == 9 && memcmp(buf, "a b c  d\n", len) == 0,
	    "words joined by spaces, ended with a newline");
	free(buf);
	buf = join_words(words, 1, false, &len);
	ok(len == 1 && buf[0] == 'a', "no newline when asked");
	free(buf);
	buf = join_words(words, 0, true, &len);
	ok(len == 1 && buf[0] == '\n', "no words: a newline alone");
	free(buf);
	buf = join_words(words, 0, false, &len);
	ok(buf != NULL && len == 0, "no words and no newline: nothing");
	free(buf);
}

static void
test_write_escaped(void)
{
	is_str(escaped("plain text\n", 11), "plain text\n",
	    "printable text and newlines pass");
	is_str(escaped("\x1b[2J", 4), "\\033[2J", "escape sequences are escaped");
	is_str(escaped("a\0b", 3), "a\\0b", "NUL is escaped");
	is_str(escaped("\\", 1), "\\\\", "a backslash is doubled");
	is_str(escaped("\x7f\xff", 2), "\\177\\377", "DEL and high bytes");
	ok(escaped("", 0) != NULL && escaped("", 0)[0] == '\0',
	    "nothing in, nothing out");
	is_str(escaped("200\r\n", 5), "200\\r\n", "-x shows a CRLF's CR");
	is_str(escaped_crlf("+PONG\r\nx\r\r\n\ry\r", 14, true),
	    "+PONG\r\nx\\r\r\n\\ry\\r",
	    "on a terminal, a CR right before a LF passes, no other");
	is_str(escaped_crlf("\033\r\n", 3, true), "\\033\r\n",
	    "and what comes before it is still escaped");
}

static void
test_write_all(void)
{
	char big[1 << 16], back[1 << 16];
	size_t got = 0;
	ssize_t n;
	int fds[2];

	memset(big, 'x', sizeof(big));
	ok(pipe(fds) == 0 && write_all(fds[1], big, 1000) == 0,
	    "write_all writes to a pipe");
	close(fds[1]);
	while ((n = read(fds[0], back + got, sizeof(back) - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	ok(got == 1000, "every byte arrives (%zu)", got);
	ok(write_all(-1, big, 1) == -1, "a bad descriptor fails");
}

int
main(void)
{
	test_join_words();
	test_crlf_expand();
	test_write_escaped();
	test_write_all();
	return tap_done();
}
