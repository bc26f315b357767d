/*
 * Internationalized host names: the IDNA ("xn--") form of a UTF-8 name,
 * for the lookups (gethostbyname_r) that do not make it themselves.
 */
#ifndef SOCKUTILS_IDNA_H
#define SOCKUTILS_IDNA_H

#include <stdbool.h>

/* Whether name has a byte outside ASCII, and so may have an IDNA form. */
bool	idna_applies(const char *name);

/*
 * The IDNA form of the UTF-8 name, as glibc's AI_IDN makes it: through
 * libidn2, loaded on first use as glibc loads it, so that a tool that
 * never meets such a name never pays for it.  Returns a string to
 * free, or NULL when libidn2 is missing or name is no valid IDN.
 */
char	*idna_to_ascii(const char *name);

#endif
