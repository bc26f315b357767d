#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* Runs q with a buffer grown until the answer fits. */
static int
query(struct hostinfo *hi, const struct hostquery *q)
{
	struct hostent *result;
	char *buf;
	int herr, rc;

	hi->buf = NULL;
	for (hi->size = 1024;; hi->size *= 2) {
		if ((buf = realloc(hi->buf, hi->size)) == NULL)
			return NETDB_INTERNAL;	/* errno is ENOMEM */
		hi->buf = buf;
		rc = query_once(hi, q, &result, &herr);
		if (rc != ERANGE || hi->size >= 1 << 24)
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

void
hostinfo_free(struct hostinfo *hi)
{
	free(hi->buf);
	hi->buf = NULL;
}

static const char *
address_string(const struct hostinfo *hi, int i, char *buf, size_t size)
{
	return inet_ntop(hi->he.h_addrtype, hi->he.h_addr_list[i], buf,
	    (socklen_t)size);
}

void
hostinfo_print_text(FILE *f, const struct hostinfo *hi)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	fprintf(f, "name %s\n", hi->he.h_name);
	for (i = 0; hi->he.h_aliases[i] != NULL; i++)
		fprintf(f, "alias %s\n", hi->he.h_aliases[i]);
	for (i = 0; hi->he.h_addr_list[i] != NULL; i++)
		fprintf(f, "address %s\n",
		    address_string(hi, i, buf, sizeof(buf)));
}

void
hostinfo_print_json(FILE *f, const struct hostinfo *hi)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	putc('{', f);
	json_key(f, "name", 1);
	json_string(f, hi->he.h_name);
	json_key(f, "aliases", 0);
	json_string_array(f, hi->he.h_aliases, -1);
	json_key(f, "addresses", 0);
	putc('[', f);
	for (i = 0; hi->he.h_addr_list[i] != NULL; i++) {
		if (i > 0)
			putc(',', f);
		json_string(f, address_string(hi, i, buf, sizeof(buf)));
	}
	fputs("]}\n", f);
}
