/*
 * JSON lines in and out (docs/xmpp-child.md): one object a line, at most
 * XC_LINE_MAX bytes; a longer line is skipped whole, up to its newline,
 * and reported with its line number, so that one bad command never
 * desynchronises the ones after it. Strings from the network are bounded
 * here (xc_jstr) before they reach the JSON: at most XC_STR_MAX bytes,
 * cut on a character boundary, invalid UTF-8 replaced by U+FFFD. Cleaning
 * them for display (controls, bidi) is the bridge's job. Events are
 * written in ASCII (every other character \u-escaped).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unistr.h>

#include "xmppc.h"

uint64_t xc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static char last_log[256];

/* One line on stderr. Callers never pass credentials or stanzas. */
void xc_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	fprintf(stderr, "confinfo-xmpp: %s\n", last_log);
}

/* The last line logged, for an error event that must say why. */
const char *xc_log_last(void)
{
	return last_log;
}

/* Writes EV (consumed) as one line. A reader that went away ends us. */
int xc_emit(json_t *ev)
{
	char *s;
	int err = 0;

	if (!ev) {
		/* json_pack failed: out of memory, or a string that is not
		 * UTF-8 (a bug: network strings go through xc_jstr). */
		xc_log("an event could not be built");
		return ENOMEM;
	}
	/* ASCII only: U+0085, U+2028 and U+2029 arrive escaped, since some
	 * line readers (Python's str.splitlines) end lines at them. */
	s = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(ev);
	if (!s)
		return ENOMEM;
	if (printf("%s\n", s) < 0 || fflush(stdout) != 0) {
		err = errno ? errno : EIO;
		xc_log("cannot write an event: %s", strerror(err));
		exit(1);
	}
	free(s);
	return err;
}

void xc_emit_error(const char *text, bool fatal)
{
	xc_emit(json_pack("{s:s,s:s,s:b}", "ev", "error", "error", text,
			  "fatal", fatal));
}

void xc_emit_result(json_int_t id, const char *error)
{
	if (error)
		xc_emit(json_pack("{s:s,s:I,s:b,s:s}", "ev", "result", "id", id,
				  "ok", 0, "error", error));
	else
		xc_emit(json_pack("{s:s,s:I,s:b}", "ev", "result", "id", id,
				  "ok", 1));
}

/* Length of the valid UTF-8 sequence at S (N bytes left), 0 if invalid
 * (libunistring's strict decoder: overlongs, surrogates and values above
 * U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	ucs4_t uc;
	int len = u8_mbtoucr(&uc, s, n);

	return len > 0 ? (size_t)len : 0;
}

/* A JSON string of S bounded as the file comment says; JSON null for
 * NULL. NULL only when out of memory. */
json_t *xc_jstr(const char *s)
{
	static const char repl[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	char out[XC_STR_MAX + 1];
	size_t n, o = 0, len;

	if (!s)
		return json_null();
	n = strlen(s);
	while (n > 0) {
		len = utf8_seq(p, n);
		if (len == 0) {
			if (o + 3 > XC_STR_MAX)
				break;
			memcpy(out + o, repl, 3);
			o += 3;
			p++, n--;
			continue;
		}
		if (o + len > XC_STR_MAX)
			break;
		memcpy(out + o, p, len);
		o += len;
		p += len, n -= len;
	}
	out[o] = '\0';
	return json_stringn(out, o);
}

/* The reader's state: a partial line, or a line being skipped. */
static char line_buf[XC_LINE_MAX + 1];
static size_t line_len;
static bool line_skip;
static unsigned long line_no;

static void line_end(xc_line_h *h, void *arg)
{
	char msg[96];

	line_no++;
	if (line_skip) {
		snprintf(msg, sizeof(msg),
			 "line %lu: longer than %d bytes, skipped", line_no,
			 XC_LINE_MAX);
		xc_emit_error(msg, false);
	} else if (line_len > 0) {
		line_buf[line_len] = '\0';
		h(arg, line_buf, line_len, line_no);
	}
	line_len = 0;
	line_skip = false;
}

/* Reads what FD has and calls H for each complete line: 0, -1 at the
 * end of FD, or an errno. */
int xc_lines_read(int fd, xc_line_h *h, void *arg)
{
	char buf[16384];
	ssize_t n, i;

	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return (errno == EINTR || errno == EAGAIN) ? 0 : errno;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			line_end(h, arg);
			continue;
		}
		if (line_skip)
			continue;
		if (line_len == XC_LINE_MAX) {
			line_skip = true;
			continue;
		}
		line_buf[line_len++] = buf[i];
	}
	return 0;
}
