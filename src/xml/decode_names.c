/*
 * Element and attribute names of the RFC 4575 schema: which one a local
 * name is.
 */
#include <stdint.h>
#include <string.h>

#include "xml/decode_int.h" /* libxml/parser.h: xmlDictLookup() */

static const char *const elem_names[E_COUNT] = {[E_UNKNOWN] = "",
#define X(id, name) [E_##id] = name,
						DEC_ELEMS(X)
#undef X
};

const char *const dec_attr_names[A_COUNT] = {"entity", "state", "version",
					     "label", "id"};

/* Names are first told apart by length, so at most six comparisons run,
 * most of them decided by the first byte. */
enum dec_elem dec_elem_lookup(const xmlChar *name)
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

enum dec_attr dec_attr_lookup(const xmlChar *name)
{
	for (unsigned k = 0; k < A_COUNT; k++)
		if (!strcmp((const char *)name, dec_attr_names[k]))
			return (enum dec_attr)k;
	return A_COUNT;
}

/*
 * libxml2 interns every local name it parses in the context's dictionary
 * (xmlParseQName() returns dictionary strings), so once our names are in
 * it too, each occurrence of one of them in the document arrives as the
 * very pointer stored here, and dec_elem_of() / dec_attr_of() compare
 * addresses instead of strings. Done per document: another context's
 * dictionary may reuse an address for another name.
 */
void dec_names_hash(struct dec *d, const xmlChar *const *p)
{
	memset(d->names, 0, sizeof(d->names));
	d->names_base = NULL;
	for (unsigned e = 1; e < E_COUNT; e++) {
		size_t i = dec_name_slot(p[e]);

		while (d->names[i].name)
			i = (i + 1) & (DEC_NAME_SLOTS - 1);
		d->names[i].name = p[e];
		d->names[i].elem = (unsigned char)e;
	}
}

int dec_names_init(struct dec *d)
{
	const xmlChar *p[E_COUNT], *lo = NULL, *hi = NULL;

	for (unsigned e = 1; e < E_COUNT; e++) {
		p[e] = xmlDictLookup(d->ctxt->dict, BAD_CAST elem_names[e], -1);
		if (!p[e])
			return dec_nomem(d);
		if (!lo || p[e] < lo)
			lo = p[e];
		if (!hi || p[e] > hi)
			hi = p[e];
	}
	if ((size_t)(hi - lo) < DEC_NAME_SPAN) {
		/* The usual case: one pool, so an offset table. */
		memset(d->names, 0, sizeof(d->names));
		memset(d->names_at, E_UNKNOWN, sizeof(d->names_at));
		d->names_base = lo;
		for (unsigned e = 1; e < E_COUNT; e++)
			d->names_at[p[e] - lo] = (unsigned char)e;
	} else {
		dec_names_hash(d, p);
	}
	for (unsigned k = 0; k < A_COUNT; k++) {
		d->attr_names[k] = xmlDictLookup(
		    d->ctxt->dict, BAD_CAST dec_attr_names[k], -1);
		if (!d->attr_names[k])
			return dec_nomem(d);
	}
	return 0;
}
