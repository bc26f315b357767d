#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "connlog.h"
#include "encode.h"
#include "json.h"
#include "timing.h"
#include "tlsreport.h"

void
peer_set(struct peer *p, int fd, const struct sockaddr_storage *addr,
    socklen_t len, unsigned long long number)
{
	size_t n;

	memcpy(&p->addr, addr, sizeof(p->addr));
	p->len = len;
	sockaddr_endpoint((const struct sockaddr *)addr, len, p->name);
	/* a TCP peer has none: no call to learn so, per connection */
	if (addr->ss_family == AF_UNIX)
		peer_credentials(fd, p->cred, sizeof(p->cred));
	else
		p->cred[0] = '\0';
	p->number = addr->ss_family == AF_UNIX ? number : PEER_UNNUMBERED;
	p->target[0] = '\0';
	p->opened_ms = now_ms();
	p->tls = NULL;
	n = strlen(p->name);
	if (p->number != PEER_UNNUMBERED)
		(void)snprintf(p->name + n, sizeof(p->name) - n, " #%llu",
		    p->number);
}

/*
 * {"event":EVENT, then the peer: "address" and "port", or "path" for
 * a Unix one (null if unnamed); without an event, the start of a data
 * object.
 */
static void
json_peer(FILE *f, const char *event, const struct peer *p)
{
	putc('{', f);
	if (event != NULL) {
		json_key(f, "event", 1);
		json_string(f, event);
	}
	json_sockaddr(f, (const struct sockaddr *)&p->addr, p->len,
	    event == NULL);
	if (p->number != PEER_UNNUMBERED) {
		json_key(f, "connection", 0);
		fprintf(f, "%llu", p->number);
	}
}

void
connlog_open(FILE *json, bool verbose, const struct peer *p)
{
	if (verbose && p->target[0] != '\0')
		warnx("connection from %s%s to %s", p->name, p->cred,
		    p->target);
	else if (verbose)
		warnx("connection from %s%s", p->name, p->cred);
	if (json == NULL)
		return;
	json_peer(json, "open", p);
	if (p->target[0] != '\0') {
		json_key(json, "target", 0);
		json_string(json, p->target);
	}
	if (p->tls != NULL)
		json_tls(json, p->tls);
	fputs("}\n", json);
}

void
connlog_close(FILE *json, bool verbose, const struct peer *p,
    unsigned long long received, unsigned long long sent, const char *end)
{
	char took[DURATION_STR_MAX];
	long long ms = now_ms() - p->opened_ms;

	if (verbose && p->target[0] != '\0')
		warnx("%s closed: %llu bytes received, %llu sent, in %s, %s",
		    p->name, received, sent, format_duration(ms, took), end);
	else if (verbose)
		warnx("%s closed: %llu bytes received, %llu sent", p->name,
		    received, sent);
	if (json == NULL)
		return;
	json_peer(json, "close", p);
	json_key(json, "received", 0);
	fprintf(json, "%llu", received);
	json_key(json, "sent", 0);
	fprintf(json, "%llu", sent);
	if (p->target[0] != '\0') {
		json_key(json, "target", 0);
		json_string(json, p->target);
		json_key(json, "ms", 0);
		fprintf(json, "%lld", ms);
		json_key(json, "end", 0);
		json_string(json, end);
	}
	fputs("}\n", json);
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
