/* Pure core.  The process's limit on open descriptors. */
#ifndef SOCKUTILS_FDLIMIT_H
#define SOCKUTILS_FDLIMIT_H

#include <stddef.h>

/*
 * Raises the soft limit on descriptors to the hard one, as Go's runtime
 * does: targets queue for descriptors, and more of them let more be
 * checked at once than a typical 1024.  Best effort: the limit stays as
 * it was if it cannot be raised.
 */
void	raise_descriptor_limit(void);

/*
 * How many descriptors the soft limit allows, less reserve (at least 1;
 * SIZE_MAX without a limit).  Those already open are not counted: a
 * caller learns of them when socket(2) fails with EMFILE.
 */
size_t	descriptor_budget(size_t reserve);

#endif
