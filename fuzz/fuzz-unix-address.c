/*
 * unix_address: a path that fits sun_path is copied as it is, NUL
 * counted in the length; an '@' name is abstract, its bytes after a NUL,
 * none counted beyond them; a longer path is reached through its
 * directory, /proc/self/fd/N/NAME, or refused with a reason; the
 * length never exceeds the address.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/un.h>

#include "fuzz.h"
#include "unix.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	struct unix_addr ua;
	const char *errstr;
	size_t len = strlen(s), off = offsetof(struct sockaddr_un, sun_path);
	int rc;

	rc = unix_address(s, &ua, &errstr);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(ua.dirfd == -1);
		FUZZ_CHECK(errstr != NULL ? errstr[0] != '\0' : errno != 0);
		free(s);
		return 0;
	}
	FUZZ_CHECK(errstr == NULL && ua.sun.sun_family == AF_UNIX);
	FUZZ_CHECK(ua.len > off && ua.len <= sizeof(ua.sun));
	if (s[0] == '@') {
		FUZZ_CHECK(ua.abstract && ua.dirfd == -1);
		FUZZ_CHECK(ua.len == off + len && ua.sun.sun_path[0] == '\0');
		FUZZ_CHECK(memcmp(ua.sun.sun_path + 1, s + 1, len - 1) == 0);
	} else if (ua.dirfd == -1) {
		FUZZ_CHECK(!ua.abstract && len > 0 && s[len - 1] != '/');
		FUZZ_CHECK(strcmp(ua.sun.sun_path, s) == 0);
		FUZZ_CHECK(ua.len == off + len + 1);
	} else {
		FUZZ_CHECK(len > UNIX_PATH_LIMIT - 10);
		FUZZ_CHECK(strncmp(ua.sun.sun_path, "/proc/self/fd/", 14) == 0);
		FUZZ_CHECK(strlen(ua.sun.sun_path) + 1 + off == ua.len);
		unix_address_close(&ua);
	}
	free(s);
	return 0;
}
