#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "check.h"
#include "cli.h"
#include "exitcode.h"
#include "json.h"
#include "operands.h"
#include "probe.h"
#include "report.h"
#include "targetspec.h"
#include "timing.h"
#include "tlsreport.h"
#include "unix.h"

/* `-z -`: at most this many targets are read before they are checked. */
#define CHECK_BATCH_MAX	1024

/*
 * One object per target: where, whether it accepted, from which address
 * or why not, --expect's matching line, what its TLS handshake learned
 * (info, or NULL), and how long it took.
 */
static void
print_json(const struct target *t, const struct probe *p,
    const struct tls_info *info, long long ms)
{
	char why[EXPECT_REASON_MAX];

	putchar('{');
	json_endpoint(stdout, &t->ep, 1);
	json_key(stdout, "open", 0);
	fputs(t->open ? "true" : "false", stdout);
	if (t->open && t->ep.path == NULL) {
		json_key(stdout, "address", 0);
		json_string(stdout, t->address);
	}
	if (!t->open) {
		json_key(stdout, "error", 0);
		json_string(stdout, t->reason);
	} else if (info != NULL && info->err.class != TLS_OK) {
		/* the handshake failed: "tls" says why */
	} else if (p != NULL && p->status == EX_OK) {
		json_key(stdout, "matched", 0);
		json_bytes(stdout, (const unsigned char *)p->x.buf + p->x.line,
		    p->x.linelen);
	} else if (p != NULL) {
		json_key(stdout, "error", 0);
		json_string(stdout, expect_reason(&p->x, why));
	}
	if (t->open && info != NULL)
		json_tls(stdout, info);
	json_key(stdout, "ms", 0);
	printf("%lld}\n", ms);
	/* a row as soon as it is known, for a reader such as jq */
	cli_flush();
}

/* --closed: whether t did not accept (refused, unreachable, silent). */
static bool
is_closed(const struct target *t)
{
	return !t->open && t->step != STEP_NONE &&
	    (t->status == EX_UNAVAILABLE || t->status == EX_TEMPFAIL);
}

/*
 * A failure of t with status (e: its handshake's, or NULL): the first
 * is --any's, to tell at the end.
 */
static void
failed(struct check *c, const struct target *t, const struct tls_error *e,
    int status)
{
	if (c->o->any && c->status == EX_OK && c->first_name == NULL) {
		c->first = *t;
		c->first_name = endpoint_string(&t->ep);
		c->first.name = c->first_name != NULL ? c->first_name :
		    t->ep.host;
		if (e != NULL)
			c->first_tls = *e;
	}
	c->status = ex_first(c->status, status);
}

/* What failed of t, told now: its connection, or its handshake (e). */
static int
check_warn(const struct target *t, const struct tls_error *e,
    const struct check_options *o)
{
	if (!t->open || e == NULL) {
		target_warn(t, &o->dial);
		return t->status;
	}
	return tls_warn(t->name, e);
}

/* --closed: t still accepts. */
static void
still_open(struct check *c, const struct target *t)
{
	char waited[DURATION_STR_MAX];

	if (c->o->dial.retry)
		warnx("connect %s: still accepting (gave up waiting after %s)",
		    t->name, format_duration(c->o->dial.wait_ms, waited));
	else
		warnx("connect %s: still accepting", t->name);
	c->status = ex_first(c->status, EX_TEMPFAIL);
}

/*
 * One target checked, in order (info: its handshake, with --tls).  A
 * failure is an error unless --any: then -v tells it, and the first is
 * told at the end if none passed.
 */
static void
tls_checked(const struct target *t, const struct tls_info *info, void *ctx)
{
	struct check *c = ctx;
	const struct check_options *o = c->o;
	/* a handshake's failure; an open target without one passed */
	const struct tls_error *e = t->open && info != NULL &&
	    info->err.class != TLS_OK ? &info->err : NULL;
	int status;

	if (o->closed && t->open)
		still_open(c, t);
	else if (o->closed && !is_closed(t)) {
		target_warn(t, &o->dial);
		c->status = ex_first(c->status, t->status);
	} else if (t->open && e == NULL && !o->closed) {
		c->open = true;
		if (o->verbose)
			target_report_connected(t);
		if (o->verbose && info != NULL)
			tls_report(t->name, info);
	} else if (!o->closed) {
		if (t->open && o->verbose)
			target_report_connected(t);
		if (!o->any || o->verbose)
			status = check_warn(t, e, o);
		else
			status = e != NULL ? tls_exit_status(e->class) :
			    t->status;
		failed(c, t, e, status);
	}
	if (o->json)
		print_json(t, NULL, info, t->ms);
}

/* A target checked without TLS. */
static void
checked(const struct target *t, void *ctx)
{
	tls_checked(t, NULL, ctx);
}

/* --closed --wait: how many targets accepted, counted quietly. */
static void
count_open(const struct target *t, void *ctx)
{
	size_t *open = ctx;

	*open += t->open;
}

/*
 * --closed: checks until none of the n specs accepts, or the wait is
 * over, then once more to report what each did.
 */
static void
check_closed(struct check *c, const struct target_spec *v, size_t n)
{
	const struct check_options *o = c->o;
	struct dial_options once = o->dial;
	long long end, pause_ms = CONNECT_RETRY_FIRST_MS;
	size_t open;

	once.retry = false;
	once.until_one = false;
	end = o->dial.retry ? time_after(c->began, o->dial.wait_ms) : 0;
	for (;;) {
		if (now_ms() >= end)
			break;
		open = 0;
		connect_targets(v, n, o->family, &once, count_open, &open);
		if (open == 0 || now_ms() >= end)
			break;
		(void)poll(NULL, 0, poll_timeout(earlier(pause_ms,
		    time_left(end, now_ms()))));
		pause_ms = dial_next_backoff(pause_ms, ECONNREFUSED);
	}
	connect_targets(v, n, o->family, &once, checked, c);
}

/* --expect: the one port of spec at port, asked until it matches. */
static void
probe_port(struct check *c, const struct target_spec *spec,
    unsigned short port)
{
	const struct check_options *o = c->o;
	struct port_range one = { port, port };
	struct target_spec at = *spec;
	struct probe p = { .spec = &at, .family = o->family,
	    .dial = &o->dial, .began = c->began, .re = o->re,
	    .max_bytes = o->max_bytes, .reply_ms = o->reply_ms, .tls = o->tls };
	long long start = now_ms();

	at.ports.ranges = &one;
	at.ports.n = at.ports.ports = 1;
	if (probe_run(&p) == EX_OK) {
		c->open = true;
		if (o->verbose)
			probe_report_connected(&p);
	} else if (!p.t.open) {
		checked(&p.t, c);
		probe_free(&p);
		return;
	} else {
		if (!o->any || o->verbose)
			(void)probe_warn(&p);
		failed(c, &p.t, p.tls_info.err.class != TLS_OK ?
		    &p.tls_info.err : NULL, p.status);
	}
	if (o->json)
		print_json(&p.t, &p, o->tls != NULL ? &p.tls_info : NULL,
		    now_ms() - start);
	probe_free(&p);
}

/* --expect: each target in turn, each asked until it matches. */
static void
check_expect(struct check *c, const struct target_spec *v, size_t n)
{
	struct port_cursor cur;
	unsigned short port;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].host == NULL) {
			probe_port(c, &v[i], 0);
			continue;
		}
		memset(&cur, 0, sizeof(cur));
		while (port_list_next(&v[i].ports, &cur, &port))
			probe_port(c, &v[i], port);
	}
}

void
check_begin(struct check *c, const struct check_options *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->began = now_ms();
}

void
check_targets(struct check *c, const struct target_spec *v, size_t n)
{
	struct dial_options rest = c->o->dial;

	if (c->o->closed)
		check_closed(c, v, n);
	else if (c->o->re != NULL)
		check_expect(c, v, n);
	else {
		/* a batch of `-z -` waits only for what is left of --wait */
		if (rest.retry)
			rest.wait_ms = time_left(time_after(c->began,
			    rest.wait_ms), now_ms());
		if (c->o->tls != NULL)
			tls_check_targets(v, n, c->o->family, &rest, c->o->tls,
			    tls_checked, c);
		else
			connect_targets(v, n, c->o->family, &rest, checked, c);
	}
}

int
check_end(struct check *c)
{
	if (c->o->any && c->open)
		c->status = EX_OK;
	else if (c->o->any && !c->o->verbose && c->first_name != NULL)
		(void)check_warn(&c->first, c->first.open ? &c->first_tls :
		    NULL, c->o);
	free(c->first_name);
	c->first_name = NULL;
	return c->status;
}

/* The targets of stdin read and not yet checked. */
struct batch {
	struct check		*c;
	struct target_spec	*v;
	size_t			 n;
};

static void
batch_check(struct batch *b)
{
	size_t i;

	check_targets(b->c, b->v, b->n);
	for (i = 0; i < b->n; i++) {
		if (b->v[i].path != NULL) {
			unix_address_close(&b->v[i].un);
			free((char *)b->v[i].path);
			b->v[i].path = NULL;
		}
		target_spec_free(&b->v[i]);
	}
	b->n = 0;
}

/* Whether stdin has nothing to read right now: check what is read. */
static bool
stdin_idle(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

/* A line that names no target: reported in its place, status 64. */
static void
line_refused(struct batch *b, const char *what)
{
	batch_check(b);
	warnx("%s", what);
	b->c->status = ex_first(b->c->status, EX_USAGE);
}

/* A PATH line of -U into spec; 0, or -1 with the reason in msg. */
static int
path_line(struct target_spec *spec, const char *line, char *msg,
    size_t size)
{
	const char *errstr = NULL;

	memset(spec, 0, sizeof(*spec));
	spec->un.dirfd = -1;
	if (unix_address_later(line, &spec->un, &errstr) == -1) {
		snprintf(msg, size, "path %s: %s", line, errstr != NULL ?
		    errstr : strerror(errno));
		return -1;
	}
	if ((spec->path = strdup(line)) == NULL) {
		unix_address_close(&spec->un);
		snprintf(msg, size, "path %s: %s", line, strerror(errno));
		return -1;
	}
	return 0;
}

/* A "HOST PORT" or "HOST:PORT" line into spec; 0, or -1 as path_line. */
static int
host_line(struct target_spec *spec, char *line, char *msg, size_t size)
{
	struct target_spec_error e;
	char *port, *end;
	int used;

	port = line + strcspn(line, " \t");
	end = port + strspn(port, " \t");
	*port = '\0';
	port = *end != '\0' ? end : NULL;
	if (port != NULL && port[strcspn(port, " \t")] != '\0') {
		snprintf(msg, size, "target %s %s: more than HOST PORT", line,
		    port);
		return -1;
	}
	used = target_spec_words(spec, line, port, "tcp", NULL, &e);
	if (used == -1)
		target_spec_error(&e, msg);
	else if (used == 0)
		snprintf(msg, size, "target %s: no PORT", line);
	else if (used == 1 && port != NULL) {
		target_spec_free(spec);
		snprintf(msg, size, "target %s %s: more than HOST:PORT", line,
		    port);
	}
	return used == 2 || (used == 1 && port == NULL) ? 0 : -1;
}

/* One line of stdin, taken into the batch, checked when that is due. */
static void
add_line(const char *item, const char *invalid, const struct deadline *dl,
    void *ctx)
{
	struct batch *b = ctx;
	char line[OPERAND_LINE_MAX + sizeof("...")];
	char msg[TARGET_SPEC_ERROR_MAX + OPERAND_LINE_MAX];
	int rc;

	(void)dl;	/* a target's bounds are -t and --wait, not its line's */
	if (invalid != NULL) {
		snprintf(msg, sizeof(msg), "target %s: %s", item, invalid);
		line_refused(b, msg);
		return;
	}
	strlcpy(line, item, sizeof(line));
	rc = b->c->o->unix_path ?
	    path_line(&b->v[b->n], line, msg, sizeof(msg)) :
	    host_line(&b->v[b->n], line, msg, sizeof(msg));
	if (rc == -1) {
		line_refused(b, msg);
		return;
	}
	if (++b->n == CHECK_BATCH_MAX || stdin_idle())
		batch_check(b);
}

void
check_stdin(struct check *c)
{
	static char *const dash[] = { "-" };
	struct batch b = { .c = c };

	if ((b.v = calloc(CHECK_BATCH_MAX, sizeof(*b.v))) == NULL)
		err(EX_OSERR, "targets");
	if (operands_each(dash, 1, NO_LIMIT, add_line, &b) == -1) {
		warn("read error: stdin");
		c->status = ex_first(c->status, EX_IOERR);
	}
	batch_check(&b);
	free(b.v);
}
