#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "idna.h"

/* libidn2's idn2_lookup_u8, declared here: no build dependency on it. */
typedef int idn2_lookup_fn(const uint8_t *src, uint8_t **lookupname,
    int flags);

#define LIBIDN2		"libidn2.so.0"
#define IDN2_OK		0

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
	/* flags 0, as glibc: TR46 non-transitional processing */
	if (idn2_lookup((const uint8_t *)name, &ascii, 0) != IDN2_OK)
		return NULL;
	return (char *)ascii;
}
