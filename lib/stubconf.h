/*
 * Pure core, returns -1 and errno, prints nothing.  Whether lib/stub.c
 * may ask the DNS itself for glibc's getaddrinfo, and where: when the
 * hosts are looked up in the hosts file and then the DNS and nowhere
 * else (nsswitch.conf's "hosts: files dns"), with nameservers given by
 * address and no search list (resolv.conf, the environment, a host
 * name with a domain), the answers are the DNS's alone for every name
 * that is not in the hosts file.  Anything else, and every name in the
 * hosts file, stays getaddrinfo's.
 */
#ifndef SOCKUTILS_STUBCONF_H
#define SOCKUTILS_STUBCONF_H

#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "parse.h"

/*
 * Whether the stub may stand in for the C library's getaddrinfo: glibc's
 * only.  musl's has no nsswitch.conf, asks every nameserver at once and
 * sorts otherwise; its lookups stay its own (on lib/pool.c's threads).
 */
#ifdef __GLIBC__
#define STUB_FOR_LIBC	true
#else
#define STUB_FOR_LIBC	false
#endif

/* glibc's MAXNS: the nameservers it asks */
#define STUB_SERVERS_MAX	3

struct stub_conf {
	struct sockaddr_storage	 server[STUB_SERVERS_MAX];
	socklen_t		 server_len[STUB_SERVERS_MAX];
	int			 servers;
	int			 timeout_s;	/* options timeout:, attempts: */
	int			 attempts;
	char			**hosts;	/* the hosts file's names, in
						   lower case, sorted */
	size_t			 nhosts;
	struct in6_addr		*host_addrs;	/* its addresses, IPv4 ones
						   mapped, sorted */
	size_t			 naddrs;
};

/* Whether nsswitch.conf (f) says "hosts: files dns", and only that. */
bool	stub_nsswitch_plain(FILE *f);

/*
 * Reads resolv.conf (f) into c: 0, or -1 (errno 0) if it asks for what
 * the stub does not do (a search list, sortlist, options other than
 * ndots, timeout and attempts, attempts:0) or names no nameserver it
 * can read.
 */
int	stub_resolv_read(FILE *f, struct stub_conf *c);

/*
 * Reads the hosts file's names and addresses (f) into c: 0, or -1 with
 * errno.
 */
int	stub_hosts_read(FILE *f, struct stub_conf *c);

/* Whether name (or it without a last dot) is in c's hosts file. */
bool	stub_in_hosts(const struct stub_conf *c, const char *name);

/* Whether ip, or it in the other family's form, is in c's hosts file. */
bool	stub_address_in_hosts(const struct stub_conf *c,
	    const struct ip_address *ip);

/*
 * Whether glibc's gethostbyaddr asks the DNS for ip's own reverse name:
 * not for :: (it asks nothing), nor an IPv4-mapped or -compatible
 * address (it asks for the IPv4 address's).
 */
bool	stub_address_plain(const struct ip_address *ip);

/*
 * The system's configuration (/etc/nsswitch.conf, /etc/resolv.conf,
 * /etc/hosts, the environment, the host name) into c: 0 if the stub may
 * answer, -1 if not.
 */
int	stub_conf_load(struct stub_conf *c);

void	stub_conf_free(struct stub_conf *c);

#endif
