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

/* Dials p->spec once, as connect_targets does, within what is left. */
static int
dial(struct probe *p)
{
	struct dial_options rest = *p->dial;

	free((char *)p->t.name);
	memset(&p->t, 0, sizeof(p->t));
	p->t.fd = -1;
	tls_info_free(&p->tls_info);
	memset(&p->tls_info, 0, sizeof(p->tls_info));
	if (rest.retry)
		rest.wait_ms = time_left(time_after(p->began, rest.wait_ms),
		    now_ms());
	connect_targets(p->spec, 1, p->family, &rest, connected, &p->t);
	return p->t.name != NULL ? 0 : -1;
}

/*
 * --tls: the handshake of p's connection, within the wait's end; t.fd
 * closed and -1 when it fails.  Returns whether it may pass if tried
 * again.
 */
static bool
handshake(struct probe *p, long long end)
{
	tls_info_free(&p->tls_info);
	if ((p->conn = tls_check_connect(p->tls, p->dial, &p->t, end,
	    &p->tls_info)) != NULL) {
		tls_check_days(p->tls, &p->tls_info);
		if (p->tls_info.err.class == TLS_OK)
			return false;
		tls_free(p->conn);
		p->conn = NULL;
	}
	close(p->t.fd);
	p->t.fd = -1;
	return tls_retryable(p->tls_info.err.class);
}

int
probe_connect(struct probe *p)
{
	long long end = p->dial->retry ? time_after(p->began,
	    p->dial->wait_ms) : NO_LIMIT, pause_ms = CONNECT_RETRY_FIRST_MS;

	for (;;) {
		if (dial(p) == -1)
			return -1;
		if (p->tls == NULL || p->t.fd == -1 || !handshake(p, end) ||
		    end == NO_LIMIT || now_ms() + pause_ms >= end)
			return 0;
		/* a server whose TLS is not up yet: a pause, as the dialer's */
		(void)poll(NULL, 0, poll_timeout(pause_ms));
		pause_ms = dial_next_backoff(pause_ms, 0);
	}
}

int
probe_connect_status(const struct probe *p)
{
	if (p->t.open && p->tls_info.err.class != TLS_OK)
		return tls_exit_status(p->tls_info.err.class);
	return p->t.status;
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
	struct stream sock;

	end = p->dial->retry ? time_after(p->began, p->dial->wait_ms) :
	    NO_LIMIT;
	if ((p->x.buf == NULL &&
	    (p->x.buf = malloc(p->max_bytes)) == NULL) ||
	    (p->answered.buf == NULL && p->dial->retry &&
	    (p->answered.buf = malloc(p->max_bytes)) == NULL))
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
			return p->status = probe_connect_status(p);
		if (p->conn != NULL)
			tls_stream(&sock, p->conn, p->t.fd);
		else
			stream_socket(&sock, p->t.fd);
		p->x.sock = &sock;
		p->x.data = p->data;
		p->x.datalen = p->datalen;
		p->x.re = p->re;
		p->x.max_bytes = p->max_bytes;
		p->x.end = earlier(time_after(now_ms(), p->reply_ms), end);
		(void)expect_run(&p->x);
		if (p->conn != NULL) {
			/* close_notify: the end the peer should see */
			(void)sock.ops->shutdown(&sock);
			tls_free(p->conn);
			p->conn = NULL;
		}
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
	tls_free(p->conn);
	tls_info_free(&p->tls_info);
	p->conn = NULL;
	p->t.name = NULL;
	p->x.buf = p->answered.buf = NULL;
}
