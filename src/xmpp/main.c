/*
 * confinfo-xmpp: the XMPP child of the chat bridge (docs/xmpp-child.md).
 *
 * The loop polls stdin (commands) and libstrophe's socket, at most 50 ms
 * at a time, then lets libstrophe run without waiting: its timed
 * handlers and TLS records it already decrypted are not visible on the
 * socket, hence the short period. libstrophe may block inside (TLS
 * handshake, SRV lookup); that is acceptable here, this process does
 * nothing else, and why the focus runs it as a child.
 *
 * stdin at its end is taken as "quit": the bridge is gone, and a child
 * left behind would keep the account in its rooms.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xmppc.h"

static struct xc xc_state;

static void cmd_quit(struct xc *xc, json_int_t id)
{
	xc_muc_leave_all(xc);
	xc_emit_result(id, NULL);
	xc->exit_status = 0;
}

static void dispatch(struct xc *xc, const char *op, json_int_t id, json_t *cmd)
{
	if (strcmp(op, "join") == 0)
		xc_cmd_join(xc, id, cmd);
	else if (strcmp(op, "leave") == 0)
		xc_cmd_leave(xc, id, cmd);
	else if (strcmp(op, "role") == 0)
		xc_cmd_role(xc, id, cmd);
	else if (strcmp(op, "affiliation") == 0)
		xc_cmd_affiliation(xc, id, cmd);
	else if (strcmp(op, "quit") == 0)
		cmd_quit(xc, id);
	else
		xc_emit_result(id, "unknown-op");
}

static void on_line(void *arg, const char *line, size_t len,
		    unsigned long lineno)
{
	struct xc *xc = arg;
	json_error_t jerr;
	json_t *cmd = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *id = json_object_get(cmd, "id");
	const char *op = json_string_value(json_object_get(cmd, "op"));
	char msg[256];

	if (!cmd)
		snprintf(msg, sizeof(msg),
			 "line %lu: not JSON: %.120s (column %d)", lineno,
			 jerr.text, jerr.column);
	else if (!json_is_object(cmd) || !json_is_integer(id) || !op)
		snprintf(msg, sizeof(msg),
			 "line %lu: a command is an object with \"op\" and an "
			 "integer \"id\"",
			 lineno);
	else {
		dispatch(xc, op, json_integer_value(id), cmd);
		json_decref(cmd);
		return;
	}
	json_decref(cmd);
	xc_emit_error(msg, false);
}

/* One turn: wait for input (50 ms at most), read commands, run
 * libstrophe and the timers. */
static void turn(struct xc *xc, bool *stdin_open)
{
	struct pollfd pfd[2];
	bool want_write;
	nfds_t n = 0;
	int fd = xc_conn_fd(xc, &want_write), err;

	if (*stdin_open) {
		pfd[n].fd = STDIN_FILENO;
		pfd[n++].events = POLLIN;
	}
	if (fd >= 0) {
		pfd[n].fd = fd;
		pfd[n++].events = (short)(POLLIN | (want_write ? POLLOUT : 0));
	}
	if (poll(pfd, n, 50) < 0 && errno != EINTR) {
		xc_log("poll: %s", strerror(errno));
		xc->exit_status = 1;
		return;
	}
	if (*stdin_open && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
		err = xc_lines_read(STDIN_FILENO, on_line, xc);
		if (err) {
			*stdin_open = false;
			if (xc->exit_status < 0) {
				xc_log("stdin closed: quitting");
				xc_muc_leave_all(xc);
				xc->exit_status = 0;
			}
		}
	}
	if (xc->ctx)
		xmpp_run_once(xc->ctx, 0);
	xc_conn_poll(xc, xc_now_ms());
	xc_muc_poll(xc, xc_now_ms());
}

int main(int argc, char **argv)
{
	struct xc *xc = &xc_state;
	bool stdin_open = true;
	char msg[320];
	int err;

	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	xc->exit_status = -1;
	err = xc_opts_parse(&xc->opts, argc, argv);
	if (err)
		return 2;
	if (xc->opts.password_file)
		err = xc_password_read(xc->opts.password_file, &xc->password);
	else
		err = xc_secret_file_check(xc->opts.key, "key file");
	if (err) {
		snprintf(msg, sizeof(msg), "credentials refused: %s",
			 xc_log_last());
		xc_emit_error(msg, true);
		return 1;
	}
	if (xc_conn_init(xc)) {
		xc_emit_error("out of memory", true);
		return 1;
	}
	xc_emit(json_pack("{s:s}", "ev", "ready"));
	xc_conn_start(xc);
	while (xc->exit_status < 0)
		turn(xc, &stdin_open);
	err = xc->exit_status;
	xc_conn_close(xc);
	if (xc->password) {
		memset(xc->password, 0, strlen(xc->password));
		free(xc->password);
	}
	free(xc->opts.connect_host);
	return err;
}
