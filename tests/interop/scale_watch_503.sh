#!/usr/bin/env bash
# confinfo watch, refresh answered 503 (a focus node behind a proxy that
# is shutting down or has lost its store, docs/scale-out.md): the watcher
# starts a new subscription, on a new dialog, at once, and gets the state
# again; twice in a row (SIPp's two calls: two Call-IDs). Refreshes that
# time out (408 from the proxy) take the same path: scale_cluster.sh.
. "$(dirname "$0")/../lib.bash" "$@"

PORT=$(free_port)
sipp_uas sipp-503 sipp/scale_watch_503.xml "$PORT" u1 2
bg watch "$CONFINFO" watch --json --expires 4 "sip:weekly@127.0.0.1:$PORT"
WATCH=$BG_PID
sipp_ok scale_watch_503 20
two_503() {
	[ "$(json_count "$TMP/watch.out" 'e["event"] == "terminated" and "503" in e["message"]')" -ge 2 ]
}
wait_for 5 two_503 ||
	fail "the 503s did not end the subscriptions"
n=$(json_count "$TMP/watch.out" 'e["event"] == "subscribed"')
[ "$n" -ge 2 ] || fail "$n subscriptions, expected a new one after the 503"
n=$(json_count "$TMP/watch.out" 'e["event"] == "state" and e["full"]')
[ "$n" -ge 2 ] || fail "$n full states, expected one per subscription"
# The first new subscription goes at once (no backoff yet), the next one
# after a delay.
json_has "$TMP/watch.out" 'e["event"] == "terminated" and e["retry_ms"] == 0' ||
	fail "the first new subscription was delayed"
json_has "$TMP/watch.out" 'e["event"] == "terminated" and e["retry_ms"] >= 1000' ||
	fail "no backoff on the second 503"
kill -INT "$WATCH"
wait_exit "$WATCH" 10
echo PASS
