/*
 * lib/relay: the copy engine over socketpairs and loopback TCP pairs:
 * half-close, reset, end of file with data pending, EAGAIN, a slow
 * reader, max-bytes; each flow both spliced and through its buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"
#include "relay.h"
#include "sockclose.h"
#include "splice.h"
#include "stream.h"
#include "tap.h"
#include "timing.h"

/* The two flows between a client and a target stream, as a forward. */
struct pair {
	int		 client[2];	/* [0] the client's, [1] ours */
	int		 target[2];	/* [0] ours, [1] the target's */
	struct stream	 c, t;
	struct relay_flow up, down;
};

/* A connected loopback TCP pair: a reset can be sent on it. */
static int
tcp_pair(int fds[2])
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int l;

	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1 ||
	    (fds[0] = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (fds[1] = accept(l, NULL, NULL)) == -1)
		return -1;
	close(l);
	return 0;
}

static int
pair_open(struct pair *p, bool tcp, bool spliced)
{
	int rc = tcp ? tcp_pair(p->client) :
	    socketpair(AF_UNIX, SOCK_STREAM, 0, p->client);

	if (rc == -1 || (tcp ? tcp_pair(p->target) :
	    socketpair(AF_UNIX, SOCK_STREAM, 0, p->target)) == -1)
		return -1;
	fcntl(p->client[1], F_SETFL, O_NONBLOCK);
	fcntl(p->target[0], F_SETFL, O_NONBLOCK);
	stream_socket(&p->c, p->client[1]);
	stream_socket(&p->t, p->target[0]);
	/* as a TLS stream would be: bytes through the flow's buffer */
	p->c.spliceable = p->t.spliceable = spliced;
	if (relay_flow_init(&p->up, &p->c, &p->t, true) == -1 ||
	    relay_flow_init(&p->down, &p->t, &p->c, true) == -1)
		return -1;
	return 0;
}

static void
pair_close(struct pair *p)
{
	relay_flow_free(&p->up);
	relay_flow_free(&p->down);
	close(p->client[0]);
	close(p->target[1]);
	if (p->c.fd != -1)
		close(p->c.fd);
	if (p->t.fd != -1)
		close(p->t.fd);
}

/* Steps both flows, waiting as a poll loop would, until neither moves. */
static int
pair_run(struct pair *p)
{
	struct pollfd pfd[2];
	struct relay_flow *f[2] = { &p->up, &p->down };
	int i, j;

	for (;;) {
		if (relay_flow_step(&p->up) == -1 ||
		    relay_flow_step(&p->down) == -1)
			return -1;
		pfd[0].fd = p->c.fd;
		pfd[1].fd = p->t.fd;
		for (i = 0; i < 2; i++)
			pfd[i].events = (short)(relay_flow_events(&p->up,
			    pfd[i].fd) | relay_flow_events(&p->down, pfd[i].fd));
		/* nothing to wait for: the flows are over, or stuck */
		if ((pfd[0].events | pfd[1].events) == 0 ||
		    poll(pfd, 2, 50) <= 0)
			return 0;
		for (i = 0; i < 2; i++)
			for (j = 0; j < 2; j++)
				relay_flow_ready(f[j], pfd[i].fd, pfd[i].revents);
	}
}

/* What fd has now, up to size - 1 bytes, as a string; *eof after it. */
static const char *
drain(int fd, char *buf, size_t size, bool *eof)
{
	size_t got = 0;
	ssize_t n;

	while ((n = recv(fd, buf + got, size - 1 - got, MSG_DONTWAIT)) > 0)
		got += (size_t)n;
	*eof = n == 0;
	buf[got] = '\0';
	return buf;
}

static void
test_half_close(bool spliced)
{
	const char *how = spliced ? "spliced" : "buffered";
	struct pair p;
	char buf[64];
	bool eof;

	if (pair_open(&p, false, spliced) == -1) {
		ok(0, "%s: pairs", how);
		return;
	}
	/* a request, then the client's end of file: data pending with it */
	(void)send(p.client[0], "request", 7, 0);
	shutdown(p.client[0], SHUT_WR);
	ok(pair_run(&p) == 0, "%s: the request relayed", how);
	is_str(drain(p.target[1], buf, sizeof(buf), &eof), "request",
	    "%s: the target has the request", how);
	ok(eof, "%s: then the client's end of file", how);
	ok(p.up.done && !p.down.done, "%s: one direction done, the other open",
	    how);
	/* the reply still comes back */
	(void)send(p.target[1], "reply", 5, 0);
	close(p.target[1]);
	p.target[1] = -1;
	ok(pair_run(&p) == 0 && p.down.done, "%s: the reply relayed", how);
	is_str(drain(p.client[0], buf, sizeof(buf), &eof), "reply",
	    "%s: the client has the whole reply", how);
	ok(eof, "%s: then the target's end of file", how);
	ok(p.up.moved == 7 && p.down.moved == 5, "%s: bytes counted each way",
	    how);
	pair_close(&p);
}

static void
test_eagain(bool spliced)
{
	const char *how = spliced ? "spliced" : "buffered";
	struct pair p;

	if (pair_open(&p, false, spliced) == -1) {
		ok(0, "%s: pairs", how);
		return;
	}
	ok(relay_flow_step(&p.up) == 0 && p.up.from_blocked,
	    "%s: nothing to read: EAGAIN, not a failure", how);
	ok(relay_flow_events(&p.up, p.c.fd) == POLLIN &&
	    relay_flow_events(&p.up, p.t.fd) == 0,
	    "%s: it waits for the client to be readable, only", how);
	pair_close(&p);
}

static void
test_reset(bool spliced)
{
	const char *how = spliced ? "spliced" : "buffered";
	struct pair p;
	int rc;

	if (pair_open(&p, true, spliced) == -1) {
		ok(0, "%s: TCP pairs", how);
		return;
	}
	(void)send(p.client[0], "partial", 7, 0);
	close_reset(p.client[0]);
	p.client[0] = -1;
	/* the reset may come before or after the data is read */
	while ((rc = pair_run(&p)) == 0 && !p.up.done)
		if (wait_for(p.c.fd, POLLIN, 1000) == -1)
			break;
	ok(rc == -1 && p.up.failed == RELAY_FROM && errno == ECONNRESET,
	    "%s: a reset by the client fails the flow on its side", how);
	pair_close(&p);
}

/*
 * Whether the flow waits for nothing that is there: a poll loop would
 * sleep, not spin.
 */
static bool
quiet(const struct relay_flow *f, const struct pair *p)
{
	struct pollfd pfd[2] = {
		{ .fd = p->c.fd, .events = relay_flow_events(f, p->c.fd) },
		{ .fd = p->t.fd, .events = relay_flow_events(f, p->t.fd) },
	};

	return (pfd[0].events | pfd[1].events) != 0 && poll(pfd, 2, 20) == 0;
}

static void
test_slow_reader(bool spliced)
{
	const char *how = spliced ? "spliced" : "buffered";
	static char chunk[65536];
	unsigned long long written = 0, read_back = 0;
	struct pair p;
	char buf[65536];
	ssize_t n;
	bool throttled = false, full;

	if (pair_open(&p, false, spliced) == -1) {
		ok(0, "%s: pairs", how);
		return;
	}
	fcntl(p.client[0], F_SETFL, O_NONBLOCK);
	/* the target reads nothing: the client must end up blocked */
	for (int round = 0; round < 1000 && !throttled; round++) {
		while ((n = send(p.client[0], chunk, sizeof(chunk),
		    MSG_DONTWAIT)) > 0)
			written += (unsigned long long)n;
		full = n == -1 && errno == EAGAIN;
		(void)relay_flow_step(&p.up);
		throttled = full && quiet(&p.up, &p);
	}
	ok(throttled, "%s: a target that does not read stops the client, no spin",
	    how);
	ok(p.up.piped + p.up.len <= SPLICE_PIPE_SIZE,
	    "%s: the flow holds a bounded amount", how);
	shutdown(p.client[0], SHUT_WR);
	/* now it reads: every byte arrives */
	while (read_back < written) {
		while ((n = recv(p.target[1], buf, sizeof(buf),
		    MSG_DONTWAIT)) > 0)
			read_back += (unsigned long long)n;
		relay_flow_ready(&p.up, p.t.fd, POLLOUT);
		relay_flow_ready(&p.up, p.c.fd, POLLIN);
		if (relay_flow_step(&p.up) == -1)
			break;
		if (n == 0)
			break;
	}
	ok(read_back == written && p.up.moved == written,
	    "%s: a slow reader gets every byte (%llu)", how, written);
	pair_close(&p);
}

/* A relay over a socketpair's sv[1], writing to the pipe out. */
static int
run_open(struct relay *r, struct stream *s, int sv[2], int out[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 || pipe(out) == -1)
		return -1;
	*r = (struct relay){ .sock = s, .in = -1, .out = out[1],
	    .idle_ms = 1000, .max_recv = RELAY_UNLIMITED };
	stream_socket(s, sv[1]);
	return 0;
}

static void
run_close(int sv[2], int out[2])
{
	close(sv[0]);
	close(sv[1]);
	close(out[0]);
	close(out[1]);
}

/* relay_run with max_recv: the rest stays unread. */
static void
test_max_bytes(void)
{
	struct relay r;
	struct stream s;
	char buf[16];
	int sv[2], out[2];
	ssize_t n;

	if (run_open(&r, &s, sv, out) == -1) {
		ok(0, "pairs");
		return;
	}
	(void)send(sv[0], "0123456789", 10, 0);
	r.max_recv = 4;
	ok(relay_run(&r) == 0 && r.received == 4, "max_recv: 4 bytes received");
	n = read(out[0], buf, sizeof(buf));
	ok(n == 4 && memcmp(buf, "0123", 4) == 0, "and only they written out");
	ok(relay_allowance(RELAY_UNLIMITED, 1ULL << 40, 7) == 7 &&
	    relay_allowance(10, 8, 7) == 2 && relay_allowance(10, 10, 7) == 0,
	    "relay_allowance: the limit, or none");
	run_close(sv, out);
}

/* relay_run: data sent, the write side shut down, the reply read. */
static void
test_run_half_close(void)
{
	struct relay r;
	struct stream s;
	char buf[16];
	int sv[2], out[2];
	ssize_t n;

	if (run_open(&r, &s, sv, out) == -1) {
		ok(0, "pairs");
		return;
	}
	/* the peer answers before it reads: no deadlock */
	(void)send(sv[0], "pong", 4, 0);
	shutdown(sv[0], SHUT_WR);
	r.data = "ping";
	r.datalen = 4;
	ok(relay_run(&r) == 0 && r.sent == 4 && r.received == 4,
	    "relay_run: sent and received");
	n = recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT);
	ok(n == 4 && recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT) == 0,
	    "the peer had the data, then the end of file");
	n = read(out[0], buf, sizeof(buf));
	ok(n == 4 && memcmp(buf, "pong", 4) == 0, "the reply written out");
	run_close(sv, out);
}

/* relay_run: a peer that never answers ends at the idle bound. */
static void
test_run_idle(void)
{
	struct relay r;
	struct stream s;
	int sv[2], out[2];

	if (run_open(&r, &s, sv, out) == -1) {
		ok(0, "pairs");
		return;
	}
	r.idle_ms = 50;
	ok(relay_run(&r) == -1 && r.failed == RELAY_IDLE,
	    "relay_run: a silent peer ends at the idle bound");
	run_close(sv, out);
}

int
main(void)
{
	for (int spliced = 1; spliced >= 0; spliced--) {
		test_half_close(spliced);
		test_eagain(spliced);
		test_reset(spliced);
		test_slow_reader(spliced);
	}
	test_max_bytes();
	test_run_half_close();
	test_run_idle();
	return tap_done();
}
