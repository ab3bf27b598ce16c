/**
 * @file model.h
 * @brief The conference state model of RFC 4575 as plain C structs.
 *
 * One struct per complex type of the conference-info schema (RFC 4575
 * section 6). Every element and attribute of the schema has a field; what
 * the schema leaves open (elements and attributes of other namespaces) is
 * kept in a struct confinfo_ext so that a document read and written again
 * loses nothing.
 *
 * Conventions:
 * - Strings are NUL-terminated UTF-8 and owned by the struct holding them.
 *   NULL means "element absent"; "" means "element present but empty".
 * - Optional sub-structs are pointers, NULL when absent.
 * - Optional numbers and booleans carry their own "set" flag, because
 *   absent and zero are different things in a partial notification.
 * - Keyed lists (users by entity, endpoints by entity, media by id, URI
 *   entries by uri, available-media entries by label, sidebars-by-val
 *   entries by entity) are struct confinfo_list: an ordered array with a
 *   hash index, so lookups do not scan. The key of every keyed struct is its
 *   FIRST member, a `char *`: the list relies on that.
 * - The `state` fields hold what the document said: CONFINFO_STATE_UNSET
 *   when the attribute was absent. confinfo_state_effective() gives the
 *   meaning (absent means full, RFC 4575 section 4.4).
 *
 * Memory: every struct and string of a state is allocated by the library
 * and released by it. Create structs with T_new(), set strings with
 * confinfo_str_set() (or confinfo_str_dup()), release with T_free(),
 * confinfo_str_set(&field, NULL) or confinfo_str_free(). Never pass them to
 * free(), and never store a pointer the library did not allocate (a
 * literal, a strdup() result): the library would release it. Pointers may
 * be moved from one struct to another, also between states, and freed in
 * any order from any thread. The reason: a decoded document's structs and
 * strings are sliced out of a few shared blocks instead of tens of
 * malloc() calls per user, which is most of what decoding costs beyond the
 * parse itself (docs/performance.md); a block is released with the last
 * object in it. A decoded state that lives long and changes much can hold
 * blocks for few objects: confinfo_conf_clone() makes a compact copy.
 *
 * Since 0.1.
 */
#ifndef CONFINFO_MODEL_H
#define CONFINFO_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The RFC 4575 namespace. */
#define CONFINFO_NS "urn:ietf:params:xml:ns:conference-info"

/* ---------------------------------------------------------------------
 * Enumerations. Value 0 is always "absent from the document".
 * ------------------------------------------------------------------- */

/** state-type (RFC 4575 section 4.4). */
enum confinfo_state {
	CONFINFO_STATE_UNSET = 0, /**< attribute absent: means full */
	CONFINFO_STATE_FULL,
	CONFINFO_STATE_PARTIAL,
	CONFINFO_STATE_DELETED,
};

/** endpoint-status-type (RFC 4575 section 5.7.3). */
enum confinfo_endpoint_status {
	CONFINFO_EP_STATUS_UNSET = 0,
	CONFINFO_EP_STATUS_PENDING,
	CONFINFO_EP_STATUS_DIALING_OUT,
	CONFINFO_EP_STATUS_DIALING_IN,
	CONFINFO_EP_STATUS_ALERTING,
	CONFINFO_EP_STATUS_ON_HOLD,
	CONFINFO_EP_STATUS_CONNECTED,
	CONFINFO_EP_STATUS_MUTED_VIA_FOCUS,
	CONFINFO_EP_STATUS_DISCONNECTING,
	CONFINFO_EP_STATUS_DISCONNECTED,
};

/** joining-type (RFC 4575 section 5.7.4). */
enum confinfo_joining_method {
	CONFINFO_JOIN_UNSET = 0,
	CONFINFO_JOIN_DIALED_IN,
	CONFINFO_JOIN_DIALED_OUT,
	CONFINFO_JOIN_FOCUS_OWNER,
};

/** disconnection-type (RFC 4575 section 5.7.6). */
enum confinfo_disconnection_method {
	CONFINFO_DISC_UNSET = 0,
	CONFINFO_DISC_DEPARTED,
	CONFINFO_DISC_BOOTED,
	CONFINFO_DISC_FAILED,
	CONFINFO_DISC_BUSY,
};

/** media-status-type (RFC 4575 sections 5.3.4 and 5.8.5). */
enum confinfo_media_status {
	CONFINFO_MEDIA_STATUS_UNSET = 0,
	CONFINFO_MEDIA_STATUS_RECVONLY,
	CONFINFO_MEDIA_STATUS_SENDONLY,
	CONFINFO_MEDIA_STATUS_SENDRECV,
	CONFINFO_MEDIA_STATUS_INACTIVE,
};

/** An optional xs:boolean. */
enum confinfo_bool {
	CONFINFO_BOOL_UNSET = 0,
	CONFINFO_BOOL_FALSE,
	CONFINFO_BOOL_TRUE,
};

/** An optional xs:unsignedInt. */
struct confinfo_u32 {
	bool set;
	uint32_t value;
};

/** Spelling of an enumeration value as in the schema, NULL for UNSET or an
 *  out-of-range value. The returned strings are static. */
const char *confinfo_state_str(enum confinfo_state s);
const char *confinfo_endpoint_status_str(enum confinfo_endpoint_status s);
const char *confinfo_joining_method_str(enum confinfo_joining_method m);
const char *
confinfo_disconnection_method_str(enum confinfo_disconnection_method m);
const char *confinfo_media_status_str(enum confinfo_media_status s);

/** Parse the schema spelling of a value of @p len bytes (exact, case
 *  sensitive). Returns the value, or UNSET (0) if @p s is not one. */
enum confinfo_state confinfo_state_parse(const char *s, size_t len);
enum confinfo_endpoint_status confinfo_endpoint_status_parse(const char *s,
							     size_t len);
enum confinfo_joining_method confinfo_joining_method_parse(const char *s,
							   size_t len);
enum confinfo_disconnection_method
confinfo_disconnection_method_parse(const char *s, size_t len);
enum confinfo_media_status confinfo_media_status_parse(const char *s,
						       size_t len);

/** What a state attribute means: UNSET is FULL (RFC 4575 section 4.4). */
static inline enum confinfo_state
confinfo_state_effective(enum confinfo_state s)
{
	return s == CONFINFO_STATE_UNSET ? CONFINFO_STATE_FULL : s;
}

/* ---------------------------------------------------------------------
 * Content of other namespaces.
 * ------------------------------------------------------------------- */

/** An attribute in a namespace other than RFC 4575's (or xml:lang etc.). */
struct confinfo_attr {
	char *ns;     /**< namespace URI, never NULL                      */
	char *prefix; /**< prefix as written, NULL if none (cannot be: an
		       *   unprefixed attribute has no namespace)          */
	char *name;   /**< local name                                      */
	char *value;  /**< unescaped value                                 */
};

/**
 * Everything of other namespaces found on or inside one element: its
 * foreign attributes, and its foreign child elements (the schema's
 * `xs:any namespace="##other"`), each kept as a self-contained XML fragment
 * that declares every namespace it uses. The encoder writes the fragments
 * back verbatim after the element's own children, where the schema puts
 * them.
 */
struct confinfo_ext {
	struct confinfo_attr *attrs;
	size_t attr_count;
	char **elems;
	size_t elem_count;
};

/** Append a copy of a foreign attribute. ENOMEM, or EINVAL if ns or name is
 *  NULL. */
int confinfo_ext_add_attr(struct confinfo_ext *ext, const char *ns,
			  const char *prefix, const char *name,
			  const char *value);
/** Append a copy of @p len bytes of well-formed XML as a foreign element. */
int confinfo_ext_add_elem(struct confinfo_ext *ext, const char *xml,
			  size_t len);
/** Release what @p ext holds and empty it (the struct itself is not freed). */
void confinfo_ext_reset(struct confinfo_ext *ext);
/** Deep copy @p src into the empty @p dst. On failure @p dst stays empty. */
int confinfo_ext_copy(struct confinfo_ext *dst, const struct confinfo_ext *src);
/** True if both hold the same attributes and fragments in the same order. */
bool confinfo_ext_equal(const struct confinfo_ext *a,
			const struct confinfo_ext *b);
/** True if @p ext holds nothing. */
bool confinfo_ext_empty(const struct confinfo_ext *ext);

/* ---------------------------------------------------------------------
 * Keyed lists.
 * ------------------------------------------------------------------- */

struct confinfo_index; /* private: open-addressing hash of keys */

/**
 * An ordered list of owned items of one type whose first member is a
 * `char *` key. Items are iterated as `list.items[0 .. list.count-1]`; the
 * list keeps a hash index of the keys once it grows beyond a few items, so
 * confinfo_list_find() does not scan. Keys are compared byte for byte (RFC
 * 4575 section 4.5: URI keys are equal only if byte-identical).
 *
 * A list does not know how to free its items: each owning struct's _free
 * does that. Modify a list only through these functions, or the index goes
 * stale.
 */
struct confinfo_list {
	void **items;
	size_t count;
	size_t cap;
	struct confinfo_index *index;
};

/** The key of a list item (its first member). */
static inline const char *confinfo_item_key(const void *item)
{
	return *(char *const *)item;
}

/** Find the item with @p key, or NULL. */
void *confinfo_list_find(const struct confinfo_list *list, const char *key);
/** Position of the item with @p key, or -1 (indexed: no scan for the key,
 *  only a pointer scan to locate its slot). */
long confinfo_list_pos(const struct confinfo_list *list, const char *key);
/** Append @p item (ownership passes to the list's owner on success).
 *  EEXIST if an item with the same key is present, EINVAL if @p item has a
 *  NULL key, ENOMEM. */
int confinfo_list_append(struct confinfo_list *list, void *item);
/** Put @p item in place of the item with the same key, which is returned
 *  (the caller frees it); if there is none, append. Never fails when
 *  confinfo_list_reserve(list, 1) succeeded before; otherwise ENOMEM is
 *  possible and then *oldp is untouched. */
int confinfo_list_replace(struct confinfo_list *list, void *item, void **oldp);
/** Remove and return the item with @p key, or NULL. Never fails. */
void *confinfo_list_remove(struct confinfo_list *list, const char *key);
/** Make sure @p extra more items can be appended without allocating. */
int confinfo_list_reserve(struct confinfo_list *list, size_t extra);
/** Release the array and index (not the items) and empty the list. */
void confinfo_list_reset(struct confinfo_list *list);

/* ---------------------------------------------------------------------
 * The element structs, in schema order.
 * ------------------------------------------------------------------- */

/** execution-type: referred, joining-info, disconnection-info, modified. */
struct confinfo_exec {
	char *when; /**< xs:dateTime, kept as written */
	char *reason;
	char *by;
	struct confinfo_ext ext;
};

/** uri-type: an entry of conf-uris, service-uris, host-info/uris,
 *  associated-aors and sidebars-by-ref. Keyed by uri. */
struct confinfo_uri_entry {
	char *uri; /**< key; required */
	char *display_text;
	char *purpose; /**< free string; unknown values are kept */
	struct confinfo_exec *modified;
	struct confinfo_ext ext;
};

/** uris-type: a list of uri-type entries, with a state attribute. */
struct confinfo_uris {
	enum confinfo_state state;
	struct confinfo_list entries; /**< of struct confinfo_uri_entry */
	struct confinfo_ext ext;
};

/** conference-medium-type: an entry of available-media. Keyed by label. */
struct confinfo_medium {
	char *label; /**< key; required */
	char *display_text;
	char *type; /**< required by the schema */
	enum confinfo_media_status status;
	struct confinfo_ext ext;
};

/** conference-media-type (available-media). */
struct confinfo_available_media {
	struct confinfo_list entries; /**< of struct confinfo_medium */
	struct confinfo_ext ext;
};

/** conference-description-type (atomic: replaced whole by merge). */
struct confinfo_description {
	char *display_text;
	char *subject;
	char *free_text;
	char *keywords; /**< the xs:list as written */
	struct confinfo_uris *conf_uris;
	struct confinfo_uris *service_uris;
	struct confinfo_u32 maximum_user_count;
	struct confinfo_available_media *available_media;
	struct confinfo_ext ext;
};

/** host-type (atomic). */
struct confinfo_host_info {
	char *display_text;
	char *web_page;
	struct confinfo_uris *uris;
	struct confinfo_ext ext;
};

/** conference-state-type (atomic). */
struct confinfo_conf_state {
	struct confinfo_u32 user_count;
	enum confinfo_bool active;
	enum confinfo_bool locked;
	struct confinfo_ext ext;
};

/** user-roles-type: plain strings, replaced as a unit. */
struct confinfo_roles {
	char **entries; /**< grown by confinfo_roles_add() */
	size_t count;
	struct confinfo_ext ext;
};

/** sip-dialog-id-type. */
struct confinfo_sip_dialog {
	char *display_text;
	char *call_id;  /**< required */
	char *from_tag; /**< required */
	char *to_tag;   /**< required */
	struct confinfo_ext ext;
};

/** call-type: either a <sip> child or foreign elements (kept in ext). */
struct confinfo_call_info {
	struct confinfo_sip_dialog *sip;
	struct confinfo_ext ext;
};

/** media-type: one stream of an endpoint. Keyed by id. */
struct confinfo_media {
	char *id; /**< key; required */
	char *display_text;
	char *type;
	char *label;
	char *src_id;
	enum confinfo_media_status status;
	struct confinfo_ext ext;
};

/** endpoint-type. Keyed by entity (an xs:string). */
struct confinfo_endpoint {
	char *entity; /**< key */
	enum confinfo_state state;
	char *display_text;
	struct confinfo_exec *referred;
	enum confinfo_endpoint_status status;
	enum confinfo_joining_method joining_method;
	struct confinfo_exec *joining_info;
	enum confinfo_disconnection_method disconnection_method;
	struct confinfo_exec *disconnection_info;
	struct confinfo_list media; /**< of struct confinfo_media */
	struct confinfo_call_info *call_info;
	struct confinfo_ext ext;
};

/** user-type. Keyed by entity. */
struct confinfo_user {
	char *entity; /**< key */
	enum confinfo_state state;
	char *display_text;
	struct confinfo_uris *associated_aors;
	struct confinfo_roles *roles;
	char *languages; /**< the xs:list as written */
	char *cascaded_focus;
	struct confinfo_list endpoints; /**< of struct confinfo_endpoint */
	struct confinfo_ext ext;
};

/** users-type. */
struct confinfo_users {
	enum confinfo_state state;
	struct confinfo_list users; /**< of struct confinfo_user */
	struct confinfo_ext ext;
};

struct confinfo_sidebars_by_val;

/**
 * conference-type: the root <conference-info>, and every entry of
 * sidebars-by-val (keyed by entity).
 */
struct confinfo_conf {
	char *entity; /**< key; required */
	enum confinfo_state state;
	struct confinfo_u32 version;
	struct confinfo_description *description;
	struct confinfo_host_info *host_info;
	struct confinfo_conf_state *conf_state;
	struct confinfo_users *users;
	struct confinfo_uris *sidebars_by_ref;
	struct confinfo_sidebars_by_val *sidebars_by_val;
	struct confinfo_ext ext;
};

/** sidebars-by-val-type. */
struct confinfo_sidebars_by_val {
	enum confinfo_state state;
	struct confinfo_list entries; /**< of struct confinfo_conf */
	struct confinfo_ext ext;
};

/* ---------------------------------------------------------------------
 * Life cycle: for every struct above, T_new() returns a zeroed, owned
 * instance (NULL on ENOMEM; to be released with T_free()), T_free()
 * releases it and everything it owns (NULL is fine), T_clone() makes a deep
 * copy (ENOMEM; *dstp is written only on success), and T_equal() compares
 * contents deeply. Equality compares states by their meaning (UNSET equals
 * FULL) and lists in order.
 * ------------------------------------------------------------------- */

#define CONFINFO_MODEL_DECLARE(T)                                              \
	struct confinfo_##T *confinfo_##T##_new(void);                         \
	void confinfo_##T##_free(struct confinfo_##T *p);                      \
	int confinfo_##T##_clone(struct confinfo_##T **dstp,                   \
				 const struct confinfo_##T *src);              \
	bool confinfo_##T##_equal(const struct confinfo_##T *a,                \
				  const struct confinfo_##T *b);

CONFINFO_MODEL_DECLARE(exec)
CONFINFO_MODEL_DECLARE(uri_entry)
CONFINFO_MODEL_DECLARE(uris)
CONFINFO_MODEL_DECLARE(medium)
CONFINFO_MODEL_DECLARE(available_media)
CONFINFO_MODEL_DECLARE(description)
CONFINFO_MODEL_DECLARE(host_info)
CONFINFO_MODEL_DECLARE(conf_state)
CONFINFO_MODEL_DECLARE(roles)
CONFINFO_MODEL_DECLARE(sip_dialog)
CONFINFO_MODEL_DECLARE(call_info)
CONFINFO_MODEL_DECLARE(media)
CONFINFO_MODEL_DECLARE(endpoint)
CONFINFO_MODEL_DECLARE(user)
CONFINFO_MODEL_DECLARE(users)
CONFINFO_MODEL_DECLARE(conf)
CONFINFO_MODEL_DECLARE(sidebars_by_val)

#undef CONFINFO_MODEL_DECLARE

/** Append a copy of @p role to @p roles. ENOMEM. */
int confinfo_roles_add(struct confinfo_roles *roles, const char *role);

/** Convenience lookups through the keyed lists (NULL if absent). */
struct confinfo_user *confinfo_conf_user(const struct confinfo_conf *conf,
					 const char *entity);
struct confinfo_endpoint *
confinfo_user_endpoint(const struct confinfo_user *user, const char *entity);
struct confinfo_media *
confinfo_endpoint_media(const struct confinfo_endpoint *ep, const char *id);

/**
 * Replace the string at @p dstp by a copy of @p src (NULL clears it and
 * releases the old value). ENOMEM leaves *dstp unchanged. This is how
 * programs set the strings of a state (see "Memory" above).
 */
int confinfo_str_set(char **dstp, const char *src);

/** A copy of @p s as a model string (NULL on ENOMEM or if @p s is NULL).
 *  The caller owns it until it stores it in a field of a state (which
 *  then owns it) or releases it with confinfo_str_free(). */
char *confinfo_str_dup(const char *s);

/** Release a model string the caller owns: one from confinfo_str_dup(),
 *  or one taken out of a state (its field set to NULL). NULL is fine. */
void confinfo_str_free(char *s);

/**
 * Give back to the system the memory the library keeps for reuse. Freed
 * states release their blocks to a cache, so that the next decode does
 * not have the kernel clear fresh memory again: up to 4 MiB of 64 KiB
 * blocks, kept until this call, and the 2 MiB blocks of large documents
 * (4 MiB and more), up to 512 MiB of them, each kept 10 seconds at most
 * (checked whenever a decode starts or a block is taken or released).
 * Call it after freeing a large state when no decode follows soon.
 * Thread-safe; never needed for correctness.
 */
void confinfo_mem_trim(void);

#ifdef __cplusplus
}
#endif

#endif
