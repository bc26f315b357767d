#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "tap.h"
#include "target.h"
#include "targetspec.h"
#include "timing.h"

/* What the callback saw of each target, in the order it came. */
struct seen {
	int	 n;
	int	 status[2];
	bool	 open[2];
	int	 step[2];
	int	 error[2];
	char	 name[2][PATH_MAX];
};

static void
checked(const struct target *t, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 2) {
		s->status[s->n] = t->status;
		s->open[s->n] = t->open;
		s->step[s->n] = t->step;
		s->error[s->n] = t->error;
		snprintf(s->name[s->n], sizeof(s->name[s->n]), "%s", t->name);
	}
	s->n++;
	if (t->fd != -1)
		close(t->fd);
}

/* A spec for the Unix path, its address taken. */
static int
path_spec(struct target_spec *spec, const char *path)
{
	const char *errstr;

	memset(spec, 0, sizeof(*spec));
	spec->path = path;
	return unix_address(path, &spec->un, &errstr);
}

/*
 * target_spec_resolve: a host looked up once, its dials then with no
 * lookup of their own (the spec's name changed to one that would fail).
 */
static void
test_resolved(void)
{
	struct dial_options o = { .timeout_ms = 5000, .wait_ms = NO_LIMIT };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct target_spec spec = { .un.dirfd = -1 };
	struct target_spec_error e;
	struct target t = { .fd = -1 };
	struct seen seen = { 0 };
	const char *host;
	char word[64];
	int lfd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1 ||
	    listen(lfd, 4) == -1) {
		ok(0, "a listening loopback port");
		return;
	}
	snprintf(word, sizeof(word), "127.0.0.1:%u", ntohs(sin.sin_port));
	ok(target_spec_words(&spec, word, NULL, "tcp", "one", &e) == 1 &&
	    target_spec_resolve(&spec, AF_UNSPEC, &o, &t) == 0 &&
	    spec.res != NULL, "a host looked up once");
	host = spec.host;
	spec.host = "not..looked.up";
	connect_targets(&spec, 1, AF_UNSPEC, &o, checked, &seen);
	ok(seen.n == 1 && seen.open[0] && seen.status[0] == EX_OK,
	    "its dials take those addresses, with no lookup");
	spec.host = host;
	target_spec_free(&spec);
	ok(spec.res == NULL, "target_spec_free frees them");

	memset(&spec, 0, sizeof(spec));
	ok(target_spec_words(&spec, "not..valid:80", NULL, "tcp", "one",
	    &e) == 1 && target_spec_resolve(&spec, AF_UNSPEC, &o, &t) ==
	    EX_USAGE && spec.res == NULL && t.step == STEP_NONE &&
	    t.reason != NULL && strcmp(t.ep.host, "not..valid") == 0,
	    "a name that fails its lookup says why (%s)",
	    t.reason != NULL ? t.reason : "none");
	target_spec_free(&spec);
	close(lfd);
}

/*
 * connect_targets over Unix stream sockets in a directory of its own:
 * a listening one and a path with nothing there, in the order named.
 */
int
main(void)
{
	struct dial_options o = { .timeout_ms = 5000, .wait_ms = NO_LIMIT };
	struct target_spec spec[2];
	struct seen seen = { 0 };
	char dir[] = "/tmp/test-target.XXXXXX", live[PATH_MAX],
	    missing[PATH_MAX];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	snprintf(live, sizeof(live), "%s/live.sock", dir);
	snprintf(missing, sizeof(missing), "%s/missing.sock", dir);
	strlcpy(sun.sun_path, live, sizeof(sun.sun_path));
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok(lfd != -1 && bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    listen(lfd, 4) == 0, "a listening Unix socket");
	ok(path_spec(&spec[0], live) == 0 && path_spec(&spec[1], missing) == 0,
	    "two paths");

	connect_targets(spec, 2, AF_UNSPEC, &o, checked, &seen);
	ok(seen.n == 2, "each target handed on once");
	ok(seen.open[0] && seen.status[0] == EX_OK &&
	    strcmp(seen.name[0], live) == 0, "the listening one is open");
	ok(!seen.open[1] && seen.status[1] == EX_NOHOST &&
	    seen.step[1] == STEP_CONNECT && seen.error[1] == ENOENT &&
	    strcmp(seen.name[1], missing) == 0,
	    "the missing one fails in connect with ENOENT, 68, second");

	o.check_only = true;
	seen.n = 0;
	connect_targets(spec, 1, AF_UNSPEC, &o, checked, &seen);
	ok(seen.n == 1 && seen.open[0], "check only: open, closed again");

	test_resolved();
	unix_address_close(&spec[0].un);
	unix_address_close(&spec[1].un);
	close(lfd);
	unlink(live);
	rmdir(dir);
	return tap_done();
}
