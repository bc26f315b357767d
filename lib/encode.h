/*
 * Pure core.  Payloads as text: whether bytes are UTF-8, and base64 for
 * those that are not, so that JSON output carries any bytes exactly.
 */
#ifndef SOCKUTILS_ENCODE_H
#define SOCKUTILS_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether the len bytes of s are all valid UTF-8 (NULs included). */
bool	utf8_valid(const unsigned char *s, size_t len);

/* The len bytes of s in base64 (RFC 4648, "=" padded), as a JSON string. */
void	json_base64(FILE *f, const unsigned char *s, size_t len);

#endif
