#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "connlog.h"
#include "encode.h"
#include "json.h"

void
peer_set(struct peer *p, const struct sockaddr_storage *addr,
    socklen_t len)
{
	memcpy(&p->addr, addr, sizeof(p->addr));
	p->len = len;
	sockaddr_endpoint((const struct sockaddr *)addr, len, p->name);
}

/*
 * {"event":EVENT, then the peer: "address" and "port", or "path" for
 * a Unix one; without an event, the start of a data object.
 */
static void
json_peer(FILE *f, const char *event, const struct peer *p)
{
	const struct sockaddr *sa = (const struct sockaddr *)&p->addr;
	char host[ADDRSTR_MAX];

	putc('{', f);
	if (event != NULL) {
		json_key(f, "event", 1);
		json_string(f, event);
	}
	if (sa->sa_family == AF_UNIX) {
		json_key(f, "path", event == NULL);
		json_string(f, p->name);
		return;
	}
	json_key(f, "address", event == NULL);
	json_string(f, sockaddr_host(sa, host));
	json_key(f, "port", 0);
	fprintf(f, "%u", sockaddr_port(sa));
}

void
connlog_open(FILE *json, bool verbose, const struct peer *p)
{
	if (verbose)
		warnx("connection from %s", p->name);
	if (json == NULL)
		return;
	json_peer(json, "open", p);
	fputs("}\n", json);
}

void
connlog_close(FILE *json, bool verbose, const struct peer *p,
    unsigned long long received, unsigned long long sent)
{
	if (verbose)
		warnx("%s closed: %llu bytes received, %llu sent", p->name,
		    received, sent);
	if (json == NULL)
		return;
	json_peer(json, "close", p);
	json_key(json, "received", 0);
	fprintf(json, "%llu", received);
	json_key(json, "sent", 0);
	fprintf(json, "%llu}\n", sent);
}

void
connlog_data(FILE *json, const struct peer *p, const unsigned char *buf,
    size_t len)
{
	json_peer(json, NULL, p);
	json_key(json, "length", 0);
	fprintf(json, "%zu", len);
	if (utf8_valid(buf, len)) {
		json_key(json, "data", 0);
		json_bytes(json, buf, len);
	} else {
		json_key(json, "base64", 0);
		json_base64(json, buf, len);
	}
	fputs("}\n", json);
}
