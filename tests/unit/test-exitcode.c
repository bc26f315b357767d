#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "exitcode.h"
#include "tap.h"

int
main(void)
{
	is_str(gai_error_string(EAI_SYSTEM, EMFILE), strerror(EMFILE),
	    "EAI_SYSTEM says why the system call failed");
	is_str(gai_error_string(EAI_SYSTEM, ECONNREFUSED),
	    strerror(ECONNREFUSED), "the errno given, not the one now");
	is_str(gai_error_string(EAI_NONAME, EMFILE), gai_strerror(EAI_NONAME),
	    "other errors as gai_strerror words them");
	is_str(gai_error_string(EAI_AGAIN, 0), gai_strerror(EAI_AGAIN),
	    "a temporary failure");
	ok(ex_gai(EAI_SYSTEM, EMFILE) == EX_OSERR, "EAI_SYSTEM of EMFILE: 71");
	errno = EMFILE;
	ok(ex_gai(EAI_SYSTEM, EACCES) == EX_NOPERM,
	    "EAI_SYSTEM of EACCES: 77, the errno given, not the one now");
	ok(ex_gai(EAI_NONAME, 0) == EX_NOHOST, "no such name: 68");
	ok(ex_gai(EAI_AGAIN, 0) == EX_TEMPFAIL, "try again: 75");
	ok(ex_herrno(HOST_NOT_FOUND, 0) == EX_NOHOST &&
	    ex_herrno(TRY_AGAIN, 0) == EX_TEMPFAIL, "h_errno statuses");
	ok(ex_herrno(NETDB_INTERNAL, EACCES) == EX_NOPERM,
	    "NETDB_INTERNAL: the status of the errno given");
	is_str(herror_string(NETDB_INTERNAL, EMFILE), strerror(EMFILE),
	    "NETDB_INTERNAL says why with the errno given");
	ok(ex_first(EX_OK, EX_NOHOST) == EX_NOHOST &&
	    ex_first(EX_TEMPFAIL, EX_NOHOST) == EX_TEMPFAIL,
	    "the first failure wins");
	return tap_done();
}
