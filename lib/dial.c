#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "dial.h"
#include "fdlimit.h"

/*
 * At most this many dials from the first not yet ended to the last
 * taken from the feed: what a long feed costs in memory, however many
 * wait behind them.
 */
#define DIAL_WINDOW		4096
/* Descriptors left to the rest of the program (stdio, a resolver's). */
#define DIAL_FD_RESERVE		16

/* An address waiting for its attempt, or for another one. */
struct pending {
	const struct addrinfo	*ai;
	long long		 ready_at;	/* a retry not before */
	long long		 backoff;	/* the retry after this one */
	bool			 retry;
};

/* A dial of the window, while dial_stream runs. */
struct slot {
	struct dial	 d;
	struct pending	*queue;		/* families interleaved, then retries */
	size_t		  queued;
	size_t		  room;		/* in queue, kept for the next dial */
	size_t		  inflight;	/* attempts not yet closed */
	long long	  start;	/* its first attempt began; -1: not yet */
	long long	  end;		/* it gives up then, or NO_LIMIT */
	long long	  next_start;	/* the next new address not before */
	bool		  done;
};

/* A connect in progress. */
struct attempt {
	int			 fd;
	struct slot		*s;
	const struct addrinfo	*ai;
	long long		 backoff;
	long long		 end;		/* it times out then */
};

/* All of dial_stream's state. */
struct dialer {
	const struct dial_feed		*feed;
	const struct dial_options	*o;
	struct slot	*ring;		/* the window, from head, count long */
	size_t		 window;
	size_t		 head;
	size_t		 count;
	bool		 fed;		/* the feed has given its last */
	bool		 stopping;	/* o->until_one, and one connected */
	long long	 begun;		/* when dial_stream began */
	struct attempt	*a;		/* in flight, with their pollfds */
	struct pollfd	*pfd;
	size_t		 n;
	size_t		 room;
	size_t		 held;		/* connected, not yet handed on */
	size_t		 budget;	/* descriptors the dials may hold */
	struct slot	 one;		/* the ring, without memory for more */
};

enum start { STARTED, ENDED, NO_DESCRIPTOR };

bool
connect_retryable(int errnum)
{
	switch (errnum) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case ETIMEDOUT:
	case ENOENT:		/* a Unix socket not made yet */
	case EAGAIN:		/* a Unix socket's backlog is full */
		return true;
	default:
		return false;
	}
}

const struct addrinfo **
dial_order(const struct addrinfo *res, size_t *n)
{
	const struct addrinfo *ai, *a, *b, **order;
	size_t count = 0, i = 0;
	int first;

	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	*n = count;
	if ((order = calloc(count ? count : 1,
	    sizeof(const struct addrinfo *))) == NULL)
		return NULL;
	if (count == 0)
		return order;
	first = res->ai_family;
	a = b = res;
	while (i < count) {
		while (a != NULL && a->ai_family != first)
			a = a->ai_next;
		if (a != NULL) {
			order[i++] = a;
			a = a->ai_next;
		}
		while (b != NULL && b->ai_family == first)
			b = b->ai_next;
		if (b != NULL) {
			order[i++] = b;
			b = b->ai_next;
		}
	}
	return order;
}

/*
 * Queues the addresses of s in dial_order, each waiting for its first
 * try, in the room s kept from its last dial.  Returns 0, or -1.
 */
static int
queue_addresses(struct slot *s)
{
	const struct addrinfo **order;
	struct pending *q;
	size_t i, n;

	if ((order = dial_order(s->d.addrs, &n)) == NULL)
		return -1;
	if (n > s->room) {
		if ((q = reallocarray(s->queue, n, sizeof(*q))) == NULL) {
			free(order);
			return -1;
		}
		s->queue = q;
		s->room = n;
	}
	for (i = 0; i < n; i++) {
		memset(&s->queue[i], 0, sizeof(s->queue[i]));
		s->queue[i].ai = order[i];
		s->queue[i].backoff = CONNECT_RETRY_FIRST_MS;
	}
	s->queued = n;
	free(order);
	return 0;
}

static void
fail(struct slot *s, enum step step, int errnum)
{
	s->d.step = step;
	s->d.error = errnum;
}

static void
finish(struct slot *s, long long now)
{
	s->done = true;
	s->d.ms = s->start >= 0 ? now - s->start : 0;
}

long long
dial_next_backoff(long long backoff, int errnum)
{
	long long cap = errnum == ECONNREFUSED ? CONNECT_REFUSED_MAX_MS :
	    CONNECT_RETRY_MAX_MS;

	return backoff * 2 < cap ? backoff * 2 : cap;
}

/* An attempt at ai failed: retry it later if waiting may help. */
static void
attempt_failed(struct slot *s, const struct dial_options *o,
    const struct addrinfo *ai, long long backoff, enum step step,
    int errnum, long long now)
{
	struct pending *p;
	long long ready_at = now + backoff;

	fail(s, step, errnum);
	s->next_start = now;	/* no reason to wait for the next */
	/*
	 * A Unix socket whose backlog is full says so at once (EAGAIN),
	 * where a blocking connect would wait: try again until the timeout.
	 */
	if (!connect_retryable(errnum) || (!o->retry && errnum != EAGAIN))
		return;
	/* the last retry comes just before the end */
	if (ready_at >= s->end)
		ready_at = s->end - 1;
	if (ready_at <= now)
		return;
	p = &s->queue[s->queued++];
	p->ai = ai;
	p->ready_at = ready_at;
	p->backoff = dial_next_backoff(backoff, errnum);
	p->retry = true;
}

/*
 * s connected on fd: it keeps the descriptor, blocking unless
 * o->nonblocking, or with o->check_only only its local address.
 */
static void
won(struct dialer *dr, struct slot *s, int fd, const struct addrinfo *ai,
    long long now)
{
	socklen_t len = sizeof(s->d.local);
	int flags;

	if (dr->o->check_only) {
		if (getsockname(fd, (struct sockaddr *)&s->d.local, &len) == -1)
			s->d.local.ss_family = AF_UNSPEC;
		close(fd);
	} else if (!dr->o->nonblocking && ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)) {
		fail(s, STEP_FCNTL, errno);
		close(fd);
		return;
	} else {
		s->d.fd = fd;
		dr->held++;
	}
	s->d.connected = ai;
	s->d.error = 0;
	s->d.step = STEP_NONE;
	finish(s, now);
	if (dr->o->until_one)
		dr->stopping = true;
}

/* The first attempt of s: its time starts, and without --wait its end. */
static void
begin(const struct dialer *dr, struct slot *s, long long now)
{
	if (s->start >= 0)
		return;
	s->start = now;
	if (!dr->o->retry)
		s->end = time_after(now, dr->o->timeout_ms);
}

/* Room for one more attempt in flight.  Returns 0, or -1. */
static int
flight_room(struct dialer *dr)
{
	size_t room = dr->room ? dr->room * 2 : 64;
	struct attempt *a;
	struct pollfd *pfd;

	if (dr->n < dr->room)
		return 0;
	if ((a = reallocarray(dr->a, room, sizeof(*a))) == NULL)
		return -1;
	dr->a = a;
	if ((pfd = reallocarray(dr->pfd, room, sizeof(*pfd))) == NULL)
		return -1;
	dr->pfd = pfd;
	dr->room = room;
	return 0;
}

/* Puts p back at the head of the queue of s, to start it later. */
static void
requeue(struct slot *s, const struct pending *p)
{
	memmove(&s->queue[1], &s->queue[0], s->queued * sizeof(*p));
	s->queue[0] = *p;
	s->queued++;
}

/*
 * Starts a connect of s to the address p, in flight on *fd.  ENDED:
 * it failed or connected at once; NO_DESCRIPTOR: none was free, p is
 * queued again and the budget lowered to what the dials hold.
 */
static enum start
start_attempt(struct dialer *dr, struct slot *s, const struct pending *p,
    long long now, int *fd)
{
	const struct dial_options *o = dr->o;
	const struct addrinfo *ai = p->ai;
	struct sockaddr_storage ss;
	enum step step;
	int on = 1, saved_errno;

	step = STEP_SOCKET;
	errno = ENOMEM;
	*fd = flight_room(dr) == -1 ? -1 : socket(ai->ai_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	/* the dials' own descriptors come back: wait for one of them */
	if (*fd == -1 && (errno == EMFILE || errno == ENFILE) &&
	    dr->n + dr->held > 0) {
		dr->budget = dr->n + dr->held;
		requeue(s, p);
		return NO_DESCRIPTOR;
	}
	begin(dr, s, now);
	if (*fd == -1)
		goto failed;
	/* what the address names may not be there yet */
	step = STEP_CONNECT;
	if (s->d.ready != NULL && s->d.ready(s->d.ready_arg) == -1)
		goto failed;
	if (!p->retry)
		s->next_start = now + CONNECT_ATTEMPT_DELAY_MS;
	if (o->source != NULL) {
		step = STEP_BIND;
		if (o->source->sa_family != ai->ai_family) {
			errno = EAFNOSUPPORT;
			goto failed;
		}
		/*
		 * The port is chosen by connect, so 4-tuples can share it;
		 * an older kernel without the option binds as before.
		 */
		(void)setsockopt(*fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on,
		    sizeof(on));
		if (bind(*fd, o->source, sockaddr_len(o->source)) == -1)
			goto failed;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	sockaddr_set_port((struct sockaddr *)&ss, s->d.port);
	step = STEP_CONNECT;
	if (connect(*fd, (struct sockaddr *)&ss, ai->ai_addrlen) == 0) {
		won(dr, s, *fd, ai, now);
		return ENDED;
	}
	if (errno == EINPROGRESS) {
		s->inflight++;
		return STARTED;
	}
failed:
	saved_errno = errno;
	if (*fd != -1)
		close(*fd);
	attempt_failed(s, o, ai, p->backoff, step, saved_errno, now);
	return ENDED;
}

/* The attempt a answered: connected, or failed. */
static void
answered(struct dialer *dr, const struct attempt *a, long long now)
{
	socklen_t len = sizeof(int);
	int error = 0;

	a->s->inflight--;
	if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
		error = errno;
	if (error == 0) {
		won(dr, a->s, a->fd, a->ai, now);
		return;
	}
	close(a->fd);
	attempt_failed(a->s, dr->o, a->ai, a->backoff, STEP_CONNECT, error, now);
}

/*
 * The next address of s to start now, taken out of its queue: a retry
 * that is due, or the next new one if none is in progress or the last
 * started long enough ago.  Returns false if there is none yet.
 */
static bool
next_due(struct slot *s, long long now, struct pending *p)
{
	size_t i;

	for (i = 0; i < s->queued; i++) {
		if (s->queue[i].retry ? s->queue[i].ready_at <= now :
		    s->inflight == 0 || now >= s->next_start)
			break;
		if (!s->queue[i].retry)
			return false;	/* new addresses go in order */
	}
	if (i == s->queued)
		return false;
	*p = s->queue[i];
	memmove(&s->queue[i], &s->queue[i + 1],
	    (s->queued - i - 1) * sizeof(*p));
	s->queued--;
	return true;
}

/* When s next needs attention, if nothing answers first; NO_LIMIT: never. */
static long long
next_event(const struct slot *s)
{
	long long when = s->end;
	size_t i;

	for (i = 0; i < s->queued; i++)
		when = earlier(when, s->queue[i].retry ?
		    s->queue[i].ready_at : s->next_start);
	return when;
}

/*
 * Closes the attempts whose dial is over (another address connected,
 * or it gave up) and those that time out by now.
 */
static void
sweep(struct dialer *dr, long long now)
{
	struct attempt *a;
	size_t i, kept;

	for (i = kept = 0; i < dr->n; i++) {
		a = &dr->a[i];
		if (a->s->done || a->end <= now) {
			close(a->fd);
			a->s->inflight--;
			if (!a->s->done)
				attempt_failed(a->s, dr->o, a->ai, a->backoff,
				    STEP_CONNECT, ETIMEDOUT, now);
			continue;
		}
		dr->a[kept] = *a;
		dr->pfd[kept++] = dr->pfd[i];
	}
	dr->n = kept;
}

/* The end of a dial that will not connect now, with what it last saw. */
static void
give_up(const struct dialer *dr, struct slot *s, int errnum, long long now)
{
	if (s->d.error == 0)
		fail(s, STEP_CONNECT, errnum);
	s->d.waited_out = dr->o->retry && !dr->stopping &&
	    connect_retryable(s->d.error);
	finish(s, now);
}

/*
 * Moves s on to now: gives up when its time is over, starts the
 * addresses that are due while descriptors are free.  Returns when it
 * next needs attention (NO_LIMIT: only when an attempt answers).
 */
static long long
advance(struct dialer *dr, struct slot *s, long long now)
{
	struct pending p;
	struct attempt *a;
	int fd;

	if (s->done)
		return NO_LIMIT;
	if (dr->stopping) {
		give_up(dr, s, ECANCELED, now);
		return NO_LIMIT;
	}
	if (now >= s->end) {
		/* its attempts timed out in sweep: they end by then */
		give_up(dr, s, ETIMEDOUT, now);
		return NO_LIMIT;
	}
	while (!s->done && dr->n + dr->held < dr->budget &&
	    next_due(s, now, &p)) {
		switch (start_attempt(dr, s, &p, now, &fd)) {
		case ENDED:
			continue;
		case NO_DESCRIPTOR:
			return s->end;
		case STARTED:
			break;
		}
		a = &dr->a[dr->n];
		a->fd = fd;
		a->s = s;
		a->ai = p.ai;
		a->backoff = p.backoff;
		a->end = earlier(time_after(now, dr->o->timeout_ms), s->end);
		dr->pfd[dr->n].fd = fd;
		dr->pfd[dr->n].events = POLLOUT;
		dr->pfd[dr->n].revents = 0;
		dr->n++;
	}
	if (s->done)
		return NO_LIMIT;
	if (s->inflight == 0 && s->queued == 0) {
		/* no address, or a retry would have come after the end */
		give_up(dr, s, EADDRNOTAVAIL, now);
		return NO_LIMIT;
	}
	/* with no descriptor free, only an answer or a timeout frees one */
	return dr->n + dr->held >= dr->budget ? s->end : next_event(s);
}

/* The dial in the window k after its head. */
static struct slot *
slot_at(const struct dialer *dr, size_t k)
{
	return &dr->ring[(dr->head + k) % dr->window];
}

/* Whether the head of the window is over, its attempts all closed. */
static bool
head_over(const struct dialer *dr)
{
	return dr->count > 0 && slot_at(dr, 0)->done &&
	    slot_at(dr, 0)->inflight == 0;
}

/* Hands the dials that are over on, in the feed's order. */
static void
report(struct dialer *dr)
{
	struct slot *s;

	while (head_over(dr)) {
		s = slot_at(dr, 0);
		if (s->d.fd != -1)
			dr->held--;	/* the feed's now */
		dr->feed->ended(dr->feed->ctx, &s->d);
		dr->head = (dr->head + 1) % dr->window;
		dr->count--;
	}
}

/* Takes dials from the feed while the window has room. */
static void
admit(struct dialer *dr)
{
	struct slot *s;

	while (!dr->fed && dr->count < dr->window) {
		s = slot_at(dr, dr->count);
		if (!dr->feed->next(dr->feed->ctx, &s->d)) {
			dr->fed = true;
			return;
		}
		dr->count++;
		s->d.fd = -1;
		s->d.connected = NULL;
		s->d.local.ss_family = AF_UNSPEC;
		s->d.error = 0;
		s->d.step = STEP_NONE;
		s->d.waited_out = false;
		s->d.ms = 0;
		s->inflight = 0;
		s->start = -1;
		s->next_start = 0;
		s->done = false;
		/* --wait counts from the start, however long a dial queued */
		s->end = dr->o->retry ? time_after(dr->begun, dr->o->wait_ms) :
		    NO_LIMIT;
		if (queue_addresses(s) == -1) {
			fail(s, STEP_CONNECT, ENOMEM);
			s->done = true;
		}
	}
}

/* The earliest attempt timeout, or NO_LIMIT. */
static long long
first_expiry(const struct dialer *dr)
{
	long long when = NO_LIMIT;
	size_t i;

	for (i = 0; i < dr->n; i++)
		when = earlier(when, dr->a[i].end);
	return when;
}

/* Hands the attempts that poll saw answered to their dials. */
static void
take_answers(struct dialer *dr, long long now)
{
	size_t i, kept;

	for (i = kept = 0; i < dr->n; i++) {
		if (dr->pfd[i].revents == 0 || dr->a[i].s->done) {
			dr->a[kept] = dr->a[i];
			dr->pfd[kept++] = dr->pfd[i];
			continue;
		}
		answered(dr, &dr->a[i], now);
	}
	dr->n = kept;
}

/* poll failed: every dial still going fails with it. */
static void
poll_failed(struct dialer *dr, int errnum, long long now)
{
	struct slot *s;
	size_t k;

	for (k = 0; k < dr->count; k++) {
		s = slot_at(dr, k);
		if (!s->done) {
			fail(s, STEP_POLL, errnum);
			finish(s, now);
		}
	}
}

/* Starts dr on the feed f's dials, with o. */
static void
dialer_init(struct dialer *dr, const struct dial_feed *f,
    const struct dial_options *o)
{
	memset(dr, 0, sizeof(*dr));
	dr->feed = f;
	dr->o = o;
	dr->begun = now_ms();
	/*
	 * A lone dial holds a descriptor for each address at most: out of
	 * them, socket(2) says so (a server dials one for each connection,
	 * and asks for no limit each time).
	 */
	dr->budget = f->count > 1 ? descriptor_budget(DIAL_FD_RESERVE) :
	    SIZE_MAX;
	dr->window = f->count < DIAL_WINDOW ? f->count : DIAL_WINDOW;
	if ((dr->ring = calloc(dr->window, sizeof(*dr->ring))) == NULL) {
		dr->ring = &dr->one;	/* one dial at a time, then */
		dr->window = 1;
	}
}

/*
 * Frees what dr holds: the attempts still in flight and the connections
 * no dial was handed back with are closed.
 */
static void
dialer_release(struct dialer *dr)
{
	struct slot *s;
	size_t k;

	for (k = 0; k < dr->n; k++)
		close(dr->a[k].fd);
	for (k = 0; k < dr->count; k++) {
		s = slot_at(dr, k);
		if (s->d.fd != -1)
			close(s->d.fd);
	}
	for (k = 0; k < dr->window; k++)
		free(dr->ring[k].queue);
	if (dr->ring != &dr->one)
		free(dr->ring);
	free(dr->a);
	free(dr->pfd);
}

struct dialer *
dialer_new(const struct dial_feed *f, const struct dial_options *o)
{
	struct dialer *dr;

	if ((dr = malloc(sizeof(*dr))) == NULL)
		return NULL;
	dialer_init(dr, f, o);
	return dr;
}

long long
dialer_step(struct dialer *dr, const struct pollfd **pfd, size_t *n)
{
	struct slot *s;
	long long now = now_ms(), next = NO_LIMIT;
	size_t k;
	bool busy = false;

	sweep(dr, now);
	report(dr);
	admit(dr);
	for (k = 0; k < dr->count; k++) {
		s = slot_at(dr, k);
		next = earlier(next, advance(dr, s, now));
		/* a dial over, with attempts to close: at once */
		busy |= s->done && (s->inflight > 0 || k == 0);
	}
	*pfd = dr->pfd;
	*n = dr->n;
	if (dr->count == 0)
		return NO_LIMIT;
	return busy ? now : earlier(next, first_expiry(dr));
}

void
dialer_answers(struct dialer *dr, const struct pollfd *polled)
{
	size_t i;

	for (i = 0; i < dr->n; i++)
		dr->pfd[i].revents = polled[i].revents;
	take_answers(dr, now_ms());
}

bool
dialer_over(const struct dialer *dr)
{
	return dr->fed && dr->count == 0;
}

void
dialer_free(struct dialer *dr)
{
	if (dr == NULL)
		return;
	dialer_release(dr);
	free(dr);
}

void
dial_stream(const struct dial_feed *f, const struct dial_options *o)
{
	struct dialer dr;
	const struct pollfd *pfd;
	long long next;
	size_t n;

	if (f->count == 0)
		return;
	dialer_init(&dr, f, o);
	for (;;) {
		next = dialer_step(&dr, &pfd, &n);
		if (dialer_over(&dr))
			break;
		if (poll(dr.pfd, dr.n, poll_timeout(time_left(next,
		    now_ms()))) == -1) {
			if (errno != EINTR)
				poll_failed(&dr, errno, now_ms());
			continue;
		}
		take_answers(&dr, now_ms());
	}
	dialer_release(&dr);
}
