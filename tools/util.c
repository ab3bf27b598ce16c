/*
 * The command line, reading, decoding and reporting for the subcommands
 * (see util.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "confinfo/text.h"
#include "confinfo/xml.h"
#include "input_limits.h"
#include "room_policy.h"
#include "util.h"

int tool_parse_uint_n(const char *s, size_t len, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		uint64_t digit = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - digit) / 10)
			return ERANGE;
		v = v * 10 + digit;
	}
	if (v < min || v > max)
		return ERANGE;
	*out = v;
	return 0;
}

int tool_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return tool_parse_uint_n(s, strlen(s), min, max, out);
}

int tool_parse_opts(const struct tool_cli *cli, int argc, char **argv,
		    tool_opt_h *own, void *ctx)
{
	int c, status = CMD_RUN;

	while (status == CMD_RUN &&
	       (c = getopt_long(argc, argv, cli->shortopts, cli->longopts,
				NULL)) != -1) {
		if (c == 'h') {
			fputs(cli->usage, stdout);
			if (cli->usage_more)
				fputs(cli->usage_more, stdout);
			status = tool_stdout_ok(cli->cmd) ? 0 : 1;
		} else if (cli->limits && input_limits_owns(c)) {
			status = input_limits_option(cli->limits, cli->cmd, c,
						     optarg);
		} else if (cli->policy && room_policy_owns(c)) {
			status = room_policy_option(cli->policy, c, optarg);
		} else if (c == '?' || !own) {
			/* getopt_long() has said what was wrong. */
			status = tool_usage_hint(cli->cmd);
		} else {
			status = own(ctx, c, optarg);
		}
	}
	return status;
}

static void print_warning(unsigned line, unsigned column, const char *msg,
			  void *arg)
{
	tool_report(arg, line, column, true, msg);
}

void tool_diag_init(struct confinfo_diag *diag, const char *name)
{
	memset(diag, 0, sizeof(*diag));
	diag->warnh = print_warning;
	/* The callback only reads it; the cast drops const for void *. */
	diag->warn_arg = (void *)(uintptr_t)name;
}

void tool_doc_init(struct tool_doc *doc, const char *path,
		   const struct input_limits *limits)
{
	doc->path = path;
	doc->limits = limits;
	doc->smime_ca = NULL;
	doc->name = strcmp(path, "-") ? path : "<stdin>";
	tool_diag_init(&doc->diag, doc->name);
}

int tool_doc_load(struct tool_doc *doc, struct confinfo_conf **confp)
{
	const struct confinfo_xml_limits *lim = &doc->limits->xml;
	struct confinfo_conf *conf = NULL;
	int err;

	if (doc->smime_ca) {
#ifdef CONFINFO_TOOL_LIVE
		return tool_doc_load_signed(doc, confp);
#else
		tool_report(doc->name, 0, 0, false,
			    "--smime-ca: built without S/MIME (the SIP "
			    "library)");
		return ENOTSUP;
#endif
	}
	confinfo_diag_reset(&doc->diag);
	/* Read within the body limit: a size failure carries the limit's
	 * name, which tool_report_diag() turns into --max-bytes. */
	if (strcmp(doc->path, "-"))
		err =
		    confinfo_xml_decode_file(&conf, doc->path, lim, &doc->diag);
	else
		err = confinfo_xml_decode_fd(&conf, STDIN_FILENO, lim,
					     &doc->diag);
	if (err) {
		tool_doc_fail(doc, err);
		return err;
	}
	*confp = conf;
	return 0;
}

void tool_doc_fail(struct tool_doc *doc, int err)
{
	tool_report_diag(doc->name, &doc->diag, err);
	confinfo_diag_reset(&doc->diag);
}

void tool_report_diag(const char *name, const struct confinfo_diag *d, int err)
{
	const char *option = input_limits_hint(d);
	char msg[CONFINFO_DIAG_MSG_SIZE + 64];

	if (d->message[0] && option) {
		snprintf(msg, sizeof(msg), "%s (raise with %s)", d->message,
			 option);
		tool_report(name, d->line, d->column, false, msg);
	} else {
		tool_report(name, d->line, d->column, false,
			    d->message[0] ? d->message : strerror(err));
	}
}

bool tool_require_full(const struct tool_doc *doc,
		       const struct confinfo_conf *conf)
{
	enum confinfo_state s = confinfo_state_effective(conf->state);
	char msg[96];

	if (s == CONFINFO_STATE_FULL)
		return true;
	snprintf(msg, sizeof(msg), "not a full state (the document is %s)",
		 confinfo_state_str(s));
	tool_report(doc->name, 0, 0, false, msg);
	return false;
}

void tool_report(const char *name, unsigned line, unsigned column, bool warning,
		 const char *msg)
{
	tool_fputs_safe(stderr, name);
	if (line) {
		fprintf(stderr, ":%u", line);
		if (column)
			fprintf(stderr, ":%u", column);
	}
	fputs(warning ? ": warning: " : ": ", stderr);
	tool_fputs_safe(stderr, msg);
	fputc('\n', stderr);
}

bool tool_stdin_once(const char *cmd, int count, char **paths)
{
	int seen = 0;

	for (int i = 0; i < count; i++)
		seen += !strcmp(paths[i], "-");
	if (seen <= 1)
		return true;
	tool_usage_error(cmd, "standard input ('-') can be read only once");
	return false;
}

int tool_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "confinfo %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return tool_usage_hint(cmd);
}

int tool_usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'confinfo %s --help' for more information.\n",
		cmd);
	return EXIT_USAGE;
}

void tool_fputs_safe(FILE *f, const char *s)
{
	if (!s)
		s = "-";
	(void)confinfo_text_fputs(f, s, strlen(s), CONFINFO_TEXT_BACKSLASH);
}

void tool_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	while (*fmt) {
		size_t run = strcspn(fmt, "%");

		fwrite(fmt, 1, run, f);
		fmt += run;
		if (!*fmt)
			break;
		if (!strncmp(fmt, "%s", 2))
			tool_fputs_safe(f, va_arg(ap, const char *));
		else if (!strncmp(fmt, "%d", 2))
			fprintf(f, "%d", va_arg(ap, int));
		else if (!strncmp(fmt, "%u", 2))
			fprintf(f, "%u", va_arg(ap, unsigned));
		else if (!strncmp(fmt, "%%", 2))
			fputc('%', f);
		else if (!strncmp(fmt, "%lu", 3))
			fprintf(f, "%lu", va_arg(ap, unsigned long));
		else if (!strncmp(fmt, "%zu", 3))
			fprintf(f, "%zu", va_arg(ap, size_t));
		else
			abort(); /* a conversion this printer does not know */
		fmt += fmt[1] == 'l' || fmt[1] == 'z' ? 3 : 2;
	}
	va_end(ap);
}

bool tool_stdout_ok(const char *cmd)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	fprintf(stderr, "confinfo %s: write error: %s\n", cmd,
		strerror(errno ? errno : EIO));
	return false;
}
