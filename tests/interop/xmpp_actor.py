#!/usr/bin/python3
"""A scripted occupant of an XMPP MUC room, for the interop tests.

Run with Debian's interpreter (python3-slixmpp 1.8.3):

  /usr/bin/python3 xmpp_actor.py --jid USER@localhost/RES --password PW \
      --port PORT --ca CA.crt --room ROOM@conference.localhost --nick NICK

It connects to 127.0.0.1:PORT (STARTTLS, the certificate checked against
CA.crt and the JID's domain), joins ROOM as NICK (no history) and, if it
created the room (status 201), accepts the default configuration (an
"instant room") so that others can join. Then it runs the commands it
reads from stdin, one a line:

  kick NICK [REASON]       role none
  voice NICK / devoice NICK
                           role participant / visitor
  moderator NICK           role moderator
  ban JID [REASON]         affiliation outcast
  unban JID                affiliation none
  affiliation JID AFF [REASON]
  nick NEW                 change its own nick
  say TEXT                 a groupchat message
  disco                    disco#info of the room: prints its features
  leave                    leave the room (stay connected)
  join                     join again (after leave)
  destroy [REASON]         destroy the room (owner only)
  config FIELD VALUE       set muc#roomconfig_FIELD (owner only), e.g.
                           "config whois anyone", "config membersonly 1"
  wait-occupant NICK       print "occupant" once NICK is in the room
  quit                     disconnect and exit 0

Everything it sees or does is one JSON object a line on stdout:

  {"ev":"joined","created":BOOL,"nick":...}
  {"ev":"presence","nick":..., "available":BOOL, "role":..., "affiliation":
   ..., "jid":... or null, "status":[codes], "actor":..., "reason":...,
   "new_nick":..., "self":BOOL}
  {"ev":"destroyed","reason":...}
  {"ev":"ok","cmd":"kick"} / {"ev":"error","cmd":"kick","condition":"..."}
  {"ev":"disco","features":[...]}
  {"ev":"occupant","nick":...}

Arguments of commands are split on spaces; REASON/TEXT is the rest of the
line, where "\\xHH" escapes stand for any byte (hostile input tests;
the text must stay valid in XML 1.0, or the server closes the stream).
"""

import argparse
import asyncio
import json
import logging
import os
import sys

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

NS_MUC_USER = "http://jabber.org/protocol/muc#user"


def out(**kw):
    sys.stdout.write(json.dumps(kw) + "\n")
    sys.stdout.flush()


def unescape(text):
    """\\xHH escapes to bytes, then decoded as UTF-8 (invalid sequences
    become U+FFFD: XML could not carry them anyway)."""
    raw = text.encode("utf-8").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-8", errors="replace")


class Actor(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.room = args.room
        self.nick = unescape(args.nick)
        self.ca_certs = args.ca
        self.joined = False
        self.waiting = {}
        self.inbuf = b""
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0004")
        self.register_plugin("xep_0045")
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("groupchat_presence", self.on_presence)
        self.add_event_handler("disconnected", self.on_disconnected)

    async def start(self, _event):
        self.send_presence()
        await self.join()
        self.loop.add_reader(sys.stdin.fileno(), self.on_stdin)

    async def join(self):
        self.joined = False
        self.plugin["xep_0045"].join_muc(self.room, self.nick)

    def on_disconnected(self, _event):
        out(ev="disconnected")

    def on_presence(self, pres):
        x = pres.xml.find("{%s}x" % NS_MUC_USER)
        if x is None or pres["from"].bare != self.room:
            return
        item = x.find("{%s}item" % NS_MUC_USER)
        codes = sorted(
            int(s.get("code"))
            for s in x.findall("{%s}status" % NS_MUC_USER)
            if (s.get("code") or "").isdigit()
        )
        actor = reason = None
        if item is not None:
            a = item.find("{%s}actor" % NS_MUC_USER)
            if a is not None:
                actor = a.get("nick") or a.get("jid")
            r = item.find("{%s}reason" % NS_MUC_USER)
            if r is not None:
                reason = r.text
        destroy = x.find("{%s}destroy" % NS_MUC_USER)
        if destroy is not None:
            r = destroy.find("{%s}reason" % NS_MUC_USER)
            out(ev="destroyed", reason=r.text if r is not None else None)
        avail = pres["type"] != "unavailable"
        out(
            ev="presence",
            nick=pres["from"].resource,
            available=avail,
            role=item.get("role") if item is not None else None,
            affiliation=item.get("affiliation") if item is not None else None,
            jid=item.get("jid") if item is not None else None,
            status=codes,
            actor=actor,
            reason=reason,
            new_nick=item.get("nick") if item is not None and 303 in codes else None,
            self=110 in codes,
        )
        nick = pres["from"].resource
        if avail and nick in self.waiting:
            out(ev="occupant", nick=nick)
            del self.waiting[nick]
        if 110 in codes and avail and not self.joined:
            self.joined = True
            asyncio.ensure_future(self.after_join(201 in codes))

    async def after_join(self, created):
        if created:
            # An instant room: accept the defaults, which unlocks it.
            iq = self.make_iq_set(ito=self.room)
            iq.enable("mucowner_query")
            form = self["xep_0004"].make_form(ftype="submit")
            iq["mucowner_query"].append(form)
            try:
                await iq.send(timeout=10)
            except (IqError, IqTimeout) as err:
                out(ev="error", cmd="configure", condition=str(err))
        out(ev="joined", created=created, nick=self.nick)

    def on_stdin(self):
        # Raw reads: a buffered readline() would keep further lines in its
        # buffer while the descriptor no longer polls readable.
        data = os.read(sys.stdin.fileno(), 65536)
        if not data:
            self.loop.remove_reader(sys.stdin.fileno())
            return
        self.inbuf += data
        while b"\n" in self.inbuf:
            line, self.inbuf = self.inbuf.split(b"\n", 1)
            line = line.decode("utf-8", errors="replace")
            if line:
                asyncio.ensure_future(self.run(line))

    async def run(self, line):
        cmd, _, rest = line.partition(" ")
        muc = self.plugin["xep_0045"]
        try:
            if cmd in ("kick", "voice", "devoice", "moderator"):
                nick, _, reason = rest.partition(" ")
                role = {"kick": "none", "voice": "participant",
                        "devoice": "visitor", "moderator": "moderator"}[cmd]
                await muc.set_role(self.room, unescape(nick), role,
                                   reason=unescape(reason), timeout=10)
            elif cmd == "ban":
                jid, _, reason = rest.partition(" ")
                await muc.set_affiliation(self.room, "outcast", jid=jid,
                                          reason=unescape(reason), timeout=10)
            elif cmd == "unban":
                await muc.set_affiliation(self.room, "none", jid=rest,
                                          timeout=10)
            elif cmd == "affiliation":
                jid, aff, reason = (rest.split(" ", 2) + [""])[:3]
                await muc.set_affiliation(self.room, aff, jid=jid,
                                          reason=unescape(reason), timeout=10)
            elif cmd == "nick":
                self.nick = unescape(rest)
                self.send_presence(pto="%s/%s" % (self.room, self.nick))
            elif cmd == "say":
                self.send_message(mto=self.room, mbody=unescape(rest),
                                  mtype="groupchat")
            elif cmd == "config":
                field, _, value = rest.partition(" ")
                form = await muc.get_room_config(self.room, timeout=10)
                new = self["xep_0004"].make_form(ftype="submit")
                new.add_field(var="FORM_TYPE", ftype="hidden",
                              value="http://jabber.org/protocol/muc#roomconfig")
                new.add_field(var="muc#roomconfig_" + field, value=value)
                await muc.set_room_config(self.room, new, timeout=10)
            elif cmd == "disco":
                info = await self["xep_0030"].get_info(jid=self.room,
                                                        timeout=10)
                out(ev="disco",
                    features=sorted(info["disco_info"]["features"]))
            elif cmd == "leave":
                self.send_presence(pto="%s/%s" % (self.room, self.nick),
                                   ptype="unavailable")
            elif cmd == "join":
                await self.join()
            elif cmd == "destroy":
                await muc.destroy(self.room, reason=unescape(rest), timeout=10)
            elif cmd == "wait-occupant":
                nick = unescape(rest)
                if nick in muc.rooms.get(self.room, {}):
                    out(ev="occupant", nick=nick)
                else:
                    self.waiting[nick] = True
                return
            elif cmd == "quit":
                self.disconnect()
                await asyncio.sleep(0.2)
                sys.exit(0)
            else:
                out(ev="error", cmd=cmd, condition="unknown command")
                return
            out(ev="ok", cmd=cmd)
        except IqError as err:
            out(ev="error", cmd=cmd,
                condition=err.iq["error"]["condition"])
        except IqTimeout:
            out(ev="error", cmd=cmd, condition="timeout")
        except Exception as err:  # a test must see it, not a silent task
            out(ev="error", cmd=cmd, condition="exception: %r" % err)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("jid", "password", "ca", "room", "nick"):
        ap.add_argument("--" + opt, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.ERROR,
                        stream=sys.stderr)
    actor = Actor(args)
    actor.connect(address=("127.0.0.1", args.port))
    actor.loop.run_until_complete(actor.disconnected)


if __name__ == "__main__":
    main()
