#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vis.h>

#include "io.h"

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
write_escaped(int fd, const void *buf, size_t len)
{
	char *vis;
	int rc, saved_errno;

	/* strvisx needs four bytes out for each byte in, and a NUL */
	if ((vis = reallocarray(NULL, len + 1, 4)) == NULL)
		return -1;
	rc = strvisx(vis, buf, len, VIS_CSTYLE | VIS_OCTAL);
	rc = write_all(fd, vis, (size_t)rc);
	saved_errno = errno;
	free(vis);
	errno = saved_errno;
	return rc;
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
