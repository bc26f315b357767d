#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linemerge.h"

void
line_out_init(struct line_out *o, line_write_fn *write, void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->write = write;
	o->ctx = ctx;
}

void
line_open(struct line_out *o, struct line_src *s)
{
	memset(s, 0, sizeof(*s));
	o->open++;
}

/* Whether s is the only stream open: its bytes pass as they come. */
static bool
alone(const struct line_out *o)
{
	return o->open == 1;
}

size_t
line_room(const struct line_out *o, const struct line_src *s, size_t want)
{
	size_t left;

	if (alone(o))
		return want;
	left = LINE_BOUND - s->len;
	return left < want ? left : want;
}

static int
emit(struct line_out *o, const char *p, size_t n)
{
	return n == 0 ? 0 : o->write(o->ctx, p, n);
}

static void
forget(struct line_src *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = 0;
}

/* The output's unfinished line is s's if it wrote one, else no one's. */
static void
set_owner(struct line_out *o, const struct line_src *s, bool unfinished)
{
	if (unfinished)
		o->owner = s;
	else if (o->owner != NULL) {
		o->owner = NULL;
		o->freed = true;
	}
}

/* Keeps n more bytes in s (they fit: line_room said so). */
static int
hold(struct line_src *s, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	if (s->buf == NULL && (s->buf = malloc(LINE_BOUND)) == NULL)
		return -1;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

/* Writes what s holds, then p: the bytes pass. */
static int
pass(struct line_out *o, struct line_src *s, const char *p, size_t n)
{
	bool unfinished;

	if (s->len == 0 && n == 0)
		return 0;
	if (n > 0)
		unfinished = p[n - 1] != '\n';
	else
		unfinished = s->buf[s->len - 1] != '\n';
	if (emit(o, s->buf, s->len) == -1 || emit(o, p, n) == -1)
		return -1;
	forget(s);
	set_owner(o, s, unfinished);
	return 0;
}

/* Writes the whole lines of what s holds and p; keeps the rest. */
static int
whole_lines(struct line_out *o, struct line_src *s, const char *p, size_t n)
{
	const char *nl = n > 0 ? memrchr(p, '\n', n) : NULL;
	size_t upto;

	if (nl != NULL) {
		upto = (size_t)(nl - p) + 1;
		if (emit(o, s->buf, s->len) == -1 || emit(o, p, upto) == -1)
			return -1;
		forget(s);
		set_owner(o, s, false);
		p += upto;
		n -= upto;
	} else if (s->len > 0 &&
	    (nl = memrchr(s->buf, '\n', s->len)) != NULL) {
		upto = (size_t)(nl - s->buf) + 1;
		if (emit(o, s->buf, upto) == -1)
			return -1;
		memmove(s->buf, s->buf + upto, s->len - upto);
		s->len -= upto;
		set_owner(o, s, false);
	}
	if (hold(s, p, n) == -1)
		return -1;
	/* a line over the bound goes as it stands; it holds no one off */
	if (s->len == LINE_BOUND) {
		if (emit(o, s->buf, s->len) == -1)
			return -1;
		forget(s);
	}
	return 0;
}

int
line_put(struct line_out *o, struct line_src *s, const char *p, size_t n)
{
	if (o->owner != NULL && o->owner != s)
		return hold(s, p, n);
	/* alone, or the rest of its unfinished line: the bytes pass */
	if (alone(o) || (o->owner == s && (n == 0 ||
	    memchr(p, '\n', n) == NULL)))
		return pass(o, s, p, n);
	return whole_lines(o, s, p, n);
}

/* s is done: no longer open; a lone stream left may pass its bytes. */
static void
finish(struct line_out *o, struct line_src *s)
{
	forget(s);
	s->ended = true;
	if (--o->open == 1)
		o->freed = true;
}

int
line_close(struct line_out *o, struct line_src *s)
{
	s->ended = true;
	if (o->owner != NULL && o->owner != s)
		return 0;
	if (emit(o, s->buf, s->len) == -1)
		return -1;
	set_owner(o, s, false);
	finish(o, s);
	return 1;
}

int
line_settle(struct line_out *o, struct line_src *s)
{
	if (s->ended)
		return line_close(o, s);
	return line_put(o, s, NULL, 0);
}

void
line_release(struct line_out *o)
{
	set_owner(o, NULL, false);
}

int
line_drain(struct line_out *o, struct line_src *s)
{
	if (emit(o, s->buf, s->len) == -1)
		return -1;
	if (o->owner == s)
		o->owner = NULL;
	finish(o, s);
	return 0;
}
