/*
 * The RFC 4575 schema as data (decode_schema.h): what each kind of
 * struct is (dec_kinds[]) and which children each kind of element has, in
 * schema order (dec_rules[]); and the descriptions of elements that
 * messages quote.
 */
#include <stddef.h>
#include <stdio.h>

#include "xml/decode_schema.h"

const struct dec_kind_info dec_kinds[K_LEAF + 1] = {
#define KIND(k, T, state, attrs, key, any)                                     \
	[k] = {sizeof(struct confinfo_##T),                                    \
	       offsetof(struct confinfo_##T, ext),                             \
	       state,                                                          \
	       attrs,                                                          \
	       key,                                                            \
	       any}
#define STATE(T) offsetof(struct confinfo_##T, state)
    KIND(K_CONF, conf, STATE(conf),
	 DEC_BIT(A_ENTITY) | DEC_BIT(A_STATE) | DEC_BIT(A_VERSION), A_ENTITY,
	 true),
    KIND(K_DESC, description, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_HOST, host_info, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_CSTATE, conf_state, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_USERS, users, STATE(users), DEC_BIT(A_STATE), A_COUNT, true),
    KIND(K_USER, user, STATE(user), DEC_BIT(A_ENTITY) | DEC_BIT(A_STATE),
	 A_ENTITY, true),
    KIND(K_ENDPOINT, endpoint, STATE(endpoint),
	 DEC_BIT(A_ENTITY) | DEC_BIT(A_STATE), A_ENTITY, true),
    KIND(K_MEDIA, media, DEC_NO_STATE, DEC_BIT(A_ID), A_ID, true),
    KIND(K_CALLINFO, call_info, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_SIP, sip_dialog, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_EXEC, exec, DEC_NO_STATE, 0, A_COUNT, false),
    KIND(K_URIS, uris, STATE(uris), DEC_BIT(A_STATE), A_COUNT, false),
    KIND(K_URI_ENTRY, uri_entry, DEC_NO_STATE, 0, A_COUNT, true),
    KIND(K_AVMEDIA, available_media, DEC_NO_STATE, 0, A_COUNT, false),
    KIND(K_MEDIUM, medium, DEC_NO_STATE, DEC_BIT(A_LABEL), A_LABEL, true),
    KIND(K_ROLES, roles, DEC_NO_STATE, 0, A_COUNT, false),
    KIND(K_SBVAL, sidebars_by_val, STATE(sidebars_by_val), DEC_BIT(A_STATE),
	 A_COUNT, false),
    [K_LEAF] = {0, 0, DEC_NO_STATE, 0, A_COUNT, false},
#undef STATE
#undef KIND
};

/* ---------------------------------------------------------------------
 * The children of each kind, in schema order.
 * ------------------------------------------------------------------- */

#define LEAF(slot, leaf, T, f)                                                 \
	{                                                                      \
		(slot), W_LEAF, (leaf), offsetof(struct confinfo_##T, f)       \
	}
#define SUB(slot, kind, T, f)                                                  \
	{                                                                      \
		(slot), W_SUB, (kind), offsetof(struct confinfo_##T, f)        \
	}
#define KEYED(slot, kind, T, f)                                                \
	{                                                                      \
		(slot) | DEC_REPEAT, W_KEYED, (kind),                          \
		    offsetof(struct confinfo_##T, f)                           \
	}

const struct dec_rule dec_rules[K_LEAF][E_COUNT] =
    {
	[K_CONF] =
	    {
		[E_CONFERENCE_DESCRIPTION] = SUB(1, K_DESC, conf, description),
		[E_HOST_INFO] = SUB(2, K_HOST, conf, host_info),
		[E_CONFERENCE_STATE] = SUB(3, K_CSTATE, conf, conf_state),
		[E_USERS] = SUB(4, K_USERS, conf, users),
		[E_SIDEBARS_BY_REF] = SUB(5, K_URIS, conf, sidebars_by_ref),
		[E_SIDEBARS_BY_VAL] = SUB(6, K_SBVAL, conf, sidebars_by_val),
	    },
	[K_DESC] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, description, display_text),
		[E_SUBJECT] = LEAF(2, L_STR, description, subject),
		[E_FREE_TEXT] = LEAF(3, L_STR, description, free_text),
		[E_KEYWORDS] = LEAF(4, L_COLLAPSE, description, keywords),
		[E_CONF_URIS] = SUB(5, K_URIS, description, conf_uris),
		[E_SERVICE_URIS] = SUB(6, K_URIS, description, service_uris),
		[E_MAXIMUM_USER_COUNT] =
		    LEAF(7, L_U32, description, maximum_user_count),
		[E_AVAILABLE_MEDIA] =
		    SUB(8, K_AVMEDIA, description, available_media),
	    },
	[K_HOST] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, host_info, display_text),
		[E_WEB_PAGE] = LEAF(2, L_COLLAPSE, host_info, web_page),
		[E_URIS] = SUB(3, K_URIS, host_info, uris),
	    },
	[K_CSTATE] =
	    {
		[E_USER_COUNT] = LEAF(1, L_U32, conf_state, user_count),
		[E_ACTIVE] = LEAF(2, L_BOOL, conf_state, active),
		[E_LOCKED] = LEAF(3, L_BOOL, conf_state, locked),
	    },
	[K_USERS] =
	    {
		[E_USER] = KEYED(1, K_USER, users, users),
	    },
	[K_USER] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, user, display_text),
		[E_ASSOCIATED_AORS] = SUB(2, K_URIS, user, associated_aors),
		[E_ROLES] = SUB(3, K_ROLES, user, roles),
		[E_LANGUAGES] = LEAF(4, L_LANGUAGES, user, languages),
		[E_CASCADED_FOCUS] = LEAF(5, L_COLLAPSE, user, cascaded_focus),
		[E_ENDPOINT] = KEYED(6, K_ENDPOINT, user, endpoints),
	    },
	[K_ENDPOINT] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, endpoint, display_text),
		[E_REFERRED] = SUB(2, K_EXEC, endpoint, referred),
		[E_STATUS] = LEAF(3, L_EP_STATUS, endpoint, status),
		[E_JOINING_METHOD] =
		    LEAF(4, L_JOINING, endpoint, joining_method),
		[E_JOINING_INFO] = SUB(5, K_EXEC, endpoint, joining_info),
		[E_DISCONNECTION_METHOD] =
		    LEAF(6, L_DISCONNECTION, endpoint, disconnection_method),
		[E_DISCONNECTION_INFO] =
		    SUB(7, K_EXEC, endpoint, disconnection_info),
		[E_MEDIA] = KEYED(8, K_MEDIA, endpoint, media),
		[E_CALL_INFO] = SUB(9, K_CALLINFO, endpoint, call_info),
	    },
	[K_MEDIA] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, media, display_text),
		[E_TYPE] = LEAF(2, L_STR, media, type),
		[E_LABEL] = LEAF(3, L_STR, media, label),
		[E_SRC_ID] = LEAF(4, L_STR, media, src_id),
		[E_STATUS] = LEAF(5, L_MEDIA_STATUS, media, status),
	    },
	[K_CALLINFO] =
	    {
		[E_SIP] = SUB(1, K_SIP, call_info, sip),
	    },
	[K_SIP] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, sip_dialog, display_text),
		[E_CALL_ID] = LEAF(2, L_STR, sip_dialog, call_id),
		[E_FROM_TAG] = LEAF(3, L_STR, sip_dialog, from_tag),
		[E_TO_TAG] = LEAF(4, L_STR, sip_dialog, to_tag),
	    },
	[K_EXEC] =
	    {
		[E_WHEN] = LEAF(1, L_DATETIME, exec, when),
		[E_REASON] = LEAF(2, L_STR, exec, reason),
		[E_BY] = LEAF(3, L_COLLAPSE, exec, by),
	    },
	[K_URIS] =
	    {
		[E_ENTRY] = {1 | DEC_REPEAT, W_URI_ENTRY, K_URI_ENTRY, 0},
	    },
	[K_URI_ENTRY] =
	    {
		[E_URI] = LEAF(1, L_ENTRY_URI, uri_entry, uri),
		[E_DISPLAY_TEXT] = LEAF(2, L_STR, uri_entry, display_text),
		[E_PURPOSE] = LEAF(3, L_STR, uri_entry, purpose),
		[E_MODIFIED] = SUB(4, K_EXEC, uri_entry, modified),
	    },
	[K_AVMEDIA] =
	    {
		[E_ENTRY] = KEYED(1, K_MEDIUM, available_media, entries),
	    },
	[K_MEDIUM] =
	    {
		[E_DISPLAY_TEXT] = LEAF(1, L_STR, medium, display_text),
		[E_TYPE] = LEAF(2, L_STR, medium, type),
		[E_STATUS] = LEAF(3, L_MEDIA_STATUS, medium, status),
	    },
	[K_ROLES] =
	    {
		/* The roles struct itself takes each entry. */
		[E_ENTRY] = {1 | DEC_REPEAT, W_ROLE, L_ROLE, 0},
	    },
	[K_SBVAL] =
	    {
		[E_ENTRY] = KEYED(1, K_CONF, sidebars_by_val, entries),
	    },
};

#undef LEAF
#undef SUB
#undef KEYED

/* ---------------------------------------------------------------------
 * Descriptions and release of keyed structs.
 * ------------------------------------------------------------------- */

void dec_keyed_free(enum dec_kind kind, void *obj)
{
	switch (kind) {
	case K_CONF:
		confinfo_conf_free(obj);
		break;
	case K_USER:
		confinfo_user_free(obj);
		break;
	case K_ENDPOINT:
		confinfo_endpoint_free(obj);
		break;
	case K_MEDIA:
		confinfo_media_free(obj);
		break;
	case K_MEDIUM:
		confinfo_medium_free(obj);
		break;
	default:
		break;
	}
}

const char *dec_describe_as(enum dec_kind kind, const xmlChar *name,
			    const void *obj, char *buf, size_t size)
{
	unsigned a = dec_key_attr(kind);
	const char *key = NULL;

	if (a != A_COUNT && obj)
		key = confinfo_item_key(obj);
	if (key)
		snprintf(buf, size, "<%s %s=\"%.64s\">", name,
			 dec_attr_names[a], key);
	else
		snprintf(buf, size, "<%s>", name);
	return buf;
}

const char *dec_describe(const struct dec_frame *f, char *buf, size_t size)
{
	return dec_describe_as((enum dec_kind)f->kind, f->name, f->obj, buf,
			       size);
}
