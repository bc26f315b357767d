#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "relro.h"

/*
 * musl 1.2.3 applies RELRO in its dynamic linker only: a static PIE
 * relocates itself (rcrt1.c) and goes on to main with its GNU_RELRO
 * pages writable, its GOT and function pointer tables among them.
 * Rounded as ld.so rounds: the first page whole, the last partial page
 * left writable (the data after it shares it).
 */
static int
protect_program(struct dl_phdr_info *info, size_t size, void *failed)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start, end;
	const ElfW(Phdr) *ph;
	ElfW(Half) i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_GNU_RELRO)
			continue;
		start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) &
		    ~(page - 1);
		if (end <= start)
			continue;
		/* the headers give addresses as integers: one must be cast */
		/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
		if (mprotect((void *)start, end - start, PROT_READ) == -1)
			*(int *)failed = errno;
	}
	/* the first object is the program */
	return 1;
}

int
relro_protect(void)
{
	int failed = 0;

	(void)dl_iterate_phdr(protect_program, &failed);
	if (failed != 0) {
		errno = failed;
		return -1;
	}
	return 0;
}
