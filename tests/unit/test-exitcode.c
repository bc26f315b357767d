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
	errno = EMFILE;
	ok(ex_gai(EAI_SYSTEM) == EX_OSERR, "EAI_SYSTEM of EMFILE: 71");
	errno = EACCES;
	ok(ex_gai(EAI_SYSTEM) == EX_NOPERM, "EAI_SYSTEM of EACCES: 77");
	ok(ex_gai(EAI_NONAME) == EX_NOHOST, "no such name: 68");
	ok(ex_gai(EAI_AGAIN) == EX_TEMPFAIL, "try again: 75");
	ok(ex_first(EX_OK, EX_NOHOST) == EX_NOHOST &&
	    ex_first(EX_TEMPFAIL, EX_NOHOST) == EX_TEMPFAIL,
	    "the first failure wins");
	return tap_done();
}
