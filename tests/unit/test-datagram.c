#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datagram.h"
#include "tap.h"
#include "timing.h"

/* The datagram core over a Unix datagram socketpair: no network. */
int
main(void)
{
	static struct datagram d;
	static char big[DGRAM_MAX_IPV4 + 1];
	struct deadline now, later;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1) {
		ok(0, "socketpair: %s", strerror(errno));
		return tap_done();
	}
	ok(dgram_max(AF_INET) == DGRAM_MAX_IPV4 &&
	    dgram_max(AF_INET6) == DGRAM_MAX_IPV6 &&
	    dgram_max(AF_UNIX) == DGRAM_MAX_UNIX, "each family's largest");
	is_str(family_name(AF_UNIX), "Unix", "families named for messages");

	deadline_start(&now, 0);
	ok(dgram_wait(sv[1], &now) == 0, "nothing to read: the deadline");
	ok(dgram_send(sv[0], AF_UNIX, "ping\n", 5) == 0, "one datagram sent");
	deadline_start(&later, 5000);
	ok(dgram_wait(sv[1], &later) == 1, "and ready at the other end");
	ok(dgram_want_local(sv[1], AF_UNIX) == 0, "credentials asked for");
	ok(dgram_send(sv[0], AF_UNIX, "pong", 4) == 0, "another sent");
	ok(dgram_recv(sv[1], &d) == 0 && d.len == 5 &&
	    memcmp(d.buf, "ping\n", 5) == 0, "received whole, in order");
	ok(dgram_recv(sv[1], &d) == 0 && d.len == 4 &&
	    memcmp(d.buf, "pong", 4) == 0 && d.has_cred &&
	    d.cred.pid == getpid(), "with the sender's credentials");
	ok(!dgram_sender_named(&d), "a socketpair's sender has no address");
	errno = 0;
	ok(dgram_reply(sv[1], &d, "x", 1) == -1 && errno == EDESTADDRREQ,
	    "so it cannot be answered: EDESTADDRREQ");

	errno = 0;
	ok(dgram_send(sv[0], AF_INET, big, sizeof(big)) == -1 &&
	    errno == EMSGSIZE, "over IPv4's largest: EMSGSIZE");
	ok(dgram_wait(sv[1], &now) == 0, "and nothing was sent");
	ok(dgram_send(sv[0], AF_INET, big, sizeof(big) - 1) == 0 &&
	    dgram_recv(sv[1], &d) == 0 && d.len == DGRAM_MAX_IPV4,
	    "IPv4's largest goes whole");
	ok(dgram_send(sv[0], AF_UNIX, "", 0) == 0 &&
	    dgram_recv(sv[1], &d) == 0 && d.len == 0,
	    "an empty datagram is one");
	close(sv[0]);
	close(sv[1]);
	return tap_done();
}
