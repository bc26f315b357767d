#include <err.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "hostname.h"

/* Linux names are at most 64 bytes (HOST_NAME_MAX). */
#define NAME_SIZE	(HOST_NAME_MAX + 1)

/* gethostname into name; returns 0 or EX_OSERR, reported. */
static int
get_name(char name[NAME_SIZE])
{
	if (gethostname(name, NAME_SIZE) == -1) {
		warn("gethostname");
		return EX_OSERR;
	}
	name[NAME_SIZE - 1] = '\0';	/* POSIX allows a cut name unended */
	return EX_OK;
}

/*
 * gethostname, then getaddrinfo asked as Debian asks it (any family,
 * datagram sockets, AI_CANONNAME), so that the canonical name and the
 * order of the addresses are the same.  Nothing more: no IDNA and no
 * deduplication, which Debian does not do either.  Returns 0, or the
 * status of the failure, reported as "NAME: why".
 */
static int
lookup_self(char name[NAME_SIZE], struct addrinfo **res)
{
	struct addrinfo hints;
	int rc, status;

	if ((status = get_name(name)) != EX_OK)
		return status;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_CANONNAME;
	if ((rc = getaddrinfo(name, NULL, &hints, res)) == 0)
		return EX_OK;
	status = ex_gai(rc);
	warnx("%s: %s", name, gai_error_string(rc, errno));
	return status;
}

/* glibc always sets it with AI_CANONNAME; the name as asked otherwise. */
static const char *
canonical_name(const struct addrinfo *res, const char *name)
{
	return res->ai_canonname != NULL ? res->ai_canonname : name;
}

int
hostname_show(FILE *f)
{
	char name[NAME_SIZE];
	int status;

	if ((status = get_name(name)) == EX_OK)
		fprintf(f, "%s\n", name);
	return status;
}

int
hostname_show_short(FILE *f)
{
	char name[NAME_SIZE];
	int status;

	if ((status = get_name(name)) == EX_OK)
		fprintf(f, "%.*s\n", (int)strcspn(name, "."), name);
	return status;
}

int
hostname_show_fqdn(FILE *f)
{
	char name[NAME_SIZE];
	struct addrinfo *res;
	int status;

	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	fprintf(f, "%s\n", canonical_name(res, name));
	freeaddrinfo(res);
	return EX_OK;
}

int
hostname_show_domain(FILE *f)
{
	char name[NAME_SIZE];
	struct addrinfo *res;
	const char *dot;
	int status;

	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	/* no dot, no domain: Debian prints nothing, not even a newline */
	if ((dot = strchr(canonical_name(res, name), '.')) != NULL)
		fprintf(f, "%s\n", dot + 1);
	freeaddrinfo(res);
	return EX_OK;
}

int
hostname_show_addresses(FILE *f)
{
	char name[NAME_SIZE], buf[ADDRSTR_MAX];
	struct addrinfo *res, *ai;
	int status;

	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		fprintf(f, "%s%s", ai == res ? "" : " ",
		    sockaddr_host(ai->ai_addr, buf));
	putc('\n', f);
	freeaddrinfo(res);
	return EX_OK;
}

int
hostname_show_aliases(FILE *f)
{
	char name[NAME_SIZE];
	struct addrinfo *res;
	struct hostinfo hi;
	int herr, status, i;

	/* Debian asks getaddrinfo first and fails as it does */
	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	freeaddrinfo(res);
	/* gethostbyname is gethostbyname2 for IPv4 */
	if ((herr = hostinfo_byname(&hi, name, AF_INET)) != 0) {
		status = ex_herrno(herr);
		warnx("%s: %s", name, herror_string(herr));
		hostinfo_free(&hi);
		return status;
	}
	for (i = 0; hi.he.h_aliases[i] != NULL; i++)
		fprintf(f, "%s%s", i > 0 ? " " : "", hi.he.h_aliases[i]);
	putc('\n', f);
	hostinfo_free(&hi);
	return EX_OK;
}

/* The interface addresses -I and -A show (see hostname.h). */
static bool
shown_address(const struct ifaddrs *ifa)
{
	const struct sockaddr_in6 *sin6;

	if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_LOOPBACK) ||
	    !(ifa->ifa_flags & IFF_UP))
		return false;
	if (ifa->ifa_addr->sa_family == AF_INET)
		return true;
	if (ifa->ifa_addr->sa_family != AF_INET6)
		return false;
	sin6 = (const struct sockaddr_in6 *)(const void *)ifa->ifa_addr;
	return !IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) &&
	    !IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr);
}

/*
 * Prints getnameinfo(flags) of each shown interface address followed by
 * a space, then a newline, as Debian does.  An address without a name
 * is skipped, as Debian skips it.  Debian skips the other failures of
 * -A too, but a name server that failed may hide a name, so those are
 * reported (and skipped); the first sets the status.
 */
static int
show_interfaces(FILE *f, int flags)
{
	struct ifaddrs *ifas, *ifa;
	char host[NI_MAXHOST], addr[ADDRSTR_MAX];
	const char *why;
	int rc, status = EX_OK;

	if (getifaddrs(&ifas) == -1) {
		status = ex_errno(errno, EX_OSERR);
		warn("getifaddrs");
		return status;
	}
	for (ifa = ifas; ifa != NULL; ifa = ifa->ifa_next) {
		if (!shown_address(ifa))
			continue;
		rc = getnameinfo(ifa->ifa_addr, sockaddr_len(ifa->ifa_addr),
		    host, sizeof(host), NULL, 0, flags);
		if (rc == 0)
			fprintf(f, "%s ", host);
		else if (rc != EAI_NONAME) {
			status = ex_first(status, ex_gai(rc));
			why = gai_error_string(rc, errno);	/* before errno changes */
			warnx("%s: %s", sockaddr_host(ifa->ifa_addr, addr), why);
		}
	}
	putc('\n', f);
	freeifaddrs(ifas);
	return status;
}

int
hostname_show_interface_addresses(FILE *f)
{
	return show_interfaces(f, NI_NUMERICHOST);
}

int
hostname_show_interface_names(FILE *f)
{
	return show_interfaces(f, NI_NAMEREQD);
}
