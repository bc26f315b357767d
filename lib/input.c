#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

ssize_t
read_upto(int fd, void *buf, size_t max, bool *full)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < max) {
		if ((n = read(fd, p + got, max - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*full = got == max;
	return (ssize_t)got;
}

int
line_reader_init(struct line_reader *lr, int fd, size_t max)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	lr->max = max;
	/* one byte more than a line, to see that a line is too long */
	if ((lr->buf = malloc(max + 1)) == NULL)
		return -1;
	return 0;
}

int
line_reader_next(struct line_reader *lr, const char **line, size_t *len)
{
	char *nl;
	size_t have;
	ssize_t n;

	for (;;) {
		have = lr->end - lr->start;
		nl = memchr(lr->buf + lr->start, '\n', have);
		if (nl != NULL || (lr->eof && have > 0)) {
			*len = nl != NULL ?
			    (size_t)(nl - (lr->buf + lr->start)) + 1 : have;
			*line = lr->buf + lr->start;
			if (*len > lr->max) {
				*len = lr->max;
				return -2;
			}
			lr->start += *len;
			return 1;
		}
		if (lr->eof)
			return 0;
		if (have > lr->max) {
			*line = lr->buf + lr->start;
			*len = lr->max;
			return -2;
		}
		memmove(lr->buf, lr->buf + lr->start, have);
		lr->start = 0;
		lr->end = have;
		n = read(lr->fd, lr->buf + lr->end, lr->max + 1 - lr->end);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			lr->eof = true;
		lr->end += (size_t)n;
	}
}

int
line_reader_skip(struct line_reader *lr)
{
	char *nl;
	ssize_t n;

	for (;;) {
		nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
		if (nl != NULL) {
			lr->start = (size_t)(nl - lr->buf) + 1;
			return 0;
		}
		lr->start = lr->end = 0;
		if (lr->eof)
			return 0;
		if ((n = read(lr->fd, lr->buf, lr->max + 1)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			lr->eof = true;
		lr->end = (size_t)n;
	}
}

void
line_reader_free(struct line_reader *lr)
{
	free(lr->buf);
	lr->buf = NULL;
}
