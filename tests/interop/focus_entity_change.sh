#!/usr/bin/env bash
# A conference whose entity changes (the conference system renamed its
# URI): a partial NOTIFY cannot say that (RFC 4575 4.3: a partial
# notification applies to the state of the same entity), so the
# subscriber gets a full NOTIFY with the next version, and the
# subscription goes on (what the subscriber makes of the new entity is
# its business: confinfo watch reports it and keeps the state it has). Before the fix the diff failed with EINVAL and the
# focus ended the subscription without a final NOTIFY.
. "$(dirname "$0")/../lib.bash" "$@"

mkdir "$TMP/confs"
conf_doc conf1 alice | write_conf "$TMP/confs" conf1
PORT=$(free_port)
start_focus focus --conferences "$TMP/confs" \
	--listen "udp:127.0.0.1:$PORT" --listen "tcp:127.0.0.1:$PORT" \
	--min-interval 0
log=$TMP/focus.out

bg watch "$CONFINFO" watch --json --transport tcp \
	--proxy "sip:127.0.0.1:$PORT" --save "$TMP/watch.xml" \
	sip:conf1@example.com
WATCH_PID=$BG_PID
wait_line "$log" '^notify conf=conf1 .* version=1 body=full code=200' 10 ||
	fail "no first NOTIFY"

# The same conference under another entity, with one more user.
conf_doc conf1 alice bob | sed 's|entity="sip:conf1@example.com"|entity="sip:renamed@example.com"|' >"$TMP/renamed.xml"
write_conf "$TMP/confs" conf1 <"$TMP/renamed.xml"
wait_line "$log" '^notify conf=conf1 .* version=2 body=full code=200' 10 ||
	fail "the entity change did not go out as a full NOTIFY with version 2"
# The watcher is told (it holds the state of the URI it subscribed to and
# says that the document is about another one); the subscription goes on.
wait_for 10 json_has "$TMP/watch.out" \
	"e['event'] == 'entity_mismatch' and e['entity'] == 'sip:renamed@example.com'" ||
	fail "the watcher did not report the new entity"
grep -Eq '^(failed|terminated) ' "$log" && fail "the subscription ended"
pid_gone "$WATCH_PID" && fail "the watcher stopped"

kill -TERM "$WATCH_PID"
wait_exit "$WATCH_PID" 10
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
