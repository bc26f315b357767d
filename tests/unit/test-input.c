#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datagram.h"
#include "input.h"
#include "tap.h"

/* ok() evaluates its condition twice: no calls in it. */

/* A pipe holding s, its write end closed: a file descriptor to read. */
static int
pipe_of(const char *s, size_t len)
{
	int p[2];

	if (pipe(p) == -1 || write(p[1], s, len) != (ssize_t)len)
		abort();
	close(p[1]);
	return p[0];
}

int
main(void)
{
	struct line_reader lr;
	const char *line;
	char buf[8];
	size_t len;
	ssize_t n;
	bool full;
	int fd, rc;

	fd = pipe_of("abc", 3);
	n = read_upto(fd, buf, sizeof(buf), &full);
	ok(n == 3 && !full, "read_upto reads to the end");
	close(fd);
	fd = pipe_of("0123456789", 10);
	n = read_upto(fd, buf, sizeof(buf), &full);
	ok(n == 8 && full, "read_upto stops at the maximum");
	close(fd);

	fd = pipe_of("one\n\nfour\nlast", 14);
	line_reader_init(&lr, fd, 5);
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 4 && memcmp(line, "one\n", 4) == 0,
	    "a line with its newline");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 1 && line[0] == '\n', "an empty line");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 5, "a line of the maximum, newline included");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 4 && memcmp(line, "last", 4) == 0,
	    "a last line without a newline");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 0, "then the end");
	line_reader_free(&lr);
	close(fd);

	fd = pipe_of("ok\ntoolong\nnext\n", 16);
	line_reader_init(&lr, fd, 5);
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 3, "a short line");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == -2 && len == 5 && memcmp(line, "toolo", 5) == 0,
	    "a line over the maximum, with its first bytes");
	ok(line_reader_skip(&lr) == 0, "line_reader_skip passes the rest");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 5 && memcmp(line, "next\n", 5) == 0,
	    "then the next line");
	line_reader_free(&lr);
	close(fd);

	fd = pipe_of("a-very-long-line-indeed\nend", 27);
	line_reader_init(&lr, fd, 5);
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == -2 && line_reader_skip(&lr) == 0,
	    "a line many times the maximum");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 1 && len == 3 && memcmp(line, "end", 3) == 0,
	    "then the last line");
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == 0, "then the end");
	line_reader_free(&lr);
	close(fd);

	fd = pipe_of("abcdef", 6);
	line_reader_init(&lr, fd, 5);
	rc = line_reader_next(&lr, &line, &len);
	ok(rc == -2, "a last line over the maximum, without a newline");
	ok(line_reader_skip(&lr) == 0 && line_reader_next(&lr, &line, &len) == 0,
	    "line_reader_skip stops at the end");
	line_reader_free(&lr);
	close(fd);

	ok(dgram_max(AF_INET) == 65507 && dgram_max(AF_INET6) == 65527,
	    "the datagram maxima");
	return tap_done();
}
