#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "address.h"

socklen_t
sockaddr_len(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
}

const char *
sockaddr_host(const struct sockaddr *sa, char buf[ADDRSTR_MAX])
{
	if (getnameinfo(sa, sockaddr_len(sa), buf, ADDRSTR_MAX, NULL, 0,
	    NI_NUMERICHOST) != 0)
		strlcpy(buf, "?", ADDRSTR_MAX);
	return buf;
}

unsigned short
sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

const char *
socket_endpoint(int fd, int peer, char buf[ENDPOINT_MAX])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[ADDRSTR_MAX];
	int rc;

	/* defined bytes even where the kernel fills fewer */
	memset(&ss, 0, sizeof(ss));
	rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len);
	if (rc == -1) {
		strlcpy(buf, "? ?", ENDPOINT_MAX);
		return buf;
	}
	snprintf(buf, ENDPOINT_MAX, "%s %u",
	    sockaddr_host((struct sockaddr *)&ss, host),
	    sockaddr_port((struct sockaddr *)&ss));
	return buf;
}
