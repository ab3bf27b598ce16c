#include "confinfo/confinfo.h"

const char *confinfo_version(void)
{
	return CONFINFO_VERSION_STRING;
}
