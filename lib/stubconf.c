#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stubconf.h"

#define WORDS	" \t\r\n"
/* glibc's bounds on resolv.conf's options (RES_MAXRETRANS, RES_MAXRETRY) */
#define TIMEOUT_MAX_S	30
#define ATTEMPTS_MAX	5
#define TIMEOUT_S	5	/* RES_TIMEOUT */
#define ATTEMPTS	2	/* RES_DFLRETRY */

/* line, its comment cut off at the first of marks */
static void
cut_comment(char *line, const char *marks)
{
	line[strcspn(line, marks)] = '\0';
}

bool
stub_nsswitch_plain(FILE *f)
{
	char *line = NULL, *word, *save;
	size_t cap = 0;
	bool plain = false;

	while (getline(&line, &cap, f) != -1) {
		cut_comment(line, "#");
		if (strncmp(line, "hosts:", 6) != 0)
			continue;
		/* the last hosts line stands, as in glibc */
		word = strtok_r(line + 6, WORDS, &save);
		plain = word != NULL && strcmp(word, "files") == 0 &&
		    (word = strtok_r(NULL, WORDS, &save)) != NULL &&
		    strcmp(word, "dns") == 0 &&
		    strtok_r(NULL, WORDS, &save) == NULL;
	}
	free(line);
	return plain;
}

/* Whether line starts with keyword and a blank, as glibc's MATCH. */
static bool
keyword(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncmp(line, word, n) == 0 &&
	    (line[n] == ' ' || line[n] == '\t');
}

/* "NAME:N" into *v, bounded by max; false if word is not NAME:. */
static bool
option_number(const char *word, const char *name, int max, int *v)
{
	size_t n = strlen(name);
	long l;

	if (strncmp(word, name, n) != 0)
		return false;
	/* as glibc reads it: the digits there are, else 0 */
	l = strtol(word + n, NULL, 10);
	*v = l < 0 ? 0 : l > max ? max : (int)l;
	return true;
}

/* The options line's words; false for one the stub does not do. */
static bool
options_read(char *words, struct stub_conf *c)
{
	char *word, *save;
	int ndots;

	for (word = strtok_r(words, WORDS, &save); word != NULL;
	    word = strtok_r(NULL, WORDS, &save))
		if (!option_number(word, "ndots:", 15, &ndots) &&
		    !option_number(word, "timeout:", TIMEOUT_MAX_S,
		    &c->timeout_s) &&
		    !option_number(word, "attempts:", ATTEMPTS_MAX,
		    &c->attempts))
			return false;
	return true;
}

/* A nameserver line's address into c; false if it cannot be read. */
static bool
server_read(char *words, struct stub_conf *c)
{
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	char *save, *addr = strtok_r(words, WORDS, &save);
	int i = c->servers;

	if (addr == NULL)
		return false;
	if (i == STUB_SERVERS_MAX)
		return true;
	memset(&c->server[i], 0, sizeof(c->server[i]));
	sin = (struct sockaddr_in *)&c->server[i];
	sin6 = (struct sockaddr_in6 *)&c->server[i];
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		c->server_len[i] = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		c->server_len[i] = sizeof(*sin6);
	} else
		return false;
	c->servers++;
	return true;
}

int
stub_resolv_read(FILE *f, struct stub_conf *c)
{
	char *line = NULL;
	size_t cap = 0;
	bool plain = true;

	c->servers = 0;
	c->timeout_s = TIMEOUT_S;
	c->attempts = ATTEMPTS;
	while (plain && getline(&line, &cap, f) != -1) {
		if (line[0] == ';' || line[0] == '#')
			continue;
		if (keyword(line, "nameserver"))
			plain = server_read(line + 10, c);
		else if (keyword(line, "options")) {
			cut_comment(line, ";#");
			plain = options_read(line + 7, c);
		} else if (keyword(line, "domain") || keyword(line, "search") ||
		    keyword(line, "sortlist"))
			plain = false;
	}
	free(line);
	/* glibc waits a second at least; it asks nothing with attempts:0 */
	if (c->timeout_s == 0)
		c->timeout_s = 1;
	if (!plain || c->servers == 0 || c->attempts == 0) {
		errno = 0;
		return -1;
	}
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds word, in lower case, to c's hosts names. */
static int
hosts_add(struct stub_conf *c, size_t *cap, const char *word)
{
	char **bigger, *copy, *p;

	if (c->nhosts == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		if ((bigger = reallocarray(c->hosts, *cap,
		    sizeof(*bigger))) == NULL)
			return -1;
		c->hosts = bigger;
	}
	if ((copy = strdup(word)) == NULL)
		return -1;
	for (p = copy; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	c->hosts[c->nhosts++] = copy;
	return 0;
}

/* ip as an IPv6 address: an IPv4 one mapped. */
static struct in6_addr
as_ipv6(const struct ip_address *ip)
{
	struct in6_addr a = { 0 };

	if (ip->family == AF_INET6)
		return ip->u.v6;
	a.s6_addr[10] = a.s6_addr[11] = 0xff;
	memcpy(&a.s6_addr[12], &ip->u.v4, 4);
	return a;
}

/*
 * Adds the address word to c's hosts addresses, as glibc reads it
 * (inet_pton, and inet_aton's forms for good measure: an address read
 * here that glibc does not read only keeps an address from the stub);
 * one that cannot be read is no address.
 */
static int
host_address_add(struct stub_conf *c, size_t *cap, const char *word)
{
	struct ip_address ip;
	struct in6_addr *bigger;

	if (inet_pton(AF_INET6, word, &ip.u.v6) == 1)
		ip.family = AF_INET6;
	else if (inet_aton(word, &ip.u.v4) != 0)
		ip.family = AF_INET;
	else
		return 0;
	if (c->naddrs == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		if ((bigger = reallocarray(c->host_addrs, *cap,
		    sizeof(*bigger))) == NULL)
			return -1;
		c->host_addrs = bigger;
	}
	c->host_addrs[c->naddrs++] = as_ipv6(&ip);
	return 0;
}

static int
address_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

int
stub_hosts_read(FILE *f, struct stub_conf *c)
{
	char *line = NULL, *word, *save;
	size_t cap = 0, names_room = 0, addrs_room = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) != -1) {
		cut_comment(line, "#");
		/* the address, then its names */
		if ((word = strtok_r(line, WORDS, &save)) == NULL)
			continue;
		rc = host_address_add(c, &addrs_room, word);
		while (rc == 0 && (word = strtok_r(NULL, WORDS, &save)) != NULL)
			rc = hosts_add(c, &names_room, word);
	}
	free(line);
	if (rc == 0 && c->nhosts > 0)
		qsort(c->hosts, c->nhosts, sizeof(*c->hosts), name_cmp);
	if (rc == 0 && c->naddrs > 0)
		qsort(c->host_addrs, c->naddrs, sizeof(*c->host_addrs),
		    address_cmp);
	return rc;
}

bool
stub_address_in_hosts(const struct stub_conf *c, const struct ip_address *ip)
{
	struct in6_addr a = as_ipv6(ip);

	return c->naddrs > 0 && bsearch(&a, c->host_addrs, c->naddrs,
	    sizeof(*c->host_addrs), address_cmp) != NULL;
}

bool
stub_address_plain(const struct ip_address *ip)
{
	static const unsigned char zeros[10];
	const unsigned char *b = ip->u.v6.s6_addr;

	/* ::/96 and ::ffff:0:0/96 (glibc's "tunnelled" and "mapped") */
	return ip->family == AF_INET || memcmp(b, zeros, sizeof(zeros)) != 0 ||
	    !((b[10] == 0 && b[11] == 0) || (b[10] == 0xff && b[11] == 0xff));
}

static bool
hosts_has(const struct stub_conf *c, const char *lower)
{
	return c->nhosts > 0 && bsearch(&lower, c->hosts, c->nhosts,
	    sizeof(*c->hosts), name_cmp) != NULL;
}

bool
stub_in_hosts(const struct stub_conf *c, const char *name)
{
	char lower[256];
	size_t i, len = strlen(name);

	if (len >= sizeof(lower))
		return false;
	for (i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (hosts_has(c, lower))
		return true;
	if (len > 0 && lower[len - 1] == '.') {
		lower[len - 1] = '\0';
		return hosts_has(c, lower);
	}
	return false;
}

/* Runs read on the file at path; false if it cannot be opened. */
static bool
with_file(const char *path, bool (*read)(FILE *, struct stub_conf *),
    struct stub_conf *c)
{
	FILE *f;
	bool ok;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	ok = read(f, c);
	(void)fclose(f);
	return ok;
}

static bool
read_nsswitch(FILE *f, struct stub_conf *c)
{
	(void)c;
	return stub_nsswitch_plain(f);
}

static bool
read_resolv(FILE *f, struct stub_conf *c)
{
	return stub_resolv_read(f, c) == 0;
}

static bool
read_hosts(FILE *f, struct stub_conf *c)
{
	return stub_hosts_read(f, c) == 0;
}

/*
 * Whether the environment and the host name leave glibc without a
 * search list and its lookups as resolv.conf says.
 */
static bool
environment_plain(void)
{
	char host[256];

	if (getenv("LOCALDOMAIN") != NULL || getenv("RES_OPTIONS") != NULL ||
	    getenv("HOSTALIASES") != NULL)
		return false;
	/* without domain or search, glibc searches the host name's domain */
	if (gethostname(host, sizeof(host)) == -1)
		return false;
	host[sizeof(host) - 1] = '\0';
	return strchr(host, '.') == NULL;
}

int
stub_conf_load(struct stub_conf *c)
{
	memset(c, 0, sizeof(*c));
	if (environment_plain() &&
	    with_file("/etc/nsswitch.conf", read_nsswitch, c) &&
	    with_file("/etc/resolv.conf", read_resolv, c) &&
	    with_file("/etc/hosts", read_hosts, c))
		return 0;
	stub_conf_free(c);
	return -1;
}

void
stub_conf_free(struct stub_conf *c)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		free(c->hosts[i]);
	free(c->hosts);
	c->hosts = NULL;
	c->nhosts = 0;
	free(c->host_addrs);
	c->host_addrs = NULL;
	c->naddrs = 0;
}
