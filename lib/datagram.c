#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "datagram.h"

size_t
dgram_max(int family)
{
	switch (family) {
	case AF_INET6:
		return DGRAM_MAX_IPV6;
	case AF_UNIX:
		return DGRAM_MAX_UNIX;
	default:
		return DGRAM_MAX_IPV4;
	}
}

const char *
family_name(int family)
{
	switch (family) {
	case AF_INET6:
		return "IPv6";
	case AF_UNIX:
		return "Unix";
	default:
		return "IPv4";
	}
}

int
dgram_connect_unix(const struct sockaddr_un *sun, socklen_t len, bool named,
    enum step *step)
{
	/* the family alone: the kernel picks an abstract name */
	sa_family_t autobind = AF_UNIX;
	int fd, saved_errno;

	*step = STEP_SOCKET;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	*step = STEP_BIND;
	if (!named || bind(fd, (struct sockaddr *)&autobind,
	    sizeof(autobind)) == 0) {
		*step = STEP_CONNECT;
		if (connect(fd, (const struct sockaddr *)sun, len) == 0)
			return fd;
	}
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return -1;
}

bool
dgram_sender_named(const struct datagram *d)
{
	return !sockaddr_unnamed((const struct sockaddr *)&d->from, d->fromlen);
}

int
dgram_connect(const struct addrinfo *res, const struct sockaddr *src,
    bool broadcast, const struct addrinfo **used, enum step *step)
{
	const struct addrinfo *ai;
	int fd, saved_errno = EAFNOSUPPORT, on = 1;

	*step = STEP_SOCKET;
	*used = res;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		*used = ai;
		if (src != NULL && src->sa_family != ai->ai_family)
			continue;
		*step = STEP_SOCKET;
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			saved_errno = errno;
			continue;
		}
		*step = STEP_SETSOCKOPT;
		if (broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on,
		    sizeof(on)) == -1) {
			saved_errno = errno;
			close(fd);
			continue;
		}
		*step = STEP_BIND;
		if (src == NULL || bind(fd, src, sockaddr_len(src)) == 0) {
			*step = STEP_CONNECT;
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
				return fd;
		}
		saved_errno = errno;
		close(fd);
	}
	errno = saved_errno;
	return -1;
}

int
dgram_send(int fd, int family, const void *buf, size_t len)
{
	ssize_t n;

	if (len > dgram_max(family)) {
		errno = EMSGSIZE;
		return -1;
	}
	do
		n = send(fd, buf, len, 0);
	while (n == -1 && errno == EINTR);
	return n == -1 ? -1 : 0;
}

int
dgram_wait(int fd, const struct deadline *dl)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc;

	for (;;) {
		rc = poll(&pfd, 1, poll_timeout(deadline_left_ms(dl)));
		if (rc > 0)
			return 1;	/* POLLIN, or POLLERR: recv tells */
		if (rc == -1 && errno != EINTR)
			return -1;
		if (rc == 0 && deadline_passed(dl))
			return 0;
	}
}

int
dgram_want_local(int fd, int family)
{
	int on = 1;

	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on));
	if (family == AF_UNIX)
		return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
}

/* Room for the one control message each family uses. */
union pktinfo_control {
	struct cmsghdr	align;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(struct in_pktinfo)) +
			    CMSG_SPACE(sizeof(struct ucred))];
};

int
dgram_recv(int fd, struct datagram *d)
{
	union pktinfo_control control;
	struct iovec iov = { d->buf, sizeof(d->buf) };
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	/* no name filled in reads as none */
	memset(&d->from, 0, sizeof(d->from));
	msg.msg_name = &d->from;
	msg.msg_namelen = sizeof(d->from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	do
		n = recvmsg(fd, &msg, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	d->len = (size_t)n;
	d->fromlen = msg.msg_namelen;
	/* only a Unix socket has senders without an address */
	if (d->fromlen == 0)
		d->from.ss_family = AF_UNIX;
	d->local_family = 0;
	d->has_cred = false;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			memcpy(&d->local4, CMSG_DATA(c), sizeof(d->local4));
			d->local_family = AF_INET;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&d->local6, CMSG_DATA(c), sizeof(d->local6));
			d->local_family = AF_INET6;
		} else if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&d->cred, CMSG_DATA(c), sizeof(d->cred));
			d->has_cred = true;
		}
	}
	return 0;
}

int
dgram_reply(int fd, const struct datagram *d, const void *buf, size_t len)
{
	union pktinfo_control control;
	struct iovec iov = { (void *)buf, len };
	struct in_pktinfo pi4;
	struct in6_pktinfo pi6;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	if (!dgram_sender_named(d)) {
		errno = EDESTADDRREQ;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&control, 0, sizeof(control));
	msg.msg_name = (void *)&d->from;
	msg.msg_namelen = d->fromlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	c = (struct cmsghdr *)control.buf;
	if (d->local_family == AF_INET) {
		/* ipi_spec_dst: the address it came to, or for a
		 * broadcast the address of the interface */
		memset(&pi4, 0, sizeof(pi4));
		pi4.ipi_spec_dst = d->local4.ipi_spec_dst;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi4));
		memcpy(CMSG_DATA(c), &pi4, sizeof(pi4));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi4));
	} else if (d->local_family == AF_INET6 &&
	    !IN6_IS_ADDR_MULTICAST(&d->local6.ipi6_addr)) {
		pi6 = d->local6;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
	} else
		msg.msg_control = NULL;
	do
		n = sendmsg(fd, &msg, 0);
	while (n == -1 && errno == EINTR);
	return n == -1 ? -1 : 0;
}
