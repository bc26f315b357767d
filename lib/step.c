#include "step.h"

const char *
step_name(enum step step)
{
	switch (step) {
	case STEP_NONE:
		break;
	case STEP_SOCKET:
		return "socket";
	case STEP_SETSOCKOPT:
		return "setsockopt";
	case STEP_BIND:
		return "bind";
	case STEP_LSTAT:
		return "lstat";
	case STEP_CHMOD:
		return "chmod";
	case STEP_LISTEN:
		return "listen";
	case STEP_RENAME:
		return "rename";
	case STEP_GETSOCKNAME:
		return "getsockname";
	case STEP_CONNECT:
		return "connect";
	case STEP_FCNTL:
		return "fcntl";
	case STEP_POLL:
		return "poll";
	}
	return "";
}
