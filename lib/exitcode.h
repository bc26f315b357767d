/*
 * Pure core.  The suite's one table of exit statuses (<sysexits.h>),
 * and the translation of resolver and system errors into it and into
 * words.
 */
#ifndef SOCKUTILS_EXITCODE_H
#define SOCKUTILS_EXITCODE_H

#include <netdb.h>
#include <sysexits.h>

/*
 * glibc's h_errno for "errno says why"; musl has no such value (its
 * gethostby*_r return the errno themselves), so hostinfo's own ENOMEM
 * gets it here.
 */
#ifndef NETDB_INTERNAL
#define NETDB_INTERNAL	(-1)
#endif

/*
 * Status for a getaddrinfo/getnameinfo error; for EAI_SYSTEM, that of
 * errnum, the errno of the call.
 */
int	ex_gai(int gai_error, int errnum);

/*
 * Status for an h_errno value from the gethostby*_r family; for
 * NETDB_INTERNAL, that of errnum, the errno of the call.
 */
int	ex_herrno(int herr, int errnum);

/*
 * Status for errno value errnum: the table's network and permission
 * cases, or otherwise (EX_OSERR for system calls, EX_IOERR for I/O).
 */
int	ex_errno(int errnum, int otherwise);

/*
 * Message for a getaddrinfo/getnameinfo error, the one every tool
 * prints: for EAI_SYSTEM, why the system call failed (errnum, the
 * errno of the call), not a bare "System error".
 */
const char *gai_error_string(int gai_error, int errnum);

/* Message for an h_errno value; for NETDB_INTERNAL, errnum's. */
const char *herror_string(int herr, int errnum);

/* The first failure wins: returns status unless it is still 0. */
int	ex_first(int status, int next);

#endif
