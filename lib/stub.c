#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dnswire.h"
#include "fdlimit.h"
#include "pool.h"
#include "stub.h"

/* As many queries in flight as lib/pool.c runs lookups. */
#define STUB_WINDOW	POOL_WINDOW
/* An answer bigger than DNS over UDP without EDNS allows is truncated. */
#define ANSWER_MAX	4096
#define IDS_BATCH	256
/* The events one epoll_wait takes. */
#define EVENTS_BATCH	64
/* The most a query's wait for its answer doubles to (resolv.conf's
   timeout bounds it too). */
#define BACKOFF_MAX	64

/* The queries of a job: A and AAAA at most. */
#define KINDS		2

struct query {
	void			*job;
	const char		*name;
	struct deadline		 dl;
	long long		 first_ms;	/* when its first query went */
	long long		 sent_ms;	/* when the last went */
	unsigned		 backoff;	/* times the answers' time it
						   waits for one */
	unsigned long long	 start_no;	/* for the window's halving */
	int			 server;	/* the one asked last */
	int			 fd;		/* its own socket, as glibc's */
	int			 fd_family;
	uint16_t		 id[KINDS];
	bool			 want[KINDS];	/* asked, no answer yet */
	enum dns_answer		 got[KINDS];
	unsigned char		 addr[KINDS][16];	/* DNS_ADDRESS's */
	bool			 resent;	/* no RTT sample then (Karn) */
	bool			 used;
};

struct waiting {
	void			*job;
	const char		*name;
	struct deadline		 dl;
};

struct stub {
	pthread_mutex_t		 lock;
	pthread_t		 thread;
	int			 wake[2];	/* a pipe: added, or ending */
	struct waiting		*queue;		/* added, not yet sent */
	size_t			 queued, head, cap;
	bool			 ending;
	/* the thread's own from here */
	struct stub_conf	 conf;
	int			 family;	/* of a name's addresses */
	uint16_t		 type[KINDS];	/* each job's queries */
	int			 kinds;
	int			 epoll;		/* the queries' sockets, and wake */
	stub_done_fn		*done;
	void			*ctx;
	struct query		 q[STUB_WINDOW];
	size_t			 inflight;
	size_t			 window;
	unsigned long long	 started, halved_at;
	struct rtt		 rtt;		/* of the answers */
	long long		 answered_ms;	/* when the last answer came */
	uint16_t		 ids[IDS_BATCH];
	size_t			 ids_left;
};

/* The epoll data of the wake pipe; a query's is its slot. */
#define WAKE_EVENT	STUB_WINDOW

/* A random id; -1 if none can be had. */
static int
new_id(struct stub *s)
{
	if (s->ids_left == 0) {
		if (getrandom(s->ids, sizeof(s->ids), 0) !=
		    (ssize_t)sizeof(s->ids))
			return -1;
		s->ids_left = IDS_BATCH;
	}
	return s->ids[--s->ids_left];
}

static void
query_close(struct stub *s, struct query *q)
{
	if (q->fd == -1)
		return;
	(void)epoll_ctl(s->epoll, EPOLL_CTL_DEL, q->fd, NULL);
	(void)close(q->fd);
	q->fd = -1;
}

/*
 * q's socket for its server's family, a new one (and a new port) as
 * glibc opens for each lookup; -1 if none can be had.
 */
static int
query_socket(struct stub *s, struct query *q)
{
	int family = s->conf.server[q->server].ss_family;
	struct epoll_event ev = { .events = EPOLLIN };

	if (q->fd != -1 && q->fd_family == family)
		return 0;
	query_close(s, q);
	q->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd == -1)
		return -1;
	q->fd_family = family;
	ev.data.u32 = (uint32_t)(q - s->q);
	if (epoll_ctl(s->epoll, EPOLL_CTL_ADD, q->fd, &ev) == -1) {
		(void)close(q->fd);
		q->fd = -1;
		return -1;
	}
	return 0;
}

/* Sends the queries of q still unanswered to its server; -1 if none went. */
static int
query_send(struct stub *s, struct query *q)
{
	unsigned char buf[DNS_QUERY_MAX];
	size_t len;
	int k, sent = 0;

	if (query_socket(s, q) == -1)
		return -1;
	for (k = 0; k < KINDS; k++) {
		if (!q->want[k])
			continue;
		len = dns_query(buf, q->id[k], q->name, s->type[k]);
		/* a full socket buffer loses it as the network would */
		if (sendto(q->fd, buf, len, 0,
		    (const struct sockaddr *)&s->conf.server[q->server],
		    s->conf.server_len[q->server]) == (ssize_t)len ||
		    errno == EAGAIN || errno == ENOBUFS || errno == EINTR)
			sent++;
	}
	q->sent_ms = now_ms();
	return sent > 0 ? 0 : -1;
}

/*
 * The time the answers take (their mean and four deviations, as
 * lib/pool.c gives a try), at most resolv.conf's timeout.
 */
static long long
answer_time(const struct stub *s)
{
	long long most = (long long)s->conf.timeout_s * 1000;

	return rtt_timeout(&s->rtt, POOL_TRY_MIN_MS < most ? POOL_TRY_MIN_MS :
	    most, most, POOL_TRY_FIRST_MS < most ? POOL_TRY_FIRST_MS : most);
}

/*
 * When q's queries go again: after its backoff times what the answers
 * take now (queries sent before the first answer are not held to the
 * wait for it), at most resolv.conf's timeout.
 */
static long long
resend_at(const struct stub *s, const struct query *q)
{
	long long most = (long long)s->conf.timeout_s * 1000,
	    ms = answer_time(s) * q->backoff;

	return time_after(q->sent_ms, ms < most ? ms : most);
}

static void
query_release(struct stub *s, struct query *q)
{
	query_close(s, q);
	q->used = false;
	s->inflight--;
}

/* q is done with r, a saying what: the caller is told, q is free again. */
static void
query_done(struct stub *s, struct query *q, enum stub_result r,
    const struct stub_answer *a)
{
	static const struct stub_answer none;
	void *job = q->job;

	query_release(s, q);
	s->done(job, r, a != NULL ? a : &none, s->ctx);
}

/* q failed for now, as a try of the C library's would. */
static void
query_failed(struct stub *s, struct query *q)
{
	struct stub_answer a = { .gai_error = EAI_AGAIN, .herr = TRY_AGAIN };

	query_done(s, q, STUB_FAILED, &a);
}

/* q answered: no such name, or no record, in the C library's words. */
static void
query_none(struct stub *s, struct query *q, enum dns_answer got)
{
	struct stub_answer a = { .herr = HOST_NOT_FOUND };

	a.gai_error = got == DNS_NXDOMAIN ? EAI_NONAME : EAI_NODATA;
	query_done(s, q, STUB_ANSWERED, &a);
}

/* Starts the queries of w in a free slot; done at once if none can go. */
static void
query_start(struct stub *s, const struct waiting *w)
{
	struct query *q = s->q;
	int k, id;

	while (q->used)
		q++;
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->job = w->job;
	q->name = w->name;
	q->dl = w->dl;
	q->used = true;
	s->inflight++;
	for (k = 0; k < KINDS; k++) {
		q->want[k] = k < s->kinds;
		if (!q->want[k])
			continue;
		if ((id = new_id(s)) == -1) {
			query_done(s, q, STUB_LIBC, NULL);
			return;
		}
		/* A and AAAA told apart by their ids, as glibc's */
		q->id[k] = (uint16_t)(k == 1 && id == q->id[0] ? id ^ 1 : id);
	}
	q->first_ms = now_ms();
	q->backoff = 1;
	q->start_no = s->started++;
	if (query_send(s, q) == -1)
		query_done(s, q, STUB_LIBC, NULL);
}

/* The address of kind k of q as getaddrinfo gives a numeric host. */
static void
answer_address(struct stub *s, struct query *q, int k)
{
	struct stub_answer a = { 0 };
	struct addrinfo hints;
	char text[INET6_ADDRSTRLEN];

	(void)inet_ntop(s->type[k] == DNS_TYPE_A ? AF_INET : AF_INET6,
	    q->addr[k], text, sizeof(text));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = s->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if ((a.gai_error = getaddrinfo(text, NULL, &hints, &a.res)) != 0)
		a.res = NULL;
	query_done(s, q, STUB_ANSWERED, &a);
}

/*
 * What q's one answer (got, holding rec) comes to: as getaddrinfo's for
 * the one family asked, or gethostbyaddr's for an address's name.
 */
static void
judge_one(struct stub *s, struct query *q, enum dns_answer got,
    const struct dns_record *rec)
{
	struct stub_answer named = { .name = rec->name };

	if (got == DNS_ADDRESS)
		answer_address(s, q, 0);
	else if (got == DNS_NAME)
		query_done(s, q, STUB_ANSWERED, &named);
	/* no PTR record: glibc's gethostbyaddr's own words (NO_RECOVERY) */
	else if (got == DNS_NXDOMAIN ||
	    (got == DNS_NODATA && s->type[0] != DNS_TYPE_PTR))
		query_none(s, q, got);
	else
		query_done(s, q, STUB_LIBC, NULL);
}

/*
 * What q's answers come to once it has them all (the last holding rec):
 * judge_one's, or getaddrinfo's for both families (glibc's A and AAAA
 * at once).
 */
static void
query_judge(struct stub *s, struct query *q, const struct dns_record *rec)
{
	enum dns_answer a = q->got[0], b = q->got[1];
	int k;

	for (k = 0; k < s->kinds; k++)
		if (q->want[k])
			return;
	if ((a == DNS_SERVFAIL || (s->kinds == 2 && b == DNS_SERVFAIL)) &&
	    s->conf.servers == 1)
		query_failed(s, q);
	else if (s->kinds == 1)
		judge_one(s, q, a, rec);
	else if (a == DNS_NXDOMAIN && b == DNS_NXDOMAIN)
		query_none(s, q, a);
	else if (a == DNS_ADDRESS && b == DNS_NODATA)
		answer_address(s, q, 0);
	else if (a == DNS_NODATA && b == DNS_ADDRESS)
		answer_address(s, q, 1);
	else
		query_done(s, q, STUB_LIBC, NULL);
}

/* Whether from is one of the servers (a late answer from the last). */
static bool
from_server(const struct stub *s, const struct sockaddr_storage *from,
    socklen_t len)
{
	int i;

	for (i = 0; i < s->conf.servers; i++)
		if (len == s->conf.server_len[i] &&
		    memcmp(from, &s->conf.server[i], len) == 0)
			return true;
	return false;
}

/* An answer to q, of len bytes. */
static void
answer_read(struct stub *s, struct query *q, const unsigned char *msg,
    size_t len)
{
	unsigned char query[DNS_QUERY_MAX];
	struct dns_record rec;
	enum dns_answer a;
	size_t qlen;
	int id, k;

	if ((id = dns_answer_id(msg, len)) == -1)
		return;
	for (k = 0; k < KINDS && !(q->want[k] && q->id[k] == id); k++)
		;
	if (k == KINDS)
		return;
	qlen = dns_query(query, q->id[k], q->name, s->type[k]);
	if ((a = dns_answer_read(msg, len, query, qlen, &rec)) == DNS_MISMATCH)
		return;
	s->answered_ms = now_ms();
	q->want[k] = false;
	q->got[k] = a;
	if (a == DNS_ADDRESS)
		memcpy(q->addr[k], rec.addr, sizeof(rec.addr));
	if (!q->resent)
		rtt_sample(&s->rtt, now_ms() - q->sent_ms);
	if (s->window < STUB_WINDOW)
		s->window++;
	if (a == DNS_ODD)
		query_done(s, q, STUB_LIBC, NULL);
	else
		query_judge(s, q, &rec);
}

/* Reads the answers waiting on q's socket, until q is done. */
static void
answers_read(struct stub *s, struct query *q)
{
	unsigned char msg[ANSWER_MAX];
	struct sockaddr_storage from;
	socklen_t len;
	ssize_t n;

	while (q->used && q->fd != -1) {
		len = sizeof(from);
		n = recvfrom(q->fd, msg, sizeof(msg), MSG_TRUNC,
		    (struct sockaddr *)&from, &len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return;
		/*
		 * too big to be whole (no server sends that without EDNS):
		 * read as cut short, and ignored as a lost answer would be
		 */
		if (n > (ssize_t)sizeof(msg))
			n = 12;
		if (from_server(s, &from, len))
			answer_read(s, q, msg, (size_t)n);
	}
}

/*
 * A query of q went unanswered for its wait: the window halves (once for
 * those started before the last halving), and its queries go again, to
 * the next server, given what the answers take again; without a
 * deadline twice as long if no other answer came meanwhile (the servers
 * are slow, or gone, rather than this query lost), and given up once
 * glibc's tries would have been.
 */
static void
query_resend(struct stub *s, struct query *q, long long now, long long budget)
{
	if (!q->dl.set && now - q->first_ms >= budget) {
		query_failed(s, q);
		return;
	}
	if (q->start_no >= s->halved_at) {
		s->window = s->window > 1 ? s->window / 2 : 1;
		s->halved_at = s->started;
	}
	q->resent = true;
	q->server = (q->server + 1) % s->conf.servers;
	if (!q->dl.set && s->answered_ms <= q->sent_ms &&
	    q->backoff < BACKOFF_MAX)
		q->backoff *= 2;
	if (query_send(s, q) == -1)
		query_done(s, q, STUB_LIBC, NULL);
}

/* Times the queries out, and sends again those unanswered. */
static void
queries_expire(struct stub *s, long long budget)
{
	long long now = now_ms();
	struct query *q;
	size_t i;

	for (i = 0; i < STUB_WINDOW; i++) {
		q = &s->q[i];
		if (!q->used)
			continue;
		if (deadline_passed(&q->dl))
			query_done(s, q, STUB_TIMED_OUT, NULL);
		else if (now >= resend_at(s, q))
			query_resend(s, q, now, budget);
	}
}

/* Milliseconds until a query is to go again or its deadline passes. */
static long long
queries_wait(const struct stub *s)
{
	long long now = now_ms(), next = NO_LIMIT, left;
	const struct query *q;
	size_t i;

	for (i = 0; i < STUB_WINDOW; i++) {
		q = &s->q[i];
		if (!q->used)
			continue;
		next = earlier(next, time_left(resend_at(s, q), now));
		if ((left = deadline_left_ms(&q->dl)) != NO_LIMIT)
			next = earlier(next, left);
	}
	return next;
}

/* Takes what was added into the window; false once ending and idle. */
static bool
queue_take(struct stub *s)
{
	struct waiting w;
	bool more = true;

	pthread_mutex_lock(&s->lock);
	while (s->inflight < s->window && s->head < s->queued) {
		w = s->queue[s->head++];
		pthread_mutex_unlock(&s->lock);
		query_start(s, &w);
		pthread_mutex_lock(&s->lock);
	}
	if (s->head == s->queued)
		s->head = s->queued = 0;
	if (s->ending && s->queued == 0 && s->inflight == 0)
		more = false;
	pthread_mutex_unlock(&s->lock);
	return more;
}

static void *
run(void *arg)
{
	struct stub *s = arg;
	struct epoll_event ev[EVENTS_BATCH];
	long long budget;
	char drain[64];
	int i, n;

	/* what a try of glibc's takes: attempts at each server, a timeout each */
	budget = (long long)s->conf.attempts *
	    s->conf.servers * s->conf.timeout_s * 1000;
	for (;;) {
		queries_expire(s, budget);
		if (!queue_take(s))
			break;
		n = epoll_wait(s->epoll, ev, EVENTS_BATCH,
		    poll_timeout(queries_wait(s)));
		for (i = 0; i < n; i++) {
			if (ev[i].data.u32 == WAKE_EVENT)
				while (read(s->wake[0], drain, sizeof(drain)) > 0)
					;
			else
				answers_read(s, &s->q[ev[i].data.u32]);
		}
	}
	return NULL;
}

static void
stub_free(struct stub *s)
{
	if (s->epoll >= 0)
		(void)close(s->epoll);
	if (s->wake[0] >= 0) {
		(void)close(s->wake[0]);
		(void)close(s->wake[1]);
	}
	pthread_mutex_destroy(&s->lock);
	free(s->queue);
	free(s);
}

/* The queries s sends for each job. */
static void
types_set(struct stub *s, int family, bool by_address)
{
	if (by_address)
		s->type[s->kinds++] = DNS_TYPE_PTR;
	else {
		if (family != AF_INET6)
			s->type[s->kinds++] = DNS_TYPE_A;
		if (family != AF_INET)
			s->type[s->kinds++] = DNS_TYPE_AAAA;
	}
}

struct stub *
stub_new(const struct stub_conf *c, int family, bool by_address,
    stub_done_fn *done, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = WAKE_EVENT };
	struct stub *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->wake[0] = s->wake[1] = -1;
	s->conf = *c;
	s->family = family;
	types_set(s, family, by_address);
	s->done = done;
	s->ctx = ctx;
	s->window = STUB_WINDOW;
	/* a socket a name in flight, beside the pool's lookups' own */
	raise_descriptor_limit();
	if ((s->epoll = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    pipe2(s->wake, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    epoll_ctl(s->epoll, EPOLL_CTL_ADD, s->wake[0], &ev) == -1) {
		stub_free(s);
		return NULL;
	}
	if ((rc = pthread_create(&s->thread, NULL, run, s)) != 0) {
		stub_free(s);
		errno = rc;
		return NULL;
	}
	return s;
}

static void
wake(struct stub *s)
{
	ssize_t n;

	do
		n = write(s->wake[1], "", 1);	/* full: readable already */
	while (n == -1 && errno == EINTR);
}

int
stub_add(struct stub *s, void *job, const char *name,
    const struct deadline *dl)
{
	struct waiting *bigger;
	size_t cap;

	pthread_mutex_lock(&s->lock);
	/* what was taken makes room: the queue holds the pool's slots at most */
	if (s->queued == s->cap && s->head > 0) {
		memmove(s->queue, s->queue + s->head,
		    (s->queued - s->head) * sizeof(*s->queue));
		s->queued -= s->head;
		s->head = 0;
	}
	if (s->queued == s->cap) {
		cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((bigger = reallocarray(s->queue, cap,
		    sizeof(*bigger))) == NULL) {
			pthread_mutex_unlock(&s->lock);
			return -1;
		}
		s->queue = bigger;
		s->cap = cap;
	}
	s->queue[s->queued].job = job;
	s->queue[s->queued].name = name;
	s->queue[s->queued].dl = *dl;
	s->queued++;
	pthread_mutex_unlock(&s->lock);
	wake(s);
	return 0;
}

void
stub_end(struct stub *s)
{
	pthread_mutex_lock(&s->lock);
	s->ending = true;
	pthread_mutex_unlock(&s->lock);
	wake(s);
	pthread_join(s->thread, NULL);
	stub_free(s);
}
