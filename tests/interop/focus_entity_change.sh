#!/usr/bin/env bash
# A conference whose entity changes (the conference system renamed its
# URI): a partial NOTIFY cannot say that (RFC 4575 4.3: a partial
# notification applies to the state of the same entity), so the
# subscriber gets a full NOTIFY with the next version, and the
# subscription goes on; confinfo watch reports the new entity and takes
# the newer full state (it used to refuse it and resubscribe forever). Before the fix the diff failed with EINVAL and the
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
# The watcher is told (the document is about another URI than the one it
# subscribed to), and takes the newer full state: no resubscription.
wait_for 10 json_has "$TMP/watch.out" \
	"e['event'] == 'entity_mismatch' and e['entity'] == 'sip:renamed@example.com'" ||
	fail "the watcher did not report the new entity"
wait_for 10 same_state "$TMP/watch.xml" "$TMP/renamed.xml" ||
	fail "the watcher does not hold the renamed state"
grep -Eq '^(failed|terminated|refresh) ' "$log" &&
	fail "the subscription ended or was refreshed"
json_lacks "$TMP/watch.out" "e['event'] == 'resync'" ||
	fail "the watcher resynchronised"

# And partial NOTIFYs go on under the new entity.
sed 's|<display-text>bob</display-text>|<display-text>Bob B.</display-text>|' \
	"$TMP/renamed.xml" >"$TMP/renamed2.xml"
write_conf "$TMP/confs" conf1 <"$TMP/renamed2.xml"
wait_line "$log" '^notify conf=conf1 .* version=3 body=partial code=200' 10 ||
	fail "no partial NOTIFY after the rename"
wait_for 10 same_state "$TMP/watch.xml" "$TMP/renamed2.xml" ||
	fail "the watcher did not apply the partial NOTIFY"
pid_gone "$WATCH_PID" && fail "the watcher stopped"

kill -TERM "$WATCH_PID"
wait_exit "$WATCH_PID" 10
stop_focus "$FOCUS_PID" || fail "focus exit status $?"
echo "PASS"
