/*
 * Reporting layer.  The messages of the connecting tools on stderr
 * (`progname: what failed: why`, and -v's reports), for the outcomes
 * the pure core returns (target.h, relay.h); nothing here exits, but
 * a reader of stdout that has gone ends the tool (cli_stdout_error).
 */
#ifndef SOCKUTILS_REPORT_H
#define SOCKUTILS_REPORT_H

#include "dial.h"
#include "probe.h"
#include "relay.h"
#include "target.h"
#include "unix.h"

/*
 * Why the target t failed, connected with o: "HOST: why" for a name
 * that did not resolve, "connect HOST PORT: why" (with "gave up waiting
 * after SEC" once --wait passed), "bind ADDR: why" for the source.
 */
void	target_warn(const struct target *t, const struct dial_options *o);

/*
 * "STEP PATH: why" for a Unix socket ua that failed with errnum: "not a
 * socket" for a file that is none, and for a socket of the other type
 * which type it is.  Returns the exit status.
 */
int	unix_warn(enum step step, const char *path,
	    const struct unix_addr *ua, int errnum);

/*
 * -v: "connected to ADDRESS PORT from LOCAL" for the connected t; for a
 * Unix socket, "connected to PATH" and peer_credentials (peercred.h).
 */
void	target_report_connected(const struct target *t);

/* -v: the probe p's connection, and with --tls its handshake (tls_report). */
void	probe_report_connected(const struct probe *p);

/*
 * The probe p failed: its connect, its handshake (tls_warn), or its
 * reply did not match: "reply of NAME: why" (with "gave up waiting
 * after SEC" once --wait passed).  Returns p->status.
 */
int	probe_warn(const struct probe *p);

/*
 * Reports the failure of r on stderr ("read error: stdin: ...",
 * "send PEER: ...") and returns its exit status.
 */
int	relay_warn(const struct relay *r, const char *peer);

#endif
