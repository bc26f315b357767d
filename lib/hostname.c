#include <err.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "address.h"
#include "exitcode.h"
#include "hostinfo.h"
#include "hostname.h"
#include "selfname.h"

/* gethostname into name; returns 0 or EX_OSERR, reported. */
static int
get_name(char name[SELFNAME_SIZE])
{
	if (selfname_get(name) == -1) {
		warn("gethostname");
		return EX_OSERR;
	}
	return EX_OK;
}

/*
 * The host's name and its addresses as Debian asks for them
 * (selfname_lookup).  Returns 0, or the status of the failure, reported
 * as "NAME: why".
 */
static int
lookup_self(char name[SELFNAME_SIZE], struct addrinfo **res)
{
	int rc, status;

	if ((status = get_name(name)) != EX_OK)
		return status;
	if ((rc = selfname_lookup(name, res)) == 0)
		return EX_OK;
	status = ex_gai(rc, errno);
	warnx("%s: %s", name, gai_error_string(rc, errno));
	return status;
}

int
hostname_show(FILE *f)
{
	char name[SELFNAME_SIZE];
	int status;

	if ((status = get_name(name)) == EX_OK)
		fprintf(f, "%s\n", name);
	return status;
}

int
hostname_show_short(FILE *f)
{
	char name[SELFNAME_SIZE];
	int status;

	if ((status = get_name(name)) == EX_OK)
		fprintf(f, "%.*s\n", (int)strcspn(name, "."), name);
	return status;
}

int
hostname_show_fqdn(FILE *f)
{
	char name[SELFNAME_SIZE];
	struct addrinfo *res;
	int status;

	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	fprintf(f, "%s\n", selfname_canonical(res, name));
	freeaddrinfo(res);
	return EX_OK;
}

int
hostname_show_domain(FILE *f)
{
	char name[SELFNAME_SIZE];
	struct addrinfo *res;
	const char *dot;
	int status;

	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	/* no dot, no domain: Debian prints nothing, not even a newline */
	if ((dot = strchr(selfname_canonical(res, name), '.')) != NULL)
		fprintf(f, "%s\n", dot + 1);
	freeaddrinfo(res);
	return EX_OK;
}

int
hostname_show_addresses(FILE *f)
{
	char name[SELFNAME_SIZE], buf[ADDRSTR_MAX];
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
	char name[SELFNAME_SIZE];
	struct addrinfo *res;
	struct hostinfo hi;
	int herr, status, i;

	/* Debian asks getaddrinfo first and fails as it does */
	if ((status = lookup_self(name, &res)) != EX_OK)
		return status;
	freeaddrinfo(res);
	/* gethostbyname is gethostbyname2 for IPv4 */
	if ((herr = hostinfo_byname(&hi, name, AF_INET)) != 0) {
		status = ex_herrno(herr, errno);
		warnx("%s: %s", name, herror_string(herr, errno));
		hostinfo_free(&hi);
		return status;
	}
	for (i = 0; hi.he.h_aliases[i] != NULL; i++)
		fprintf(f, "%s%s", i > 0 ? " " : "", hi.he.h_aliases[i]);
	putc('\n', f);
	hostinfo_free(&hi);
	return EX_OK;
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
		if (!selfname_interface_shown(ifa))
			continue;
		rc = getnameinfo(ifa->ifa_addr, sockaddr_len(ifa->ifa_addr),
		    host, sizeof(host), NULL, 0, flags);
		if (rc == 0)
			fprintf(f, "%s ", host);
		else if (rc != EAI_NONAME) {
			status = ex_first(status, ex_gai(rc, errno));
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
