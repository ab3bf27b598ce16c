/*
 * Element names of the RFC 4575 schema: which one a local name is.
 */
#include <stdint.h>
#include <string.h>

#include "xml/decode_int.h"

static const char *const elem_names[E_COUNT] = {[E_UNKNOWN] = "",
#define X(id, name) [E_##id] = name,
						DEC_ELEMS(X)
#undef X
};

/* Names are first told apart by length, so at most six comparisons run,
 * most of them decided by the first byte. */
static enum dec_elem lookup(const xmlChar *name)
{
	const char *s = (const char *)name;
	size_t len = strlen(s);

#define TRY(id)                                                                \
	if (s[0] == elem_names[E_##id][0] &&                                   \
	    !memcmp(s, elem_names[E_##id], len))                               \
	return E_##id
	switch (len) {
	case 2:
		TRY(BY);
		break;
	case 3:
		TRY(URI);
		TRY(SIP);
		break;
	case 4:
		TRY(TYPE);
		TRY(URIS);
		TRY(USER);
		TRY(WHEN);
		break;
	case 5:
		TRY(USERS);
		TRY(ENTRY);
		TRY(ROLES);
		TRY(MEDIA);
		TRY(LABEL);
		break;
	case 6:
		TRY(STATUS);
		TRY(ACTIVE);
		TRY(LOCKED);
		TRY(REASON);
		TRY(TO_TAG);
		TRY(SRC_ID);
		break;
	case 7:
		TRY(SUBJECT);
		TRY(PURPOSE);
		TRY(CALL_ID);
		break;
	case 8:
		TRY(KEYWORDS);
		TRY(WEB_PAGE);
		TRY(MODIFIED);
		TRY(ENDPOINT);
		TRY(REFERRED);
		TRY(FROM_TAG);
		break;
	case 9:
		TRY(HOST_INFO);
		TRY(FREE_TEXT);
		TRY(CONF_URIS);
		TRY(LANGUAGES);
		TRY(CALL_INFO);
		break;
	case 10:
		TRY(USER_COUNT);
		break;
	case 12:
		TRY(DISPLAY_TEXT);
		TRY(SERVICE_URIS);
		TRY(JOINING_INFO);
		break;
	case 14:
		TRY(CASCADED_FOCUS);
		TRY(JOINING_METHOD);
		break;
	case 15:
		TRY(CONFERENCE_INFO);
		TRY(SIDEBARS_BY_REF);
		TRY(SIDEBARS_BY_VAL);
		TRY(AVAILABLE_MEDIA);
		TRY(ASSOCIATED_AORS);
		break;
	case 16:
		TRY(CONFERENCE_STATE);
		break;
	case 18:
		TRY(MAXIMUM_USER_COUNT);
		TRY(DISCONNECTION_INFO);
		break;
	case 20:
		TRY(DISCONNECTION_METHOD);
		break;
	case 22:
		TRY(CONFERENCE_DESCRIPTION);
		break;
	default:
		break;
	}
#undef TRY
	return E_UNKNOWN;
}

/*
 * libxml2 interns element names in its dictionary, so a name comes back as
 * the same pointer every time it occurs in a document: remember, per
 * pointer, which element it is, and compare strings only the first time.
 * The cache lives in struct dec, zeroed for every document, since another
 * document's dictionary may reuse an address for another name.
 */
enum dec_elem dec_elem_of(struct dec *d, const xmlChar *name)
{
	uint64_t h = (uint64_t)(uintptr_t)name * UINT64_C(0x9E3779B97F4A7C15);
	struct dec_name *c = &d->names[h >> 58 & (DEC_NAME_CACHE - 1)];

	if (c->name != name) {
		c->name = name;
		c->elem = (unsigned char)lookup(name);
	}
	return (enum dec_elem)c->elem;
}
