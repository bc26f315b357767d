#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "selfname.h"

int
selfname_get(char name[SELFNAME_SIZE])
{
	if (gethostname(name, SELFNAME_SIZE) == -1)
		return -1;
	name[SELFNAME_SIZE - 1] = '\0';	/* POSIX allows a cut name unended */
	return 0;
}

int
selfname_lookup(const char *name, struct addrinfo **res)
{
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_CANONNAME;
	return getaddrinfo(name, NULL, &hints, res);
}

const char *
selfname_canonical(const struct addrinfo *res, const char *name)
{
	return res->ai_canonname != NULL ? res->ai_canonname : name;
}

bool
selfname_interface_shown(const struct ifaddrs *ifa)
{
	const struct sockaddr_in6 *sin6;

	if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_LOOPBACK) ||
	    !(ifa->ifa_flags & IFF_UP))
		return false;
	if (ifa->ifa_addr->sa_family == AF_INET)
		return true;
	if (ifa->ifa_addr->sa_family != AF_INET6)
		return false;
	sin6 = (const struct sockaddr_in6 *)(const void *)ifa->ifa_addr;
	return !IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) &&
	    !IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr);
}
