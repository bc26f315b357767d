/*
 * Pure core.  JSON Lines output.  Strings are written as UTF-8; a byte
 * that is not part of valid UTF-8 becomes U+FFFD, so every line parses.
 */
#ifndef SOCKUTILS_JSON_H
#define SOCKUTILS_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "address.h"

/* s as a JSON string, quoted and escaped. */
void	json_string(FILE *f, const char *s);

/* The same for len bytes that may hold NULs. */
void	json_bytes(FILE *f, const unsigned char *s, size_t len);

/* "key": as the first (first != 0) or a following member of an object. */
void	json_key(FILE *f, const char *key, int first);

/*
 * The members that name e, as the first (first != 0) or following ones:
 * "host" and "port", or "path" (null for an unnamed Unix socket).
 */
void	json_endpoint(FILE *f, const struct endpoint *e, int first);

/*
 * The members that name the sender or peer sa of len bytes, as the
 * first (first != 0) or following ones: "address" (numeric) and
 * "port", or for a Unix socket "path" (json_endpoint's).
 */
void	json_sockaddr(FILE *f, const struct sockaddr *sa, socklen_t len,
	    int first);

/* A JSON array of the n strings in v (n < 0: v ends with NULL). */
void	json_string_array(FILE *f, char *const *v, long n);

/* Length of the valid UTF-8 sequence at s, or 0 if s[0] starts none. */
size_t	utf8_sequence_len(const unsigned char *s, size_t avail);

#endif
