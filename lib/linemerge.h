/*
 * Pure core.  Many byte streams onto one output, so that a line is
 * never broken by another stream's bytes (it writes only through the
 * caller's function, and prints nothing).  While one stream is open its
 * bytes pass as they come.  While several are, each writes whole
 * lines; what follows its last newline waits in its own buffer of at
 * most LINE_BOUND bytes, until the newline comes, the stream ends, or
 * the buffer fills (a line that long is written as it stands).  A
 * line a lone stream left unfinished on the output is its to finish:
 * the others' lines wait for its newline, its end, or line_release.
 */
#ifndef SOCKUTILS_LINEMERGE_H
#define SOCKUTILS_LINEMERGE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The longest line kept whole, and so the most a stream holds: four
 * times what HTTP servers take for a request line or a header (8 KiB
 * in Apache and nginx), and small enough that a hundred connections
 * each holding a full one stay within the 8 MiB the benchmark allows
 * tcp-listen (at 64 KiB they came to 8.1 MiB).
 */
#define LINE_BOUND	((size_t)32 * 1024)

/* Writes len bytes of buf whole: 0, or -1 with errno set. */
typedef int	line_write_fn(void *ctx, const char *buf, size_t len);

struct line_src;

/* The output the streams share. */
struct line_out {
	line_write_fn		*write;
	void			*ctx;
	const struct line_src	*owner;	/* whose line is unfinished, or NULL */
	size_t			 open;	/* streams not yet finished */
	bool			 freed;	/* the output may take others' lines */
};

/* One stream. */
struct line_src {
	char		*buf;		/* held bytes (LINE_BOUND), or NULL */
	size_t		 len;
	bool		 ended;		/* its end came; held bytes may wait */
};

/* o for write with ctx, no stream open. */
void	line_out_init(struct line_out *o, line_write_fn *write, void *ctx);

/* s as a new open stream of o. */
void	line_open(struct line_out *o, struct line_src *s);

/*
 * How many bytes s may give line_put now, at most want: 0 while its
 * buffer is full and must wait (stop reading it then).
 */
size_t	line_room(const struct line_out *o, const struct line_src *s,
	    size_t want);

/*
 * n bytes that s brought (n at most line_room's), written or held.
 * Returns 0, or -1 with errno set (the write failed, or no memory to
 * hold them).
 */
int	line_put(struct line_out *o, struct line_src *s, const char *p,
	    size_t n);

/*
 * The end of s: what it holds is written as it stands once the output
 * may take it.  Returns 1 when s is finished (nothing held, no longer
 * counted as open), 0 while it waits, -1 with errno set.
 */
int	line_close(struct line_out *o, struct line_src *s);

/*
 * Lets s write what waited for another stream's line, after o->freed
 * said the output may take it (the caller clears it, then settles each
 * stream that holds bytes).  Returns as line_close for an ended s, 0
 * or -1 otherwise.
 */
int	line_settle(struct line_out *o, struct line_src *s);

/*
 * Takes the unfinished line from its stream, as it stands: the others'
 * lines may go now (o->freed), and its own next bytes wait for their
 * newline as anyone's.  For a caller that bounds how long one stream
 * may hold the others off.
 */
void	line_release(struct line_out *o);

/*
 * Writes what s holds as it stands, whoever's line is unfinished: for
 * an exit that must lose nothing.  s is finished then.  Returns 0 or -1.
 */
int	line_drain(struct line_out *o, struct line_src *s);

#endif
