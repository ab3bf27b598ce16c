#!/usr/bin/env bash
# confinfo watch with Kamailio as a third-party notifier: Kamailio (Debian's
# kamailio, kamailio-presence-modules, kamailio-sqlite-modules) runs the
# stand-alone presence server of kamailio/kamailio.cfg; a SIPp client
# PUBLISHes a conference document and then modifies it; the watcher
# receives both through presence_conference. Kamailio rewrites the
# document's entity as user@domain, which the watcher must report.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
PUB_PORT=$(free_port)
need_cmd kamailio kamailio
KAMAILIO=$(command -v kamailio)
MODULES=/usr/lib/x86_64-linux-gnu/kamailio/modules
SQL=/usr/share/kamailio/db_sqlite
[ -f "$MODULES/presence_conference.so" ] ||
	fail "presence_conference is not installed (Debian package kamailio-presence-modules)"
[ -f "$MODULES/db_sqlite.so" ] && [ -f "$SQL/presence-create.sql" ] ||
	fail "db_sqlite is not installed (Debian package kamailio-sqlite-modules)"
need_cmd sipp sip-tester
need_free_port $PORT
need_free_port $PUB_PORT

# A fresh database with Kamailio's own schema.
python3 - "$TMP/presence.db" "$SQL/standard-create.sql" "$SQL/presence-create.sql" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for path in sys.argv[2:]:
    db.executescript(open(path).read())
db.commit()
PY
mkdir "$TMP/run"
bg kamailio "$KAMAILIO" -f kamailio/kamailio.cfg -DD -E -Y "$TMP/run" \
	-l "udp:127.0.0.1:$PORT" \
	-A "DBURL=\"sqlite://$TMP/presence.db\"" \
	-A "SERVER=\"sip:127.0.0.1:$PORT\""
KAM_PID=$BG_PID
wait_port udp $PORT

bg watch "$CONFINFO" watch --json --save "$TMP/state.xml" \
	"sip:weekly@127.0.0.1:$PORT"
WATCH_PID=$BG_PID
wait_for 10 json_has "$TMP/watch.out" 'e["event"] == "subscribed"' ||
	fail "Kamailio did not accept the SUBSCRIBE"

bg publish sipp -sf kamailio/publish.xml -m 1 -i 127.0.0.1 -p $PUB_PORT \
	-timeout 20s -timeout_error -trace_err -error_file "$TMP/publish.log" \
	"127.0.0.1:$PORT"
wait_exit "$BG_PID" 25
[ "$EXIT_STATUS" -eq 0 ] || fail "Kamailio did not accept the PUBLISHes"

# The second document (Carol joined) must arrive.
wait_for 10 json_has "$TMP/watch.out" 'e["event"] == "joined" and e["user"] == "sip:carol@example.com"' ||
	fail "the modified document did not reach the watcher"
kill -INT "$WATCH_PID"
wait_exit "$WATCH_PID" 10
[ "$EXIT_STATUS" -eq 0 ] || fail "watch exited with $EXIT_STATUS"
json_has "$TMP/watch.out" 'e["event"] == "entity_mismatch" and e["entity"] == "weekly@127.0.0.1"' ||
	fail "Kamailio's entity was not reported"
json_has "$TMP/watch.out" 'e["event"] == "closed" and not e["error"]' ||
	fail "no clean unsubscribe"

# The state is the published document (but for the entity Kamailio set).
# Each side is checked before the comparison: two failures are not equal.
entityless() {
	canon "$1" | sed -E '/<conference-info /s/ entity="[^"]*"//'
}
[ -s "$TMP/state.xml" ] || fail "no state saved"
entityless "$TMP/state.xml" >"$TMP/got.xml" || fail "confinfo cannot read the saved state"
entityless sipp/watch/v2-full.xml >"$TMP/published.xml" ||
	fail "confinfo cannot read the published document"
diff "$TMP/got.xml" "$TMP/published.xml" >&2 ||
	fail "the watcher's state differs from the published document"
kill -TERM "$KAM_PID"
wait_exit "$KAM_PID" 10
echo ok
