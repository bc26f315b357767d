#include <sys/socket.h>

#include "family.h"

int
family_wanted(bool want4, bool want6, int neither)
{
	if (want4 && want6)
		return AF_UNSPEC;
	if (want4)
		return AF_INET;
	if (want6)
		return AF_INET6;
	return neither;
}
