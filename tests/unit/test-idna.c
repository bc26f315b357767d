#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>

#include "idna.h"
#include "tap.h"

/*
 * A static build (./dev static, musl) loads nothing, libidn2 included:
 * there every name stays as written (resolve.1, CAVEATS).
 */
static bool
loads_nothing(void)
{
	void *self = dlopen(NULL, RTLD_LAZY);

	if (self == NULL)
		return true;
	dlclose(self);
	return false;
}

/* is_str for idna_to_ascii(name), which may be NULL */
static void
converts(const char *name, const char *want)
{
	char *ascii = idna_to_ascii(name);

	if (want != NULL && loads_nothing())
		ok(ascii == NULL, "%s stays as written: no libidn2 to load",
		    name);
	else if (want == NULL)
		ok(ascii == NULL, "%s has no IDNA form", name);
	else
		is_str(ascii != NULL ? ascii : "(null)", want, "%s", name);
	free(ascii);
}

int
main(void)
{
	ok(!idna_applies("www.example.test"), "ASCII needs no IDNA");
	ok(idna_applies("b\xc3\xbc" "cher.test"), "a UTF-8 name does");
	ok(idna_applies("\xff"), "so does any byte past ASCII");
	converts("b\xc3\xbc" "cher.test", "xn--bcher-kva.test");
	converts("B\xc3\x9c" "CHER.test", "xn--bcher-kva.test");
	converts("m\xc3\xbcnchen.test", "xn--mnchen-3ya.test");
	converts("\xe7\x94\xb5\xe8\x84\x91", "xn--wnyy6w");
	converts("\xff\xfe.test", NULL);
	return tap_done();
}
