#!/usr/bin/env bash
# The third part of the README's main command (scripts/demo.sh):
# per-subscriber views and participant privacy (issue 14, RFC 4575
# section 8.2, docs/views.md).
#
#   bash scripts/demo_views.sh BUILD/confinfo BUILD
#
# A focus with digest authentication and a view policy serves a
# conference in which Bob asked for privacy (cp:private="true" on his
# <user>, as a mixer sets it from the Privacy header it saw). Three
# watchers subscribe, each authenticated: ops (policy: full) sees Bob;
# Carol (a participant: the participant view) sees an anonymous URI
# instead of Bob's AOR, GRUU and name; Bob himself sees himself. Then
# everything stops and its files are removed.
set -euo pipefail
. "$(dirname "$0")/../tests/lib.bash" "$1" "$2"

mkdir -p "$TMP/conferences"
write_conf "$TMP/conferences" board <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
    xmlns:cp="urn:x-confinfo:params:xml:ns:privacy"
    entity="sip:board@example.com" state="full" version="1">
  <conference-description><subject>Board meeting</subject></conference-description>
  <users>
    <user entity="sip:carol@example.com"><display-text>Carol</display-text>
      <roles><entry>chair</entry></roles>
      <endpoint entity="sip:carol@pc.example.com"><status>connected</status></endpoint>
    </user>
    <user entity="sip:bob@example.com" cp:private="true">
      <display-text>Bob Whistleblower</display-text>
      <endpoint entity="sip:bob@pc.example.com;gr=urn:uuid:b0b0b0b0-0000-4000-8000-000000000b0b">
        <status>connected</status></endpoint>
    </user>
  </users>
</conference-info>
XML
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
for u in carol bob ops; do
	echo "$u:example.com:$(md5 "$u:example.com:pw-$u")"
	echo "$u:pw-$u" >"$TMP/$u.auth"
done >"$TMP/users"
cat >"$TMP/views.conf" <<'CONF'
# Who sees what (docs/views.md): participants see the roster with private
# participants anonymised; ops sees everything; anyone else only the
# public view.
participants participant
authenticated public
subscriber sip:ops@example.com full
CONF

PORT=$(free_port)
echo "== focus: confinfo focus ... --auth users --view-policy views.conf"
sed 's/^/   /' "$TMP/views.conf"
start_focus focus --conferences "$TMP/conferences" \
	--listen "udp:127.0.0.1:$PORT" --domain example.com \
	--auth "$TMP/users" --view-policy "$TMP/views.conf"

for u in ops carol bob; do
	echo
	echo "== what $u sees: confinfo watch --once --from sip:$u@example.com --auth-file $u.auth ..."
	"$CONFINFO" watch --once --auth-file "$TMP/$u.auth" \
		--from "sip:$u@example.com" \
		--proxy "sip:127.0.0.1:$PORT" sip:board@example.com |
		sed 's/^/   /'
done

echo
echo "== focus log (the view each subscriber got)"
stop_focus "$FOCUS_PID" >/dev/null || true
grep -E '^(view|view-policy|subscribe) ' "$TMP/focus.out" | sed 's/^/   /'
