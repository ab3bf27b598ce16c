/*
 * The enumerations of the schema: one table each, shared by the string
 * and parse functions so the two can never disagree.
 */
#include <string.h>

#include "confinfo/model.h"

static const char *const states[] = {NULL, "full", "partial", "deleted"};
static const char *const ep_statuses[] = {
    NULL,      "pending",   "dialing-out",     "dialing-in",    "alerting",
    "on-hold", "connected", "muted-via-focus", "disconnecting", "disconnected"};
static const char *const joining_methods[] = {NULL, "dialed-in", "dialed-out",
					      "focus-owner"};
static const char *const disconnection_methods[] = {NULL, "departed", "booted",
						    "failed", "busy"};
static const char *const media_statuses[] = {NULL, "recvonly", "sendonly",
					     "sendrecv", "inactive"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *to_str(const char *const *tab, size_t n, unsigned v)
{
	return v < n ? tab[v] : NULL;
}

static unsigned parse(const char *const *tab, size_t n, const char *s,
		      size_t len)
{
	if (!s)
		return 0;
	for (unsigned i = 1; i < n; i++) {
		if (strlen(tab[i]) == len && !memcmp(tab[i], s, len))
			return i;
	}
	return 0;
}

const char *confinfo_state_str(enum confinfo_state s)
{
	return to_str(states, COUNT(states), s);
}

const char *confinfo_endpoint_status_str(enum confinfo_endpoint_status s)
{
	return to_str(ep_statuses, COUNT(ep_statuses), s);
}

const char *confinfo_joining_method_str(enum confinfo_joining_method m)
{
	return to_str(joining_methods, COUNT(joining_methods), m);
}

const char *
confinfo_disconnection_method_str(enum confinfo_disconnection_method m)
{
	return to_str(disconnection_methods, COUNT(disconnection_methods), m);
}

const char *confinfo_media_status_str(enum confinfo_media_status s)
{
	return to_str(media_statuses, COUNT(media_statuses), s);
}

enum confinfo_state confinfo_state_parse(const char *s, size_t len)
{
	return (enum confinfo_state)parse(states, COUNT(states), s, len);
}

enum confinfo_endpoint_status confinfo_endpoint_status_parse(const char *s,
							     size_t len)
{
	return (enum confinfo_endpoint_status)parse(ep_statuses,
						    COUNT(ep_statuses), s, len);
}

enum confinfo_joining_method confinfo_joining_method_parse(const char *s,
							   size_t len)
{
	return (enum confinfo_joining_method)parse(
	    joining_methods, COUNT(joining_methods), s, len);
}

enum confinfo_disconnection_method
confinfo_disconnection_method_parse(const char *s, size_t len)
{
	return (enum confinfo_disconnection_method)parse(
	    disconnection_methods, COUNT(disconnection_methods), s, len);
}

enum confinfo_media_status confinfo_media_status_parse(const char *s,
						       size_t len)
{
	return (enum confinfo_media_status)parse(media_statuses,
						 COUNT(media_statuses), s, len);
}
