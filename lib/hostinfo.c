#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "idna.h"
#include "json.h"

struct hostquery {
	const char		*name;	/* by name, or */
	const struct ip_address	*ip;	/* by address */
	int			 family;
};

static int
query_once(struct hostinfo *hi, const struct hostquery *q,
    struct hostent **result, int *herr)
{
	if (q->name != NULL)
		return gethostbyname2_r(q->name, q->family, &hi->he, hi->buf,
		    hi->size, result, herr);
	return gethostbyaddr_r(&q->ip->u, ip_address_len(q->ip), q->family,
	    &hi->he, hi->buf, hi->size, result, herr);
}

/*
 * Drops from the aliases the canonical name itself, which musl lists
 * there and glibc and Python never do: an alias is another name.
 */
static void
drop_canonical_alias(struct hostent *he)
{
	char **from, **to;

	for (from = to = he->h_aliases; *from != NULL; from++)
		if (strcmp(*from, he->h_name) != 0)
			*to++ = *from;
	*to = NULL;
}

/*
 * Is the name of an address lookup that address written out?  musl's
 * gethostbyaddr answers so for an address without a name (its
 * getnameinfo falls back to the numeric form), where glibc says
 * HOST_NOT_FOUND; no PTR record can hold it, as a host name never
 * parses as an address.
 */
static int
name_is_the_address(const struct hostent *he, const struct ip_address *ip)
{
	char buf[INET6_ADDRSTRLEN];

	return inet_ntop(ip->family, &ip->u, buf, sizeof(buf)) != NULL &&
	    strcmp(he->h_name, buf) == 0;
}

/*
 * The gethostby*_r buffer: a hosts file line or DNS answer of a few
 * names and addresses fits the first size; it doubles on ERANGE up to a
 * size no real answer needs (a DNS message is at most 64 KiB), so that
 * a broken resolver cannot grow it for ever.
 */
#define HOSTENT_BUF_FIRST	1024
#define HOSTENT_BUF_MAX		(1 << 24)

/* Runs q with a buffer grown until the answer fits. */
static int
query(struct hostinfo *hi, const struct hostquery *q)
{
	struct hostent *result;
	char *buf;
	int herr, rc;

	hi->buf = NULL;
	for (hi->size = HOSTENT_BUF_FIRST;; hi->size *= 2) {
		if ((buf = realloc(hi->buf, hi->size)) == NULL)
			return NETDB_INTERNAL;	/* errno is ENOMEM */
		hi->buf = buf;
		rc = query_once(hi, q, &result, &herr);
		if (rc != ERANGE || hi->size >= HOSTENT_BUF_MAX)
			break;
	}
	if (result != NULL) {
		if (q->ip != NULL && name_is_the_address(&hi->he, q->ip))
			return HOST_NOT_FOUND;
		drop_canonical_alias(&hi->he);
		return 0;
	}
	/* the return value is an errno only when h_errno says so */
	if (herr == NETDB_INTERNAL)
		errno = rc;
	return herr;
}

int
hostinfo_byname(struct hostinfo *hi, const char *name, int family)
{
	struct hostquery q = { .name = name, .family = family };
	char *ascii;
	int herr, idn_herr;

	herr = query(hi, &q);
	/* as resolve_host: a name not found as written, in its IDNA form */
	if ((herr == HOST_NOT_FOUND || herr == NO_DATA) && idna_applies(name) &&
	    (ascii = idna_to_ascii(name)) != NULL) {
		hostinfo_free(hi);
		q.name = ascii;
		idn_herr = query(hi, &q);
		free(ascii);
		if (idn_herr != HOST_NOT_FOUND)
			herr = idn_herr;
	}
	return herr;
}

int
hostinfo_byaddr(struct hostinfo *hi, const struct ip_address *ip)
{
	struct hostquery q = { .ip = ip, .family = ip->family };

	return query(hi, &q);
}

int
hostinfo_named(struct hostinfo *hi, const char *name,
    const struct ip_address *ip)
{
	/* the address list, its end, the aliases' end; the address; the name */
	char **ptrs;
	size_t len = strlen(name) + 1, addr_len = ip_address_len(ip);

	hi->size = 3 * sizeof(*ptrs) + sizeof(ip->u) + len;
	if ((hi->buf = malloc(hi->size)) == NULL)
		return NETDB_INTERNAL;	/* errno is ENOMEM */
	ptrs = (char **)(void *)hi->buf;
	ptrs[0] = hi->buf + 3 * sizeof(*ptrs);
	ptrs[1] = ptrs[2] = NULL;
	memcpy(ptrs[0], &ip->u, addr_len);
	hi->he.h_name = ptrs[0] + sizeof(ip->u);
	memcpy(hi->he.h_name, name, len);
	hi->he.h_aliases = &ptrs[2];
	hi->he.h_addrtype = ip->family;
	hi->he.h_length = (int)addr_len;
	hi->he.h_addr_list = ptrs;
	/* as query() judges the C library's answer */
	return name_is_the_address(&hi->he, ip) ? HOST_NOT_FOUND : 0;
}

void
hostinfo_free(struct hostinfo *hi)
{
	free(hi->buf);
	hi->buf = NULL;
}

/* Where the addresses to print are: hi's, or res's when not NULL. */
struct addresses {
	const struct hostinfo	*hi;
	int			 i;
	const struct addrinfo	*res, *ai;
};

/* Whether ai's address is one of those of res before it. */
static bool
seen_before(const struct addrinfo *res, const struct addrinfo *ai)
{
	char a[ADDRSTR_MAX], b[ADDRSTR_MAX];

	sockaddr_host(ai->ai_addr, a);
	for (; res != ai; res = res->ai_next)
		if (strcmp(sockaddr_host(res->ai_addr, b), a) == 0)
			return true;
	return false;
}

/* The next address of a as text in buf, or NULL after the last. */
static const char *
next_address(struct addresses *a, char buf[ADDRSTR_MAX])
{
	const struct hostent *he = &a->hi->he;

	if (a->res == NULL) {
		if (he->h_addr_list[a->i] == NULL)
			return NULL;
		return inet_ntop(he->h_addrtype, he->h_addr_list[a->i++], buf,
		    ADDRSTR_MAX);
	}
	while (a->ai != NULL && seen_before(a->res, a->ai))
		a->ai = a->ai->ai_next;
	if (a->ai == NULL)
		return NULL;
	sockaddr_host(a->ai->ai_addr, buf);
	a->ai = a->ai->ai_next;
	return buf;
}

void
hostinfo_print_text(FILE *f, const struct hostinfo *hi,
    const struct addrinfo *res)
{
	struct addresses a = { .hi = hi, .res = res, .ai = res };
	char buf[ADDRSTR_MAX];
	const char *addr;
	int i;

	fprintf(f, "name %s\n", hi->he.h_name);
	for (i = 0; hi->he.h_aliases[i] != NULL; i++)
		fprintf(f, "alias %s\n", hi->he.h_aliases[i]);
	while ((addr = next_address(&a, buf)) != NULL)
		fprintf(f, "address %s\n", addr);
}

void
hostinfo_print_json(FILE *f, const struct hostinfo *hi,
    const struct addrinfo *res)
{
	struct addresses a = { .hi = hi, .res = res, .ai = res };
	char buf[ADDRSTR_MAX];
	const char *addr;
	bool first = true;

	putc('{', f);
	json_key(f, "name", 1);
	json_string(f, hi->he.h_name);
	json_key(f, "aliases", 0);
	json_string_array(f, hi->he.h_aliases, -1);
	json_key(f, "addresses", 0);
	putc('[', f);
	while ((addr = next_address(&a, buf)) != NULL) {
		if (!first)
			putc(',', f);
		json_string(f, addr);
		first = false;
	}
	fputs("]}\n", f);
}
