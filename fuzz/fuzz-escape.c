/*
 * write_escaped: what it writes holds no byte a terminal acts on (only
 * printable ASCII, space, tab and newline), is at most four bytes for
 * each byte in, and strunvis turns it back into the input exactly.
 */
#include <sys/mman.h>
#include <unistd.h>
#include <vis.h>

#include "fuzz.h"
#include "io.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char *out, *back;
	ssize_t n;
	off_t len;
	int i, blen;

	if (fd == -1)
		FUZZ_CHECK((fd = memfd_create("escaped", MFD_CLOEXEC)) != -1);
	FUZZ_CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	FUZZ_CHECK(write_escaped(fd, data, size, false) == 0);
	len = lseek(fd, 0, SEEK_CUR);
	FUZZ_CHECK(len >= 0 && (size_t)len <= 4 * size);
	out = malloc((size_t)len + 1);
	back = malloc((size_t)len + 1);
	FUZZ_CHECK(out != NULL && back != NULL);
	n = pread(fd, out, (size_t)len, 0);
	FUZZ_CHECK(n == len);
	out[len] = '\0';
	for (i = 0; i < len; i++)
		FUZZ_CHECK((out[i] >= 0x20 && out[i] <= 0x7e) ||
		    out[i] == '\t' || out[i] == '\n');
	blen = strunvis(back, out);
	FUZZ_CHECK(blen >= 0 && (size_t)blen == size);
	FUZZ_CHECK(memcmp(back, data, size) == 0);
	free(out);
	free(back);
	return 0;
}
