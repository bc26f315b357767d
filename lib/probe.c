#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "exitcode.h"
#include "probe.h"
#include "sockclose.h"
#include "timing.h"

/* The one target of a probe, its connection, its name kept. */
static void
connected(const struct target *t, void *ctx)
{
	struct target *keep = ctx;

	*keep = *t;
	keep->name = endpoint_string(&t->ep);
}

int
probe_connect(struct probe *p)
{
	struct dial_options rest = *p->dial;

	free((char *)p->t.name);
	memset(&p->t, 0, sizeof(p->t));
	p->t.fd = -1;
	if (rest.retry)
		rest.wait_ms = time_left(time_after(p->began, rest.wait_ms),
		    now_ms());
	connect_targets(p->spec, 1, p->family, &rest, connected, &p->t);
	return p->t.name != NULL ? 0 : -1;
}

/*
 * Keeps a whole answer that did not match in p->answered, its buffer
 * swapped for the next try's.
 */
static void
keep_answer(struct probe *p)
{
	struct expect spare = p->answered;

	if (p->x.ended != EXPECT_CLOSED && p->x.ended != EXPECT_FULL)
		return;
	p->answered = p->x;
	p->have_answer = true;
	memset(&p->x, 0, sizeof(p->x));
	p->x.buf = spare.buf;
	p->x.ended = EXPECT_TIMEOUT;	/* no answer yet */
}

/*
 * The wait cut a try short: the whole answer of the one before is the
 * better reason.
 */
static void
take_answer(struct probe *p)
{
	struct expect cut = p->x;

	if (p->x.ended != EXPECT_TIMEOUT || !p->have_answer)
		return;
	p->x = p->answered;
	p->answered = cut;
}

/* Whether the wait of p leaves time for another try. */
static bool
time_for_more(const struct probe *p, long long end)
{
	return p->dial->retry && now_ms() < end;
}

int
probe_run(struct probe *p)
{
	long long end, pause_ms = CONNECT_RETRY_FIRST_MS;

	end = p->dial->retry ? time_after(p->began, p->dial->wait_ms) :
	    NO_LIMIT;
	if ((p->x.buf == NULL &&
	    (p->x.buf = malloc(p->max_bytes + 1)) == NULL) ||
	    (p->answered.buf == NULL && p->dial->retry &&
	    (p->answered.buf = malloc(p->max_bytes + 1)) == NULL))
		return p->status = EX_OSERR;
	for (;;) {
		if (probe_connect(p) == -1)
			return p->status = EX_OSERR;
		if (p->t.fd == -1 && p->have_answer && p->t.waited_out) {
			/* the wait ran out connecting again: the answer stands */
			p->t.open = true;
			take_answer(p);
			break;
		}
		if (p->t.fd == -1)
			return p->status = p->t.status;
		p->x.sock = p->t.fd;
		p->x.data = p->data;
		p->x.datalen = p->datalen;
		p->x.re = p->re;
		p->x.max_bytes = p->max_bytes;
		p->x.end = earlier(time_after(now_ms(), p->reply_ms), end);
		(void)expect_run(&p->x);
		close_read_enough(p->t.fd);
		p->t.fd = -1;
		if (p->x.ended == EXPECT_MATCHED)
			break;
		if (!time_for_more(p, end)) {
			take_answer(p);
			break;
		}
		keep_answer(p);
		/* an answer that did not match costs as little as a refusal */
		(void)poll(NULL, 0, poll_timeout(earlier(pause_ms,
		    time_left(end, now_ms()))));
		pause_ms = dial_next_backoff(pause_ms, ECONNREFUSED);
		/* the last answer stands rather than a try with no time */
		if (!time_for_more(p, end)) {
			take_answer(p);
			break;
		}
	}
	p->waited_out = p->dial->retry && p->x.ended != EXPECT_MATCHED;
	return p->status = expect_status(&p->x);
}

void
probe_free(struct probe *p)
{
	free((char *)p->t.name);
	free(p->x.buf);
	free(p->answered.buf);
	p->t.name = NULL;
	p->x.buf = p->answered.buf = NULL;
}
