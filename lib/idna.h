/*
 * Pure core.  Internationalized host names: the IDNA ("xn--") form of a
 * UTF-8 name, for the lookups (gethostbyname_r) that do not make it
 * themselves.
 */
#ifndef SOCKUTILS_IDNA_H
#define SOCKUTILS_IDNA_H

#include <stdbool.h>

/* Whether name has a byte outside ASCII, and so may have an IDNA form. */
bool	idna_applies(const char *name);

/*
 * The IDNA form of the UTF-8 name, as Python's "idna" codec makes it
 * (UTS 46 transitional processing, compatible with IDNA 2003): through
 * libidn2, loaded on first use as glibc loads it, so that a tool that
 * never meets such a name never pays for it.  Returns a string to
 * free, or NULL when libidn2 is missing or name is no valid IDN.
 */
char	*idna_to_ascii(const char *name);

/*
 * check_hostname (parse.h) for a name to look up: an internationalized
 * name also passes when its IDNA form does, since the limits are on the
 * bytes DNS carries, not on its UTF-8.  Returns 0, or -1 with *errstr
 * set from the name as written.
 */
int	idna_check_hostname(const char *name, const char **errstr);

#endif
