/*
 * The input limit options (see input_limits.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input_limits.h"
#include "util.h"

/*
 * One option: its name, the library's name of the limit it sets (what
 * diag->limit says when that limit refused a document), whether it is a
 * size in bytes (which takes a K, M or G suffix), and the field it sets.
 */
struct limit_opt {
	const char *name;
	const char *limit;
	bool bytes;
	size_t field; /* offset in struct input_limits */
};

/* Indexed by getopt code, from the first. */
#define AT(code) [(code)-INPUT_LIMITS_OPT_BYTES]
#define XML(f)   offsetof(struct input_limits, xml.f)
#define MERGE(f) offsetof(struct input_limits, merge.f)
static const struct limit_opt limit_opts[] = {
    AT(INPUT_LIMITS_OPT_BYTES) = {"--max-bytes", "max_body", true,
				  XML(max_body)},
    /* Decoding and merging alike (input_limits_option()). */
    AT(INPUT_LIMITS_OPT_USERS) = {"--max-users", "max_users", false,
				  XML(max_users)},
    AT(INPUT_LIMITS_OPT_ENDPOINTS) = {"--max-endpoints", "max_endpoints", false,
				      XML(max_endpoints)},
    AT(INPUT_LIMITS_OPT_MEDIA) = {"--max-media", "max_media", false,
				  XML(max_media)},
    AT(INPUT_LIMITS_OPT_ENTRIES) = {"--max-entries", "max_entries", false,
				    XML(max_entries)},
    /* Also a run of text without markup, whose bound derives from it. */
    AT(INPUT_LIMITS_OPT_STRING) = {"--max-string", "max_string", true,
				   XML(max_string)},
    AT(INPUT_LIMITS_OPT_ENDPOINTS_PER_USER) = {"--max-endpoints-per-user",
					       "max_endpoints_per_user", false,
					       MERGE(max_endpoints_per_user)},
    AT(INPUT_LIMITS_OPT_MEDIA_PER_ENDPOINT) = {"--max-media-per-endpoint",
					       "max_media_per_endpoint", false,
					       MERGE(max_media_per_endpoint)},
};
#undef AT
#undef XML
#undef MERGE

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
	size_t len = strlen(s), unit = 1;
	uint64_t v;
	int err;

	if (opt->bytes && len > 1 && size_unit(s[len - 1]))
		unit = size_unit(s[--len]);
	err = tool_parse_uint_n(s, len, 0, SIZE_MAX, &v);
	if (err == EINVAL)
		return opt->bytes ? "not a size (decimal digits, then "
				    "optionally K, M or G)"
				  : "not a decimal number";
	if (err || v > SIZE_MAX / unit)
		return "too large";
	/* 0 would mean "the default" to the library: not what was asked. */
	if (v == 0)
		return "must be at least 1";
	*np = (size_t)v * unit;
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
	*(size_t *)(void *)((char *)il + opt->field) = n;
	/* Per document for the decoder, per conference for the merge: one
	 * number, so that a document the decoder takes also fits the state
	 * it becomes. */
	if (c == INPUT_LIMITS_OPT_USERS)
		il->merge.max_users = n;
	return CMD_RUN;
}

const char *input_limits_hint(const struct confinfo_diag *diag)
{
	for (size_t i = 0;
	     diag->limit && i < sizeof(limit_opts) / sizeof(limit_opts[0]);
	     i++) {
		if (!strcmp(diag->limit, limit_opts[i].limit))
			return limit_opts[i].name;
	}
	return NULL;
}
