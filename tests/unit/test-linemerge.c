#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linemerge.h"
#include "tap.h"

/* What the streams wrote, and how many writes it took. */
static char outbuf[4 * LINE_BOUND + 1];
static size_t outlen;
static int writes;
static bool fail_writes;

static int
capture(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	if (fail_writes) {
		errno = EPIPE;
		return -1;
	}
	memcpy(outbuf + outlen, buf, len);
	outlen += len;
	outbuf[outlen] = '\0';
	writes++;
	return 0;
}

static void
reset(struct line_out *o)
{
	line_out_init(o, capture, NULL);
	outlen = 0;
	outbuf[0] = '\0';
	writes = 0;
	fail_writes = false;
}

static int
put(struct line_out *o, struct line_src *s, const char *str)
{
	return line_put(o, s, str, strlen(str));
}

static void
test_alone(void)
{
	struct line_out o;
	struct line_src a;

	reset(&o);
	line_open(&o, &a);
	ok(line_room(&o, &a, 1000000) == 1000000,
	    "a lone stream may bring any amount");
	put(&o, &a, "par");
	is_str(outbuf, "par", "a lone stream's bytes pass without a newline");
	ok(a.len == 0 && a.buf == NULL, "and nothing is held");
	put(&o, &a, "tial\nmore");
	is_str(outbuf, "partial\nmore", "as they come");
	ok(line_close(&o, &a) == 1 && o.open == 0, "its end finishes it");
}

static void
test_two_whole_lines(void)
{
	struct line_out o;
	struct line_src a, b;

	reset(&o);
	line_open(&o, &a);
	line_open(&o, &b);
	put(&o, &a, "a1\na2");
	is_str(outbuf, "a1\n", "with two open, only whole lines go out");
	ok(a.len == 2, "the rest is held");
	ok(line_room(&o, &a, 1000000) == LINE_BOUND - 2,
	    "room is what the bound leaves");
	put(&o, &b, "b1\n");
	is_str(outbuf, "a1\nb1\n", "the other's line is not broken into");
	put(&o, &a, "-end\n");
	is_str(outbuf, "a1\nb1\na2-end\n", "the held line goes out whole");
	put(&o, &b, "b2");
	ok(line_close(&o, &b) == 1, "an end with nothing in the way finishes");
	is_str(outbuf, "a1\nb1\na2-end\nb2",
	    "the last bytes without a newline go out as they stand");
	ok(o.freed && o.open == 1, "one left alone: the output is freed");
	o.freed = false;
	put(&o, &a, "x");
	is_str(outbuf, "a1\nb1\na2-end\nb2x", "the lone one passes again");
}

static void
test_unfinished_line_waits(void)
{
	struct line_out o;
	struct line_src a, b;

	reset(&o);
	line_open(&o, &a);
	put(&o, &a, "a-start ");
	ok(o.owner == &a, "a lone unfinished line is its stream's");
	line_open(&o, &b);
	put(&o, &b, "b1\nb2\n");
	is_str(outbuf, "a-start ", "the other's lines wait for it");
	ok(b.len == 6, "held in the other's buffer");
	put(&o, &a, "more");
	is_str(outbuf, "a-start more",
	    "the owner's continuation passes at once");
	ok(line_close(&o, &b) == 0, "an end behind another's line waits");
	put(&o, &a, " end\na-next");
	is_str(outbuf, "a-start more end\n", "the owner finishes its line");
	ok(o.freed && o.owner == NULL, "and frees the output");
	o.freed = false;
	ok(line_settle(&o, &b) == 1, "the waiting end is settled");
	is_str(outbuf, "a-start more end\nb1\nb2\n", "with its lines");
	ok(o.open == 1 && o.freed, "a alone again");
	o.freed = false;
	ok(line_settle(&o, &a) == 0, "a settles");
	is_str(outbuf, "a-start more end\nb1\nb2\na-next",
	    "what a held passes now that it is alone");
}

static void
test_release(void)
{
	struct line_out o;
	struct line_src a, b;

	reset(&o);
	line_open(&o, &a);
	put(&o, &a, "a-half");
	line_open(&o, &b);
	put(&o, &b, "b1\n");
	is_str(outbuf, "a-half", "the other's line waits for the owner");
	line_release(&o);
	ok(o.owner == NULL && o.freed, "released, the output is freed");
	o.freed = false;
	ok(line_settle(&o, &b) == 0, "the waiting stream settles");
	is_str(outbuf, "a-halfb1\n", "its line goes after the half one");
	put(&o, &a, " rest");
	is_str(outbuf, "a-halfb1\n", "the former owner's bytes now wait");
	ok(a.len == 5, "held in its buffer");
	put(&o, &a, "\n");
	is_str(outbuf, "a-halfb1\n rest\n", "until their newline");
	line_close(&o, &a);
	line_close(&o, &b);
}

static void
test_over_bound(void)
{
	struct line_out o;
	struct line_src a, b;
	static char big[LINE_BOUND];
	size_t room;

	reset(&o);
	memset(big, 'x', sizeof(big));
	line_open(&o, &a);
	line_open(&o, &b);
	put(&o, &a, "head");
	room = line_room(&o, &a, sizeof(big));
	ok(room == LINE_BOUND - 4, "room stops at the bound");
	line_put(&o, &a, big, room);
	ok(outlen == LINE_BOUND && a.len == 0,
	    "a line reaching the bound goes out as it stands");
	ok(o.owner == NULL, "and holds no one off");
	put(&o, &b, "b\n");
	ok(outlen == LINE_BOUND + 2, "the other's line follows");
}

static void
test_full_buffer_waits(void)
{
	struct line_out o;
	struct line_src a, b;
	static char big[LINE_BOUND];

	reset(&o);
	memset(big, 'y', sizeof(big));
	line_open(&o, &a);
	put(&o, &a, "owner");
	line_open(&o, &b);
	line_put(&o, &b, big, line_room(&o, &b, sizeof(big)));
	ok(b.len == LINE_BOUND && line_room(&o, &b, 10) == 0,
	    "behind another's line, a full buffer takes no more");
	ok(outlen == 5, "and writes nothing");
	ok(line_drain(&o, &b) == 0 && outlen == 5 + LINE_BOUND,
	    "a drain writes what is held whoever owns the line");
	ok(line_drain(&o, &a) == 0 && o.open == 0, "every stream drained");
}

static void
test_write_failure(void)
{
	struct line_out o;
	struct line_src a;

	reset(&o);
	line_open(&o, &a);
	fail_writes = true;
	ok(put(&o, &a, "x\n") == -1 && errno == EPIPE,
	    "a failed write is reported with its errno");
	free(a.buf);
}

static void
test_few_writes(void)
{
	struct line_out o;
	struct line_src a, b;

	reset(&o);
	line_open(&o, &a);
	line_open(&o, &b);
	put(&o, &a, "1\n2\n3\n4");
	ok(writes == 1, "many lines in one write");
	line_close(&o, &a);
	line_close(&o, &b);
}

int
main(void)
{
	test_alone();
	test_two_whole_lines();
	test_unfinished_line_waits();
	test_release();
	test_over_bound();
	test_full_buffer_waits();
	test_write_failure();
	test_few_writes();
	return tap_done();
}
