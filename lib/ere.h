/*
 * Pure core.  --expect's regular expressions: POSIX extended syntax
 * (regex(7)) matched against bytes, the same in every build.  The C
 * libraries' regex differs between glibc and musl (whose TRE, with the
 * Unicode tables it pulls in, was 28 KiB of the static file), reads a
 * line only up to a NUL, and may take exponential time; --expect only
 * asks whether a line has a match, which a Thompson NFA answers in time
 * linear in the line, and a reply's NULs are bytes like any other.
 *
 * The syntax: a literal byte, ".", "[...]" (ranges, "[:class:]" in
 * ASCII, "[=c=]" and "[.c.]" of one byte, "^" to negate), "^" and "$",
 * groups "(...)", "|", and "*", "+", "?", "{m}", "{m,}", "{m,n}" with
 * counts up to ERE_DUP_MAX.  "\" makes a special character literal;
 * "\d", "\w", "\s" (and "\D", "\W", "\S": their complements) are the
 * digits, word bytes ([[:alnum:]_]) and white space; "\b", "\B", "\<"
 * and "\>" are a word's edge, not one, its start and its end.  "\"
 * before another letter or a digit is an error (back references are
 * not extended syntax).  A "{" not followed by a digit, and a ")" that
 * closes no group, are literal: '{"ok":true}' needs no backslash.
 */
#ifndef SOCKUTILS_ERE_H
#define SOCKUTILS_ERE_H

#include <stdbool.h>
#include <stddef.h>

#define ERE_DUP_MAX	255		/* the largest count in {m,n} */
#define ERE_WHY_MAX	64		/* room for an error in words */

struct ere;

/*
 * Compiles pattern.  Returns the expression, or NULL with why set to
 * the reason and errno to EINVAL ("unmatched (" and the like) or ENOMEM.
 */
struct ere	*ere_compile(const char *pattern, char why[ERE_WHY_MAX]);

/*
 * Whether the len bytes at s have a match.  Uses re's work space: one
 * call at a time on one expression.
 */
bool	ere_match(struct ere *re, const char *s, size_t len);

void	ere_free(struct ere *re);

#endif
