#include <errno.h>
#include <netdb.h>
#include <string.h>

#include "exitcode.h"

int
ex_gai(int gai_error, int errnum)
{
	switch (gai_error) {
	case 0:
		return EX_OK;
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
	case EAI_SERVICE:
		return EX_NOHOST;
	case EAI_AGAIN:
	case EAI_FAIL:		/* the DNS server failed: worth a retry */
		return EX_TEMPFAIL;
	case EAI_IDN_ENCODE:	/* the name cannot be written as IDNA */
		return EX_USAGE;
	case EAI_SYSTEM:
		return ex_errno(errnum, EX_OSERR);
	default:		/* EAI_MEMORY, and flags we never pass */
		return EX_OSERR;
	}
}

int
ex_herrno(int herr, int errnum)
{
	switch (herr) {
	case 0:
		return EX_OK;
	case HOST_NOT_FOUND:
	case NO_DATA:
		return EX_NOHOST;
	case TRY_AGAIN:
	case NO_RECOVERY:
		return EX_TEMPFAIL;
	default:		/* NETDB_INTERNAL: errnum says why */
		return ex_errno(errnum, EX_OSERR);
	}
}

int
ex_errno(int errnum, int otherwise)
{
	switch (errnum) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case EADDRINUSE:
	case EADDRNOTAVAIL:
		return EX_UNAVAILABLE;
	case ETIMEDOUT:
		return EX_TEMPFAIL;
	case EACCES:
	case EPERM:
		return EX_NOPERM;
	case ECONNRESET:
	case EPIPE:
		return EX_IOERR;
	default:
		return otherwise;
	}
}

const char *
gai_error_string(int gai_error, int errnum)
{
	return gai_error == EAI_SYSTEM ? strerror(errnum) :
	    gai_strerror(gai_error);
}

const char *
herror_string(int herr, int errnum)
{
	return herr == NETDB_INTERNAL ? strerror(errnum) : hstrerror(herr);
}

int
ex_first(int status, int next)
{
	return status != EX_OK ? status : next;
}
