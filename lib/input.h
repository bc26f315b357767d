/*
 * Pure core.  Reading input in bounded pieces, all of it up to a limit
 * or line by line, so that no input, however long, makes a tool wait
 * for its end or hold more than the limit in memory.
 */
#ifndef SOCKUTILS_INPUT_H
#define SOCKUTILS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Reads fd until end of file or until max bytes are in buf.  Returns
 * the bytes read, with *full set when buf filled up (there may be more),
 * or -1 with errno set.
 */
ssize_t	read_upto(int fd, void *buf, size_t max, bool *full);

struct line_reader {
	int	 fd;
	char	*buf;
	size_t	 max;		/* longest line, its newline included */
	size_t	 start, end;	/* the bytes read and not yet returned */
	bool	 eof;
};

/* Prepares lr for fd and lines of up to max bytes; -1 if out of memory. */
int	line_reader_init(struct line_reader *lr, int fd, size_t max);

/*
 * The next line, with its newline unless it is the last and has none.
 * Returns 1 with *line and *len set (valid until the next call), 0 at
 * end of file, -1 with errno set on a read error, -2 when the line is
 * longer than max (with *line and *len its first max bytes: line_reader_skip
 * passes the rest).
 */
int	line_reader_next(struct line_reader *lr, const char **line,
	    size_t *len);

/* Passes the rest of the line, through its newline; 0, or -1 with errno. */
int	line_reader_skip(struct line_reader *lr);

void	line_reader_free(struct line_reader *lr);

#endif
