/*
 * lines: four streams opened, fed, settled and closed in the order the
 * input says.  Each brings its own letter and newlines; every stream
 * ends its last line before it closes.  Whatever the order: nothing is
 * lost (each letter and every newline comes out as often as it went
 * in), no stream ever holds more than LINE_BOUND, and every line out
 * shorter than the bound is one stream's alone.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "linemerge.h"

#define STREAMS	4
#define CHUNK	64	/* an input byte asks for up to 255 chunks */

static char *out;
static size_t outlen, outsize;

static int
capture(void *ctx, const char *buf, size_t len)
{
	char *bigger;

	(void)ctx;
	if (outlen + len > outsize) {
		outsize = (outlen + len) * 2;
		bigger = realloc(out, outsize);
		FUZZ_CHECK(bigger != NULL);
		out = bigger;
	}
	memcpy(out + outlen, buf, len);
	outlen += len;
	return 0;
}

struct stream {
	struct line_src	 src;
	bool		 used;		/* opened once (never again) */
	bool		 open;		/* opened, not yet closed */
	bool		 done;		/* finished by linemerge.c */
	size_t		 sent[2];	/* letters, newlines */
};

static void
settle_all(struct line_out *o, struct stream *st)
{
	int i, rounds = 0;

	while (o->freed) {
		FUZZ_CHECK(++rounds < 100);
		o->freed = false;
		for (i = 0; i < STREAMS; i++)
			if (st[i].used && !st[i].done &&
			    line_settle(o, &st[i].src) == 1 && st[i].src.ended)
				st[i].done = true;
	}
}

static void
feed(struct line_out *o, struct stream *s, char letter, size_t n,
    unsigned newline_every)
{
	static char buf[255 * CHUNK + 1];
	size_t i, room = line_room(o, &s->src, n);

	for (i = 0; i < room; i++) {
		if (newline_every != 0 && i % newline_every == newline_every - 1)
			buf[i] = '\n';
		else
			buf[i] = letter;
		s->sent[buf[i] == '\n']++;
	}
	FUZZ_CHECK(line_put(o, &s->src, buf, room) == 0);
	FUZZ_CHECK(s->src.len <= LINE_BOUND);
}

/* Ends s's last line and closes it, unless it has no room for that. */
static void
close_stream(struct line_out *o, struct stream *s)
{
	if (line_room(o, &s->src, 1) == 0)
		return;
	FUZZ_CHECK(line_put(o, &s->src, "\n", 1) == 0);
	s->sent[1]++;
	s->open = false;
	if (line_close(o, &s->src) == 1)
		s->done = true;
}

static void
check(const struct stream *st)
{
	size_t i, start, got[STREAMS + 1] = { 0 };
	int k;

	for (i = start = 0; i < outlen; i++) {
		if (out[i] == '\n') {
			got[STREAMS]++;
			start = i + 1;
			continue;
		}
		FUZZ_CHECK(out[i] >= 'a' && out[i] < 'a' + STREAMS);
		got[out[i] - 'a']++;
		/* a short line mixes no streams */
		if (i > start && out[i] != out[i - 1]) {
			const char *nl = memchr(out + i, '\n', outlen - i);
			size_t end = nl != NULL ? (size_t)(nl - out) : outlen;

			FUZZ_CHECK(end - start >= LINE_BOUND);
		}
	}
	for (k = 0; k < STREAMS; k++) {
		FUZZ_CHECK(got[k] == st[k].sent[0]);
		got[STREAMS] -= st[k].sent[1];
	}
	FUZZ_CHECK(got[STREAMS] == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream st[STREAMS];
	struct line_out o;
	size_t i;
	int k, rounds = 0;
	bool left;

	memset(st, 0, sizeof(st));
	outlen = 0;
	line_out_init(&o, capture, NULL);
	for (i = 0; i + 1 < size; i += 2) {
		struct stream *s = &st[data[i] % STREAMS];
		char letter = (char)('a' + data[i] % STREAMS);

		switch (data[i] / STREAMS % 4) {
		case 0:
			if (!s->used) {
				line_open(&o, &s->src);
				s->used = s->open = true;
			}
			break;
		case 1:
			if (s->open)
				feed(&o, s, letter, (size_t)data[i + 1] * CHUNK,
				    data[i + 1] % 7 == 0 ? 0 : data[i + 1] % 97 + 1);
			break;
		case 2:
			if (s->open)
				close_stream(&o, s);
			break;
		default:
			settle_all(&o, st);
		}
	}
	/* the one whose line is out always has room: all end in the end */
	do {
		FUZZ_CHECK(++rounds < 100);
		left = false;
		for (k = 0; k < STREAMS; k++)
			if (st[k].open) {
				close_stream(&o, &st[k]);
				left |= st[k].open;
			}
		settle_all(&o, st);
	} while (left);
	for (k = 0; k < STREAMS; k++)
		FUZZ_CHECK(!st[k].used || st[k].done);
	FUZZ_CHECK(o.open == 0 && o.owner == NULL);
	check(st);
	return 0;
}
