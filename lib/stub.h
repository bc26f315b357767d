/*
 * Pure core, returns -1 and errno, prints nothing.  A stub resolver for
 * many names at once without a thread each: one thread, and for each
 * name a socket of its own (a port of its own, as glibc's lookups have)
 * with the A and AAAA queries glibc's getaddrinfo would send for it, or
 * the PTR query of its gethostbyaddr (lib/stubconf.h says when that is
 * all they do), sent again as long as the name's deadline allows when
 * an answer is late, at the pace the answers set (RFC 6298's estimator,
 * as lib/pool.h), in a window of POOL_WINDOW that halves when queries go
 * unanswered and grows by one with each answer.  A name whose answers
 * say plainly what getaddrinfo would return (one address; no such name;
 * no address; the one server failed), or an address's that say what
 * gethostbyaddr would (one name; no such name; the one server failed),
 * is answered here; any other (several addresses to sort, CNAMEs, a
 * truncated answer, another server to ask) is handed back to the C
 * library.  A query unanswered is sent again after what the answers
 * take (its mean and four deviations, at least 200 ms, 1 s before the
 * first answer), to the next server; without a deadline, twice as long
 * each time no other answer came meanwhile.
 */
#ifndef SOCKUTILS_STUB_H
#define SOCKUTILS_STUB_H

#include <netdb.h>
#include <stdbool.h>

#include "stubconf.h"
#include "timing.h"

enum stub_result {
	STUB_ANSWERED,		/* its stub_answer says what */
	STUB_FAILED,		/* failed for now (EAI_AGAIN, TRY_AGAIN) as a
				   try of the C library's would: SERVFAIL
				   from the one server, or no answer in its
				   time */
	STUB_LIBC,		/* for the C library to answer */
	STUB_TIMED_OUT,		/* its deadline passed unanswered */
};

/* What a job's answer, STUB_ANSWERED, says. */
struct stub_answer {
	int		 gai_error;	/* a name's: getaddrinfo's error, */
	struct addrinfo	*res;		/* and when 0 the addresses */
	int		 herr;		/* an address's: gethostbyaddr's
					   h_errno, */
	const char	*name;		/* and when 0 its name */
};

/*
 * Called on the stub's thread for each job added: a->res is the callee's
 * to free (freeaddrinfo), a->name lasts for the call.
 */
typedef void stub_done_fn(void *job, enum stub_result r,
    const struct stub_answer *a, void *ctx);

struct stub;

/*
 * A stub asking c's nameservers for the addresses of family (AF_UNSPEC:
 * both, as getaddrinfo for stream sockets) of each name, or with
 * by_address for the name (PTR) of each address, calling done with ctx;
 * a job without a deadline fails (STUB_FAILED) once a try of glibc's
 * would have (resolv.conf's attempts at each nameserver, its timeout
 * each).  NULL with errno.
 */
struct stub *stub_new(const struct stub_conf *c, int family, bool by_address,
	    stub_done_fn *done, void *ctx);

/*
 * Asks for name (dns_name_plain, or an address's dns_reverse_name; it
 * must outlive the job) by dl.
 * Returns 0, or -1 with errno (the job is not taken).
 */
int	stub_add(struct stub *s, void *job, const char *name,
	    const struct deadline *dl);

/* Waits until every job added is done, then frees s. */
void	stub_end(struct stub *s);

#endif
