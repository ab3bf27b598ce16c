/*
 * The input limit options (see input_limits.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input_limits.h"
#include "util.h"

/* One option: its name for messages, and whether it is a size in bytes
 * (which takes a K, M or G suffix). */
struct limit_opt {
	const char *name;
	bool bytes;
};

/* Indexed by getopt code, from the first. */
#define AT(code) [(code)-INPUT_LIMITS_OPT_BYTES]
static const struct limit_opt limit_opts[] = {
    AT(INPUT_LIMITS_OPT_BYTES) = {"--max-bytes", true},
    AT(INPUT_LIMITS_OPT_USERS) = {"--max-users", false},
    AT(INPUT_LIMITS_OPT_ENDPOINTS) = {"--max-endpoints", false},
    AT(INPUT_LIMITS_OPT_MEDIA) = {"--max-media", false},
    AT(INPUT_LIMITS_OPT_ENTRIES) = {"--max-entries", false},
    AT(INPUT_LIMITS_OPT_STRING) = {"--max-string", true},
    AT(INPUT_LIMITS_OPT_ENDPOINTS_PER_USER) = {"--max-endpoints-per-user",
					       false},
    AT(INPUT_LIMITS_OPT_MEDIA_PER_ENDPOINT) = {"--max-media-per-endpoint",
					       false},
};
#undef AT

void input_limits_init(struct input_limits *il)
{
	confinfo_xml_limits_default(&il->xml);
	confinfo_merge_limits_default(&il->merge);
}

bool input_limits_owns(int c)
{
	return c >= INPUT_LIMITS_OPT_BYTES && c < INPUT_LIMITS_OPT_END;
}

/* The multiplier a size may end with, or 0 when @p c is not one. */
static size_t size_unit(char c)
{
	switch (c) {
	case 'K':
	case 'k':
		return (size_t)1 << 10;
	case 'M':
	case 'm':
		return (size_t)1 << 20;
	case 'G':
	case 'g':
		return (size_t)1 << 30;
	default:
		return 0;
	}
}

/* Why @p s is not a value of @p opt, or NULL with *np set. */
static const char *parse_value(const struct limit_opt *opt, const char *s,
			       size_t *np)
{
	const char *junk = opt->bytes ? "not a size (decimal digits, then "
					"optionally K, M or G)"
				      : "not a decimal number";
	size_t v = 0, unit = 1;

	/* Digits only, as room_policy_parse_count(): strtoul() would take
	 * "-1" (as ULONG_MAX), " 5" and "+5", and a limit that is not what
	 * was typed is worse than a usage error. */
	if (*s < '0' || *s > '9')
		return junk;
	for (; *s >= '0' && *s <= '9'; s++) {
		size_t digit = (size_t)(*s - '0');

		if (v > (SIZE_MAX - digit) / 10)
			return "too large";
		v = v * 10 + digit;
	}
	if (opt->bytes && *s && !s[1] && size_unit(*s))
		unit = size_unit(*s++);
	if (*s)
		return junk;
	if (v > SIZE_MAX / unit)
		return "too large";
	v *= unit;
	/* 0 would mean "the default" to the library: not what was asked. */
	if (v == 0)
		return "must be at least 1";
	*np = v;
	return NULL;
}

int input_limits_option(struct input_limits *il, const char *cmd, int c,
			const char *arg)
{
	const struct limit_opt *opt;
	const char *why;
	size_t n = 0;

	if (!input_limits_owns(c))
		return tool_usage_hint(cmd);
	opt = &limit_opts[c - INPUT_LIMITS_OPT_BYTES];
	why = parse_value(opt, arg, &n);
	if (why)
		return tool_usage_error(cmd, "%s: invalid value '%s': %s",
					opt->name, arg, why);
	if (c == INPUT_LIMITS_OPT_BYTES && n > INPUT_LIMITS_MAX_BYTES)
		return tool_usage_error(cmd,
					"%s: invalid value '%s': too large "
					"(the decoder reads at most %zu bytes)",
					opt->name, arg, INPUT_LIMITS_MAX_BYTES);
	switch (c) {
	case INPUT_LIMITS_OPT_BYTES:
		il->xml.max_body = n;
		break;
	case INPUT_LIMITS_OPT_USERS:
		/* Per document for the decoder, per conference for the
		 * merge: one number, so that a document the decoder takes
		 * also fits the state it becomes. */
		il->xml.max_users = n;
		il->merge.max_users = n;
		break;
	case INPUT_LIMITS_OPT_ENDPOINTS:
		il->xml.max_endpoints = n;
		break;
	case INPUT_LIMITS_OPT_MEDIA:
		il->xml.max_media = n;
		break;
	case INPUT_LIMITS_OPT_ENTRIES:
		il->xml.max_entries = n;
		break;
	case INPUT_LIMITS_OPT_STRING:
		il->xml.max_string = n;
		break;
	case INPUT_LIMITS_OPT_ENDPOINTS_PER_USER:
		il->merge.max_endpoints_per_user = n;
		break;
	case INPUT_LIMITS_OPT_MEDIA_PER_ENDPOINT:
		il->merge.max_media_per_endpoint = n;
		break;
	}
	return 0;
}

/* The library names the limit that refused a document (diag->limit, the
 * field of its limits struct); these are the ones an option raises. */
static const struct {
	const char *limit;
	const char *option;
} limit_options[] = {
    {"max_body", "--max-bytes"},
    {"max_users", "--max-users"}, /* decoding and merging alike */
    {"max_endpoints", "--max-endpoints"},
    {"max_media", "--max-media"},
    {"max_entries", "--max-entries"},
    /* Also a run of text without markup, whose bound derives from it. */
    {"max_string", "--max-string"},
    {"max_endpoints_per_user", "--max-endpoints-per-user"},
    {"max_media_per_endpoint", "--max-media-per-endpoint"},
};

const char *input_limits_hint(const struct confinfo_diag *diag)
{
	if (!diag->limit)
		return NULL;
	for (size_t i = 0; i < sizeof(limit_options) / sizeof(limit_options[0]);
	     i++) {
		if (!strcmp(diag->limit, limit_options[i].limit))
			return limit_options[i].option;
	}
	return NULL;
}
