#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int
endpoint_print(char *buf, size_t size, const struct endpoint *e)
{
	if (e->host != NULL)
		return snprintf(buf, size, "%s %u", e->host, e->port);
	return snprintf(buf, size, "%s", e->path != NULL ? e->path :
	    "unnamed");
}

char *
endpoint_string(const struct endpoint *e)
{
	char *s, probe[1];
	int len;

	/* what it takes, measured as snprintf measures */
	if ((len = endpoint_print(probe, sizeof(probe), e)) < 0)
		return NULL;
	if ((s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	endpoint_print(s, (size_t)len + 1, e);
	return s;
}

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

void
sockaddr_set_port(struct sockaddr *sa, unsigned short port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

/*
 * The name of the Unix address sun of len bytes into buf: the path, or
 * '@' and the abstract name without the NULs that pad it; NULL for an
 * unnamed socket (one that has no address: no bytes, or only NULs, as
 * in a zeroed address the kernel filled no name into).
 */
static const char *
unix_name(const struct sockaddr_un *sun, socklen_t len,
    char buf[UNIX_NAME_MAX])
{
	size_t n = 0;

	if (len > offsetof(struct sockaddr_un, sun_path))
		n = len - offsetof(struct sockaddr_un, sun_path);
	if (n > sizeof(sun->sun_path))
		n = sizeof(sun->sun_path);
	if (n > 0 && sun->sun_path[0] != '\0') {
		n = strnlen(sun->sun_path, n);
		memcpy(buf, sun->sun_path, n);
		buf[n] = '\0';
		return buf;
	}
	while (n > 1 && sun->sun_path[n - 1] == '\0')
		n--;
	if (n <= 1)
		return NULL;
	buf[0] = '@';
	memcpy(buf + 1, sun->sun_path + 1, n - 1);
	buf[n] = '\0';
	return buf;
}

bool
sockaddr_unnamed(const struct sockaddr *sa, socklen_t len)
{
	char name[UNIX_NAME_MAX];

	return sa->sa_family == AF_UNIX &&
	    unix_name((const struct sockaddr_un *)sa, len, name) == NULL;
}

const char *
sockaddr_endpoint(const struct sockaddr *sa, socklen_t len,
    char buf[ENDPOINT_MAX])
{
	struct endpoint e = { 0 };
	char host[ADDRSTR_MAX], name[UNIX_NAME_MAX];

	if (sa->sa_family == AF_UNIX)
		e.path = unix_name((const struct sockaddr_un *)sa, len, name);
	else {
		e.host = sockaddr_host(sa, host);
		e.port = sockaddr_port(sa);
	}
	endpoint_print(buf, ENDPOINT_MAX, &e);
	return buf;
}

const char *
socket_endpoint(int fd, int peer, char buf[ENDPOINT_MAX])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int rc;

	/* defined bytes even where the kernel fills fewer */
	memset(&ss, 0, sizeof(ss));
	rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len);
	if (rc == -1) {
		strlcpy(buf, "? ?", ENDPOINT_MAX);
		return buf;
	}
	return sockaddr_endpoint((struct sockaddr *)&ss, len, buf);
}
