/* Pure core.  The process's limit on open descriptors. */
#ifndef SOCKUTILS_FDLIMIT_H
#define SOCKUTILS_FDLIMIT_H

/*
 * Raises the soft limit on descriptors to the hard one, as Go's runtime
 * does: a tool that holds one for each of many targets would otherwise
 * fail most of a long list with "Too many open files" at a typical 1024.
 * Best effort: the limit stays as it was if it cannot be raised.
 */
void	raise_descriptor_limit(void);

#endif
