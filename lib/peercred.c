#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "peercred.h"

int
unix_peer_cred(int fd, pid_t *pid, uid_t *uid, gid_t *gid)
{
	struct ucred cr;
	socklen_t len = sizeof(int);
	int domain;

	/* a TCP socket answers too, with nobody's credentials */
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == -1)
		return -1;
	if (domain != AF_UNIX) {
		errno = ENOPROTOOPT;
		return -1;
	}
	len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1)
		return -1;
	*pid = cr.pid;
	*uid = cr.uid;
	*gid = cr.gid;
	return 0;
}

const char *
peer_credentials(int fd, char *buf, size_t size)
{
	pid_t pid;
	uid_t uid;
	gid_t gid;

	buf[0] = '\0';
	if (unix_peer_cred(fd, &pid, &uid, &gid) == 0)
		credentials_text(pid, uid, gid, buf, size);
	return buf;
}

const char *
credentials_text(pid_t pid, uid_t uid, gid_t gid, char *buf, size_t size)
{
	snprintf(buf, size, " (pid %ld, uid %lu, gid %lu)", (long)pid,
	    (unsigned long)uid, (unsigned long)gid);
	return buf;
}
