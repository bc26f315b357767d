/*
 * Pure core.  RELRO for a program that relocated itself (a static PIE).
 */
#ifndef SOCKUTILS_RELRO_H
#define SOCKUTILS_RELRO_H

/*
 * Makes the program's GNU_RELRO pages read-only, as a dynamic linker
 * does after relocating; again on pages it already did is no harm.
 * Returns 0, or -1 with errno set (mprotect's).
 */
int	relro_protect(void);

#endif
