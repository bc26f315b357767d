#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "idna.h"
#include "parse.h"

/* libidn2's idn2_lookup_u8, declared here: no build dependency on it. */
typedef int idn2_lookup_fn(const uint8_t *src, uint8_t **lookupname,
    int flags);

#define LIBIDN2			"libidn2.so.0"
#define IDN2_OK			0
#define IDN2_TRANSITIONAL	4

static pthread_once_t	 idn2_once = PTHREAD_ONCE_INIT;
static void		*idn2_lib;	/* open until exit */
static idn2_lookup_fn	*idn2_lookup;

static void
idn2_load(void)
{
	if ((idn2_lib = dlopen(LIBIDN2, RTLD_LAZY | RTLD_LOCAL)) != NULL)
		*(void **)&idn2_lookup = dlsym(idn2_lib, "idn2_lookup_u8");
}

bool
idna_applies(const char *name)
{
	for (; *name != '\0'; name++)
		if ((unsigned char)*name >= 0x80)
			return true;
	return false;
}

char *
idna_to_ascii(const char *name)
{
	uint8_t *ascii;

	pthread_once(&idn2_once, idn2_load);
	if (idn2_lookup == NULL)
		return NULL;
	/* transitional, as IDNA 2003 and Python: "straße" is "strasse" */
	if (idn2_lookup((const uint8_t *)name, &ascii, IDN2_TRANSITIONAL) !=
	    IDN2_OK)
		return NULL;
	return (char *)ascii;
}

int
idna_check_hostname(const char *name, const char **errstr)
{
	char *ascii;
	int rc;

	if ((rc = check_hostname(name, errstr)) == 0 || !idna_applies(name) ||
	    (ascii = idna_to_ascii(name)) == NULL)
		return rc;
	if (check_hostname(ascii, errstr) == 0)
		rc = 0;
	free(ascii);
	return rc;
}
