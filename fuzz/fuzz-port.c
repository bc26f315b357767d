/*
 * parse_port, for both protocols, with and without port 0: what starts
 * with a digit is a number from 0 or 1 to 65535, as parse_number takes
 * it; anything else is a service name the services database knows.
 */
#include <arpa/inet.h>
#include <netdb.h>

#include "fuzz.h"
#include "parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const protos[] = { "tcp", "udp" };
	char *s = fuzz_string(data, size);
	const char *errstr, *numerr;
	struct servent *se;
	unsigned short port;
	long long n;
	int p, zero, rc;

	for (p = 0; p < 2; p++) {
		for (zero = 0; zero < 2; zero++) {
			errstr = NULL;
			rc = parse_port(s, protos[p], zero, &port, &errstr);
			FUZZ_CHECK(rc == 0 || rc == -1);
			FUZZ_CHECK(rc == 0 ? errstr == NULL :
			    errstr != NULL && errstr[0] != '\0');
			if (fuzz_is_digit(s[0])) {
				numerr = NULL;
				FUZZ_CHECK((parse_number(s, zero ? 0 : 1,
				    65535, &n, &numerr) == 0) == (rc == 0));
				if (rc == 0)
					FUZZ_CHECK(port == n);
				continue;
			}
			se = s[0] != '\0' ? getservbyname(s, protos[p]) :
			    NULL;
			FUZZ_CHECK((se != NULL) == (rc == 0));
			if (rc == 0)
				FUZZ_CHECK(port ==
				    ntohs((unsigned short)se->s_port));
		}
	}
	free(s);
	return 0;
}
