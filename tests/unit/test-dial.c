#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dial.h"
#include "listen.h"
#include "relookup.h"
#include "tap.h"

/* A chain of addrinfo of the families in fams ("4466": two of each). */
static struct addrinfo *
chain(const char *fams, struct addrinfo *ai, struct sockaddr_storage *ss)
{
	size_t i, n = strlen(fams);

	memset(ai, 0, n * sizeof(*ai));
	memset(ss, 0, n * sizeof(*ss));
	for (i = 0; i < n; i++) {
		ai[i].ai_family = fams[i] == '6' ? AF_INET6 : AF_INET;
		ai[i].ai_socktype = SOCK_STREAM;
		ai[i].ai_addr = (struct sockaddr *)&ss[i];
		ss[i].ss_family = (sa_family_t)ai[i].ai_family;
		ai[i].ai_addrlen = ai[i].ai_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		ai[i].ai_next = i + 1 < n ? &ai[i + 1] : NULL;
	}
	return n > 0 ? ai : NULL;
}

/* The order dial_order gives fams, as indexes into it ("0213"). */
static const char *
order_of(const char *fams, char out[16])
{
	struct addrinfo ai[8];
	struct sockaddr_storage ss[8];
	const struct addrinfo **o, *res = chain(fams, ai, ss);
	size_t i, n;

	if ((o = dial_order(res, &n)) == NULL)
		return "nomem";
	for (i = 0; i < n; i++)
		out[i] = (char)('0' + (o[i] - ai));
	out[n] = '\0';
	free(o);
	return out;
}

static void
test_order(void)
{
	char buf[16];

	is_str(order_of("6644", buf), "0213", "families alternate, the first's first");
	is_str(order_of("4466", buf), "0213", "IPv4 first when the resolver says so");
	is_str(order_of("66644", buf), "03142", "the rest of a family at the end");
	is_str(order_of("464", buf), "012", "already alternating stays as it is");
	is_str(order_of("444", buf), "012", "one family keeps the resolver's order");
	is_str(order_of("", buf), "", "no address, no attempt");
}

static void
test_backoff(void)
{
	long long b = CONNECT_RETRY_FIRST_MS, seen[8];
	int i;

	for (i = 0; i < 8; i++) {
		seen[i] = b;
		b = dial_next_backoff(b, ETIMEDOUT);
	}
	ok(seen[0] == 5 && seen[1] == 10 && seen[2] == 20 && seen[3] == 40,
	    "the pause doubles from 5 ms (5 10 20 40: %lld %lld %lld %lld)",
	    seen[0], seen[1], seen[2], seen[3]);
	ok(seen[6] == 250 && seen[7] == CONNECT_RETRY_MAX_MS,
	    "up to 250 ms and no more (%lld)", seen[7]);
	ok(dial_next_backoff(CONNECT_RETRY_FIRST_MS, ECONNREFUSED) ==
	    CONNECT_REFUSED_MAX_MS, "a refused port is tried again every 5 ms");
	ok(dial_next_backoff(200, EHOSTUNREACH) == CONNECT_RETRY_MAX_MS,
	    "unreachable is capped as a timeout is");
	ok(connect_retryable(ECONNREFUSED) && connect_retryable(ETIMEDOUT) &&
	    !connect_retryable(EACCES) && !connect_retryable(EINVAL),
	    "refused and timed out are retried, denied and invalid are not");
}

static void
test_relookup_bound(void)
{
	ok(relookup_bound(10000, 1000, 400) == 600,
	    "a lookup gets what is left of the wait when less than -t");
	ok(relookup_bound(100, 1000, 400) == 100, "or -t when that is less");
	ok(relookup_bound(NO_LIMIT, 1000, 400) == 600,
	    "without -t, what is left of the wait");
	ok(relookup_bound(10000, 1000, 1020) == 0,
	    "a lookup that starts after the end gets nothing, not a whole -t");
	ok(relookup_bound(NO_LIMIT, 1000, 1020) == 0,
	    "nor an unbounded one after the end");
}

/* A loopback port that refuses: bound, not listening. */
static int
refusing_port(unsigned short *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A feed of the n dials of v, each to the one address ai. */
struct array_feed {
	struct dial	*v;
	size_t		 n;
	size_t		 given;
	size_t		 ended;
	bool		 in_order;	/* each ended in the order given */
};

static bool
array_next(void *ctx, struct dial *d)
{
	struct array_feed *a = ctx;

	if (a->given == a->n)
		return false;
	d->addrs = a->v[a->given].addrs;
	d->port = a->v[a->given].port;
	d->user = &a->v[a->given++];
	return true;
}

static void
array_ended(void *ctx, struct dial *d)
{
	struct array_feed *a = ctx;
	struct dial *mine = d->user;

	a->in_order &= mine == &a->v[a->ended++];
	*mine = *d;
}

/* Dials the n dials of v through dial_stream; whether all ended in order. */
static bool
dial_array(struct dial *v, size_t n, const struct dial_options *o)
{
	struct array_feed a = { .v = v, .n = n, .in_order = true };
	struct dial_feed f = { .count = n, .next = array_next,
	    .ended = array_ended, .ctx = &a };

	dial_stream(&f, o);
	return a.in_order && a.ended == n;
}

static void
test_dial(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct addrinfo ai = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM, .ai_addrlen = sizeof(sin) };
	struct dial_options o = { .timeout_ms = 2000 };
	struct dial d = { .addrs = &ai };
	int holder;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ai.ai_addr = (struct sockaddr *)&sin;
	if ((holder = refusing_port(&d.port)) == -1) {
		ok(0, "a loopback port to dial");
		return;
	}
	dial_array(&d, 1, &o);
	ok(d.fd == -1 && d.error == ECONNREFUSED && !d.waited_out &&
	    d.step == STEP_CONNECT,
	    "one try at a closed port is refused, not waited for");
	o.retry = true;
	o.wait_ms = 150;
	dial_array(&d, 1, &o);
	ok(d.fd == -1 && d.error == ECONNREFUSED && d.waited_out &&
	    d.ms >= 140, "--wait retries a refused port until it passes "
	    "(%lld ms)", d.ms);
	if (listen(holder, 1) == -1) {
		ok(0, "listen");
		return;
	}
	dial_array(&d, 1, &o);
	ok(d.fd != -1 && d.connected == &ai && d.error == 0,
	    "a listening port connects at once");
	if (d.fd != -1)
		close(d.fd);
	d.addrs = NULL;
	dial_array(&d, 1, &o);
	ok(d.fd == -1 && d.connected == NULL && d.error == EADDRNOTAVAIL,
	    "a dial without addresses ends at once");
	close(holder);
}

/* Dials that outnumber the descriptors wait for them, in order. */
#define MANY		3000
#define FEW_FDS		64
#define TAKEN_FDS	40

static void
test_queue(void)
{
	static struct dial v[MANY];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct addrinfo ai = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM, .ai_addrlen = sizeof(sin) };
	struct dial_options o = { .timeout_ms = 5000,
	    .check_only = true };
	struct rlimit saved, few;
	unsigned short closed, open;
	size_t i, refused = 0, connected = 0, local = 0;
	int holder, listener, taken[TAKEN_FDS];
	bool in_order;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ai.ai_addr = (struct sockaddr *)&sin;
	if ((holder = refusing_port(&closed)) == -1 ||
	    (listener = refusing_port(&open)) == -1 ||
	    listen(listener, LISTEN_BACKLOG) == -1 ||
	    getrlimit(RLIMIT_NOFILE, &saved) == -1) {
		ok(0, "ports to dial");
		return;
	}
	few = saved;
	few.rlim_cur = FEW_FDS;
	for (i = 0; i < MANY; i++) {
		v[i].addrs = &ai;
		v[i].port = i % 10 == 0 ? open : closed;
	}
	if (setrlimit(RLIMIT_NOFILE, &few) == -1) {
		ok(0, "setrlimit");
		return;
	}
	in_order = dial_array(v, MANY, &o);
	(void)setrlimit(RLIMIT_NOFILE, &saved);
	for (i = 0; i < MANY; i++) {
		refused += v[i].port == closed && v[i].error == ECONNREFUSED;
		connected += v[i].port == open && v[i].connected == &ai &&
		    v[i].fd == -1;
		local += v[i].connected != NULL &&
		    v[i].local.ss_family == AF_INET;
	}
	ok(in_order, "%d dials under a limit of %d descriptors end in order",
	    MANY, FEW_FDS);
	ok(refused == MANY - MANY / 10 && connected == MANY / 10,
	    "each with its own outcome, none out of descriptors "
	    "(%zu refused, %zu open)", refused, connected);
	ok(local == MANY / 10, "check_only closes each connection, keeping "
	    "its local address");

	/* most of the reserve taken too: socket(2) runs out first */
	if (setrlimit(RLIMIT_NOFILE, &few) == -1) {
		ok(0, "setrlimit");
		return;
	}
	for (i = 0; i < TAKEN_FDS; i++)
		taken[i] = dup(holder);
	memset(v, 0, sizeof(v));
	for (i = 0; i < MANY; i++) {
		v[i].addrs = &ai;
		v[i].port = closed;
	}
	in_order = dial_array(v, MANY, &o);
	for (i = 0; i < TAKEN_FDS; i++)
		if (taken[i] != -1)
			close(taken[i]);
	(void)setrlimit(RLIMIT_NOFILE, &saved);
	for (i = refused = 0; i < MANY; i++)
		refused += v[i].error == ECONNREFUSED;
	ok(in_order && refused == MANY, "with fewer descriptors free than "
	    "the limit says, they wait for those (%zu refused)", refused);
	close(listener);
	close(holder);
}

/*
 * A loopback port that answers nothing: listening with its accept
 * queue filled by connections of its own, so that the kernel drops
 * further SYNs.  Returns the listener; *fill holds the n fillers.
 */
static int
silent_port(unsigned short *port, int *fill, size_t *n, size_t room)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pollfd pfd = { .events = POLLOUT };
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = refusing_port(port)) == -1 || listen(fd, 0) == -1)
		return -1;
	sin.sin_port = htons(*port);
	for (*n = 0; *n < room; (*n)++) {
		if ((pfd.fd = fill[*n] = socket(AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
			return -1;
		if (connect(pfd.fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1 && errno != EINPROGRESS)
			return -1;
		/* not answered in 200 ms: the queue is full */
		if (poll(&pfd, 1, 200) == 0) {
			(*n)++;
			return fd;
		}
	}
	return -1;
}

/*
 * Drives dr as the server does, in steps and a poll of its own, until
 * it is over.  Returns the longest a step took, in ms.
 */
static long long
step_until_over(struct dialer *dr)
{
	const struct pollfd *pfd;
	struct pollfd polled[8];
	long long next, took, longest = 0, t;
	size_t n;

	for (;;) {
		t = now_ms();
		next = dialer_step(dr, &pfd, &n);
		took = now_ms() - t;
		longest = took > longest ? took : longest;
		if (dialer_over(dr) || n > 8)
			return longest;
		memcpy(polled, pfd, n * sizeof(*pfd));
		if (poll(polled, n, poll_timeout(time_left(next,
		    now_ms()))) > 0)
			dialer_answers(dr, polled);
	}
}

/* The dialer in steps: no step waits, -t ends a dial that is not answered. */
static void
test_steps(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct addrinfo ai = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM, .ai_addrlen = sizeof(sin) };
	struct dial_options o = { .timeout_ms = 300 };
	struct dial d = { .addrs = &ai };
	struct array_feed a = { .v = &d, .n = 1, .in_order = true };
	struct dial_feed f = { .count = 1, .next = array_next,
	    .ended = array_ended, .ctx = &a };
	struct dialer *dr;
	unsigned short open;
	long long start, longest;
	size_t fills = 0, i;
	int listener, silent, fill[64];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ai.ai_addr = (struct sockaddr *)&sin;
	if ((listener = refusing_port(&open)) == -1 ||
	    listen(listener, 8) == -1 ||
	    (silent = silent_port(&d.port, fill, &fills, 64)) == -1) {
		ok(0, "ports to dial");
		return;
	}
	start = now_ms();
	if ((dr = dialer_new(&f, &o)) == NULL) {
		ok(0, "dialer_new");
		return;
	}
	longest = step_until_over(dr);
	dialer_free(dr);
	ok(a.ended == 1 && d.fd == -1 && d.error == ETIMEDOUT &&
	    now_ms() - start >= 290, "a silent port times out after -t, "
	    "stepped (%lld ms)", now_ms() - start);
	ok(longest < 100, "no step waits for it (the longest took %lld ms)",
	    longest);

	memset(&d, 0, sizeof(d));
	d.addrs = &ai;
	d.port = open;
	a.given = a.ended = 0;
	if ((dr = dialer_new(&f, &o)) == NULL) {
		ok(0, "dialer_new");
		return;
	}
	(void)step_until_over(dr);
	dialer_free(dr);
	ok(a.ended == 1 && d.fd != -1 && d.connected == &ai,
	    "an open port connects, stepped, its socket handed on");
	if (d.fd != -1)
		close(d.fd);
	for (i = 0; i < fills; i++)
		close(fill[i]);
	close(silent);
	close(listener);
}

/* --wait with until_one: the first to connect stops the others. */
static void
test_until_one(void)
{
	struct dial v[3];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct addrinfo ai = { .ai_family = AF_INET,
	    .ai_socktype = SOCK_STREAM, .ai_addrlen = sizeof(sin) };
	struct dial_options o = { .timeout_ms = 2000, .retry = true,
	    .wait_ms = 10000, .check_only = true, .until_one = true };
	unsigned short closed, open;
	int holder, listener;
	long long start;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ai.ai_addr = (struct sockaddr *)&sin;
	if ((holder = refusing_port(&closed)) == -1 ||
	    (listener = refusing_port(&open)) == -1 ||
	    listen(listener, 8) == -1) {
		ok(0, "ports to dial");
		return;
	}
	memset(v, 0, sizeof(v));
	v[0].addrs = v[1].addrs = v[2].addrs = &ai;
	v[0].port = v[2].port = closed;
	v[1].port = open;
	start = now_ms();
	dial_array(v, 3, &o);
	ok(now_ms() - start < 5000 && v[1].connected == &ai &&
	    v[0].error == ECONNREFUSED && !v[0].waited_out &&
	    v[2].connected == NULL,
	    "one open stops the wait for the refused ones (%lld ms)",
	    now_ms() - start);
	close(listener);
	close(holder);
}

int
main(void)
{
	test_order();
	test_backoff();
	test_relookup_bound();
	test_dial();
	test_queue();
	test_until_one();
	test_steps();
	return tap_done();
}
