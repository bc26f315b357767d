/*
 * Pure core.  The call a socket's setup failed in, as the messages name
 * it ("bind ADDR: why"): one enum for the listeners, the dialer, the
 * datagram sockets and the socket file, compared as a value.
 */
#ifndef SOCKUTILS_STEP_H
#define SOCKUTILS_STEP_H

enum step {
	STEP_NONE,		/* no call failed (a lookup did, or nothing) */
	STEP_SOCKET,
	STEP_SETSOCKOPT,
	STEP_BIND,
	STEP_LSTAT,		/* the socket file just bound */
	STEP_CHMOD,
	STEP_LISTEN,
	STEP_RENAME,		/* the socket file to its path */
	STEP_GETSOCKNAME,
	STEP_CONNECT,
	STEP_FCNTL,		/* the connected socket made blocking */
	STEP_POLL,
};

/* The call's name: "socket", "bind", ...; "" for STEP_NONE. */
const char *step_name(enum step step);

#endif
