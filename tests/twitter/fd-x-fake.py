#!/usr/bin/python3
"""A local, stateful stand-in of exactly the X API v2 calls Frontdesk makes
(docs/twitter.md, "The fake X and its contract"), with X's published request
and response shapes (tests/twitter/x-openapi-v2-subset.json checks them):

  GET  /2/users/me                          the business account
  GET  /2/users/:id/mentions                customers' posts mentioning it,
                                            newest first; since_id, until_id,
                                            max_results 5..100,
                                            pagination_token / meta.next_token
  GET  /2/dm_events                         the account's DM events, newest
                                            first; max_results 1..100,
                                            pagination_token, event_types
  POST /2/tweets                            a post (reply.in_reply_to_tweet_id,
                                            media.media_ids); 403 on duplicate
                                            text or over 280 weighted
  POST /2/dm_conversations/with/:id/messages  a DM (attachments [{media_id}])
  POST /2/media/upload                      multipart: media, media_category
  GET  /i/oauth2/authorize                  auto-consent: 302 to redirect_uri
                                            with code and state
  POST /2/oauth2/token                      authorization_code (PKCE S256) and
                                            refresh_token (rotation: the old
                                            refresh token is void at once)

Every API answer carries x-rate-limit-limit, x-rate-limit-remaining and
x-rate-limit-reset (a 15-minute window per endpoint, X's per-user limits);
429 {"title":"Too Many Requests",...} when forced or when the budget is spent.
Errors are X's problem JSON ({"title","detail","type","status"}).

The test's own surface (not X's):
  POST /_fake/mention  {"user_id","username","name","text","in_reply_to"?,
                        "media"?:[{"type","url"}]}            -> {"id"}
  POST /_fake/dm       {"user_id","username","name","text",
                        "media"?:[{"type","url"}]}            -> {"id"}
  POST /_fake/grant    {"lifetime": seconds}  -> {"access_token",
                        "refresh_token","expires_at"}
  POST /_fake/control  {"rate_limit":{"endpoint","count","reset_in"}},
                       {"budget":{"endpoint":N}}, {"revoke":true},
                       {"expire_access":true}, {"down":true|"503"|false},
                       {"garbage":{"endpoint","kind","count"}} (kind: html,
                       malformed, huge, deep, wrongtypes, many; or errors:
                       the real answer with X's partial "errors" added),
                       {"dms_closed":["user id",...]},
                       {"omit_rate_headers":true} (answers without x-rate-limit-*),
                       {"client":{"id","secret"}} (a confidential client:
                       the token endpoint then wants HTTP Basic)
  GET  /_fake/state    {"calls":{endpoint:N},"refreshes":N,"posts":[...],
                        "sent_dms":[...],"media":[...],"rate_limited":N,...}

Endpoint names (calls, rate_limit, budget, garbage): users_me, mentions,
dm_events, tweets, dm_send, media_upload, token, authorize.

Usage: fd-x-fake.py ACCOUNT_ID HANDLE   (prints the port on the first line;
exits when its stdin closes, so that it dies with the test that started it)
"""

import base64
import email.parser
import email.policy
import hashlib
import json
import os
import re
import secrets
import socket
import struct
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import x_openapi  # noqa: E402  (X's OpenAPI subset: parameters are checked as X does)
from x_answers import garbage_body, invalid_request, problem  # noqa: E402
from x_text import weighted_length  # noqa: E402

SPEC = x_openapi.Spec()

WINDOW = 900                    # X's rate-limit window: 15 minutes
# X's published per-user limits (15-minute windows) for the endpoints used
# (docs.x.com, "Rate limits": mentions 300, create post 100; "Direct Messages
# lookup": 300 shared by the DM GET methods; manage DMs 200; users/me 75;
# media upload 500).
LIMITS = {
    "users_me": 75, "mentions": 300, "dm_events": 300, "tweets": 100,
    "dm_send": 200, "media_upload": 500,
}
MAX_BODY = 8 * 1024 * 1024
LOCK = threading.RLock()
S = {}                          # the state, under LOCK


def reset_state(account_id, handle):
    S.clear()
    S.update({
        "account": {"id": account_id, "username": handle.lstrip("@"),
                    "name": handle.lstrip("@") + " Support"},
        "users": {},
        "tweets": [],           # every post, customers' and the account's
        "dm_events": [],        # every DM event, both directions
        "posts": [],            # what the account created through the API
        "sent_dms": [],
        "media": {},            # media_id -> {"media_key","category","size","type"}
        "seq": 1860000000000000000,
        "codes": {}, "access": {}, "refresh": set(),
        "client": None,
        "calls": {}, "refreshes": 0, "rate_limited": 0,
        "windows": {},          # endpoint -> {"reset","used"}
        "budget": dict(LIMITS),
        "forced": {},           # endpoint -> {"count","reset"}
        "garbage": {},          # endpoint -> {"kind","count"}
        "down": False,
        "omit_rate_headers": False,
        "dms_closed": set(),
        "tokens_seen": {},      # next_token -> (endpoint, id)
    })
    S["users"][account_id] = dict(S["account"])


def next_id():
    S["seq"] += 1 + secrets.randbelow(1000)
    return str(S["seq"])


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def id_key(i):
    return (len(i), i)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(n) if n else b""

    def send(self, status, payload=None, ctype="application/json", headers=None):
        # X answers its problems (RFC 7807) as application/problem+json.
        if status >= 400 and isinstance(payload, dict) and "title" in payload:
            ctype = "application/problem+json"
        data = b"" if payload is None else (payload if isinstance(payload, bytes)
                                            else json.dumps(payload).encode())
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def drop(self):
        """Resets the connection without an answer (the network is down)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()

    # --- rate limits and guards --------------------------------------------
    def window(self, endpoint):
        now = int(time.time())
        w = S["windows"].get(endpoint)
        if w is None or w["reset"] <= now:
            w = {"reset": now + WINDOW, "used": 0}
            S["windows"][endpoint] = w
        return w

    def rl_headers(self, endpoint):
        if S["omit_rate_headers"]:
            return {}
        w = self.window(endpoint)
        limit = S["budget"].get(endpoint, 1000)
        forced = S["forced"].get(endpoint)
        reset = forced["reset"] if forced else w["reset"]
        return {"x-rate-limit-limit": str(limit),
                "x-rate-limit-remaining": str(max(limit - w["used"], 0)),
                "x-rate-limit-reset": str(reset)}

    partial_errors = False

    def api(self, endpoint, status, payload):
        with LOCK:
            h = self.rl_headers(endpoint)
        if self.partial_errors and status < 300:
            # X's shape for a referenced post it could not hydrate.
            payload = dict(payload, errors=[{
                "value": "1", "detail": "Could not find tweet with referenced_tweets.id: [1].",
                "title": "Not Found Error", "resource_type": "tweet", "parameter": "referenced_tweets.id",
                "resource_id": "1", "type": "https://api.twitter.com/2/problems/resource-not-found"}])
        self.send(status, payload, headers=h)

    def guard(self, endpoint):
        """True when the call may go on, else it was answered."""
        # One handler serves every request of a kept-alive connection.
        self.partial_errors = False
        with LOCK:
            S["calls"][endpoint] = S["calls"].get(endpoint, 0) + 1
            if S["down"] is True:
                self.drop()
                return False
            if S["down"] == "503":
                self.send(503, problem(503, "Service Unavailable", "Service Unavailable"))
                return False
            auth = self.headers.get("Authorization", "")
            token = auth[7:] if auth.startswith("Bearer ") else None
            exp = S["access"].get(token) if token else None
            if exp is None or exp <= time.time():
                self.send(401, problem(401, "Unauthorized", "Unauthorized"), headers=self.rl_headers(endpoint))
                return False
            w = self.window(endpoint)
            forced = S["forced"].get(endpoint)
            if forced and forced["count"] > 0:
                forced["count"] -= 1
                S["rate_limited"] += 1
                h = self.rl_headers(endpoint)
                h["x-rate-limit-remaining"] = "0"
                if forced["count"] == 0:
                    del S["forced"][endpoint]
                self.send(429, problem(429, "Too Many Requests", "Too Many Requests"), headers=h)
                return False
            if w["used"] >= S["budget"].get(endpoint, 1000):
                S["rate_limited"] += 1
                self.send(429, problem(429, "Too Many Requests", "Too Many Requests"),
                          headers=self.rl_headers(endpoint))
                return False
            w["used"] += 1
            g = S["garbage"].get(endpoint)
            if g and g["count"] != 0:
                g["count"] -= 1
                if g["kind"] == "errors":
                    # A real answer, with X's partial errors added (api()).
                    self.partial_errors = True
                    return True
                data, ctype = garbage_body(g["kind"])
                self.send(200, data, ctype, headers=self.rl_headers(endpoint))
                return False
        return True

    # --- objects -----------------------------------------------------------
    def user_obj(self, uid, fields):
        u = S["users"].get(uid, {"id": uid, "username": "unknown", "name": "Unknown"})
        out = {"id": u["id"], "name": u["name"], "username": u["username"]}
        return out

    def tweet_obj(self, t, fields, expansions, media_fields):
        out = {"id": t["id"], "text": t["text"], "edit_history_tweet_ids": [t["id"]]}
        for f in ("created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets", "attachments"):
            if f in fields and t.get(f) is not None:
                out[f] = t[f]
        return out

    def includes(self, items, user_key, expansions, media_fields):
        inc = {}
        if user_key in expansions:
            seen, users = set(), []
            for it in items:
                uid = it.get(user_key.split(".")[0] if "." in user_key else user_key)
                if uid and uid not in seen:
                    seen.add(uid)
                    users.append(self.user_obj(uid, None))
            if users:
                inc["users"] = users
        if "attachments.media_keys" in expansions:
            media = []
            for it in items:
                for m in it.get("_media", []):
                    obj = {"media_key": m["media_key"], "type": m["type"]}
                    if "url" in media_fields and m["type"] == "photo":
                        obj["url"] = m["url"]
                    if "preview_image_url" in media_fields and m["type"] != "photo":
                        obj["preview_image_url"] = m["url"]
                    media.append(obj)
            if media:
                inc["media"] = media
        return inc

    def page(self, endpoint, items, q, lo, hi, default):
        """Newest-first paging of @items (sorted newest first)."""
        raw = q.get("max_results", [str(default)])[0]
        if not raw.isdigit() or not lo <= int(raw) <= hi:
            return None, invalid_request("The `max_results` query parameter value [%s] is not between %d and %d" % (raw, lo, hi),
                                         {"max_results": [raw]})
        n = int(raw)
        token = q.get("pagination_token", [None])[0]
        if token is not None:
            with LOCK:
                seen = S["tokens_seen"].get(token)
            if seen is None or seen[0] != endpoint:
                return None, invalid_request("The `pagination_token` query parameter value [%s] is not valid" % token,
                                             {"pagination_token": [token]})
            items = [t for t in items if id_key(t["id"]) < id_key(seen[1])]
        chunk = items[:n]
        meta = {"result_count": len(chunk)}
        if len(items) > n:
            tok = base64.b32encode(secrets.token_bytes(10)).decode().lower().rstrip("=")
            with LOCK:
                S["tokens_seen"][tok] = (endpoint, chunk[-1]["id"])
            meta["next_token"] = tok
        return chunk, meta

    # --- the X API ---------------------------------------------------------
    def params_refused(self, endpoint, method, path, q):
        """Answers X's 400 when a path or query parameter breaks X's
        description (an unknown parameter, a field X does not have, a range)."""
        op, path_params = SPEC.operation(method, path)
        query = {k: ",".join(v) for k, v in q.items()}
        rows = SPEC.parameter_errors(op, path_params, query)
        if not rows:
            return False
        where, name, raw, _ = rows[0]
        p = SPEC.parameters(op).get((where, name))
        if p is None:
            known = sorted(n for (w, n) in SPEC.parameters(op) if w == "query")
            message = "The query parameters [%s] is not one of [%s]" % (name, ",".join(known))
        else:
            schema = p["schema"]
            schema = SPEC.resolve(schema["$ref"]) if "$ref" in schema else schema
            enum = schema.get("items", {}).get("enum") or schema.get("enum")
            if "minimum" in schema and "maximum" in schema:
                message = "The `%s` query parameter value [%s] is not between %d and %d" % (
                    name, raw, schema["minimum"], schema["maximum"])
            elif enum:
                message = "The `%s` query parameter value [%s] is not one of [%s]" % (name, raw, ",".join(enum))
            elif "pattern" in schema:
                message = "The `%s` %s parameter value [%s] does not match %s" % (name, where, raw, schema["pattern"])
            else:
                message = "The `%s` %s parameter value [%s] is not valid" % (name, where, raw)
        self.api(endpoint, 400, invalid_request(message, {name: [raw or ""]}))
        return True

    def users_me(self, q):
        if not self.guard("users_me") or self.params_refused("users_me", "GET", "/2/users/me", q):
            return
        with LOCK:
            a = dict(S["account"])
        self.api("users_me", 200, {"data": a})

    def mentions(self, uid, q):
        if not self.guard("mentions") or self.params_refused("mentions", "GET", self.path.split("?")[0], q):
            return
        with LOCK:
            if not re.fullmatch(r"[0-9]{1,19}", uid):
                return self.send(400, invalid_request("The `id` query parameter value [%s] does not match ^[0-9]{1,19}$" % uid,
                                                      {"id": [uid]}), headers=self.rl_headers("mentions"))
            if uid != S["account"]["id"]:
                return self.send(403, problem(403, "Forbidden", "Sorry, you are not authorized to see this timeline."),
                                 headers=self.rl_headers("mentions"))
            items = sorted((t for t in S["tweets"] if t.get("_mention")), key=lambda t: id_key(t["id"]), reverse=True)
        for p in ("since_id", "until_id"):
            v = q.get(p, [None])[0]
            if v is not None:
                if not re.fullmatch(r"[0-9]{1,19}", v):
                    return self.api("mentions", 400, invalid_request("The `%s` query parameter value [%s] does not match ^[0-9]{1,19}$" % (p, v), {p: [v]}))
                items = [t for t in items if (id_key(t["id"]) > id_key(v) if p == "since_id" else id_key(t["id"]) < id_key(v))]
        chunk, meta = self.page("mentions", items, q, 5, 100, 10)
        if chunk is None:
            return self.api("mentions", 400, meta)
        fields = set(",".join(q.get("tweet.fields", [""])).split(","))
        exp = set(",".join(q.get("expansions", [""])).split(","))
        mf = set(",".join(q.get("media.fields", [""])).split(","))
        answer = {}
        if chunk:
            answer["data"] = [self.tweet_obj(t, fields, exp, mf) for t in chunk]
            inc = self.includes(chunk, "author_id", exp, mf)
            if inc:
                answer["includes"] = inc
            meta = dict(meta, newest_id=chunk[0]["id"], oldest_id=chunk[-1]["id"])
        answer["meta"] = meta
        self.api("mentions", 200, answer)

    def dm_events(self, q):
        if not self.guard("dm_events") or self.params_refused("dm_events", "GET", "/2/dm_events", q):
            return
        types = ",".join(q.get("event_types", ["MessageCreate,ParticipantsJoin,ParticipantsLeave"])).split(",")
        with LOCK:
            items = sorted((e for e in S["dm_events"] if e["event_type"] in types),
                           key=lambda e: id_key(e["id"]), reverse=True)
        chunk, meta = self.page("dm_events", items, q, 1, 100, 100)
        if chunk is None:
            return self.api("dm_events", 400, meta)
        fields = set(",".join(q.get("dm_event.fields", [""])).split(","))
        exp = set(",".join(q.get("expansions", [""])).split(","))
        mf = set(",".join(q.get("media.fields", [""])).split(","))
        answer = {}
        if chunk:
            data = []
            for e in chunk:
                o = {"id": e["id"], "event_type": e["event_type"], "text": e["text"]}
                for f in ("created_at", "sender_id", "dm_conversation_id", "attachments"):
                    if f in fields and e.get(f) is not None:
                        o[f] = e[f]
                data.append(o)
            answer["data"] = data
            inc = self.includes(chunk, "sender_id", exp, mf)
            if inc:
                answer["includes"] = inc
        answer["meta"] = meta
        self.api("dm_events", 200, answer)

    def json_body(self, endpoint):
        try:
            return json.loads(self.body() or b"null")
        except (ValueError, UnicodeDecodeError):
            self.api(endpoint, 400, problem(400, "Invalid Request", "Request body is not valid JSON.",
                                            "https://api.twitter.com/2/problems/invalid-request"))
            return None

    def tweets(self):
        body = self.body()
        if not self.guard("tweets"):
            return
        try:
            req = json.loads(body)
        except ValueError:
            req = None
        if not isinstance(req, dict):
            return self.api("tweets", 400, invalid_request("Request body is not a JSON object.", {}))
        text = req.get("text")
        media_ids = (req.get("media") or {}).get("media_ids") or []
        reply_to = (req.get("reply") or {}).get("in_reply_to_tweet_id")
        if not isinstance(text, str) or (text == "" and not media_ids):
            return self.api("tweets", 400, invalid_request("$.text: is missing but it is required", {"text": []}))
        with LOCK:
            acct = S["account"]["id"]
            if weighted_length(text) > 280:
                return self.api("tweets", 403, problem(403, "Forbidden",
                    "Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text."))
            if text and any(p["text"] == text for p in S["posts"]):
                return self.api("tweets", 403, problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."))
            for m in media_ids:
                if m not in S["media"]:
                    return self.api("tweets", 400, invalid_request("Your media IDs are invalid.", {"media.media_ids": [m]}))
            parent = None
            if reply_to is not None:
                parent = next((t for t in S["tweets"] if t["id"] == reply_to), None)
                if parent is None:
                    return self.api("tweets", 403, problem(403, "Forbidden",
                        "You attempted to reply to a Tweet that is deleted or not visible to you."))
            tid = next_id()
            t = {"id": tid, "text": text, "author_id": acct, "created_at": now_iso(),
                 "conversation_id": parent["conversation_id"] if parent else tid}
            if parent:
                t["in_reply_to_user_id"] = parent["author_id"]
                t["referenced_tweets"] = [{"type": "replied_to", "id": parent["id"]}]
            if media_ids:
                t["attachments"] = {"media_keys": [S["media"][m]["media_key"] for m in media_ids]}
            S["tweets"].append(t)
            S["posts"].append({"id": tid, "text": text, "in_reply_to_tweet_id": reply_to, "media_ids": list(media_ids)})
        self.api("tweets", 201, {"data": {"id": tid, "text": text, "edit_history_tweet_ids": [tid]}})

    def dm_send(self, participant):
        body = self.body()
        if not self.guard("dm_send"):
            return
        try:
            req = json.loads(body)
        except ValueError:
            req = None
        if not isinstance(req, dict):
            return self.api("dm_send", 400, invalid_request("Request body is not a JSON object.", {}))
        text = req.get("text")
        atts = req.get("attachments") or []
        if not re.fullmatch(r"[0-9]{1,19}", participant):
            return self.api("dm_send", 400, invalid_request("The `participant_id` path parameter value [%s] does not match ^[0-9]{1,19}$" % participant,
                                                            {"participant_id": [participant]}))
        if (not isinstance(text, str) or text == "") and not atts:
            return self.api("dm_send", 400, invalid_request("$.text: is missing but it is required", {"text": []}))
        if isinstance(text, str) and len(text) > 10000:
            return self.api("dm_send", 400, invalid_request("$.text: string length exceeds 10000", {"text": []}))
        with LOCK:
            acct = S["account"]["id"]
            if participant in S["dms_closed"] or participant not in S["users"] or participant == acct:
                return self.api("dm_send", 403, problem(403, "Forbidden", "You cannot send messages to this user."))
            media_ids = []
            for a in atts:
                m = a.get("media_id") if isinstance(a, dict) else None
                if m not in S["media"]:
                    return self.api("dm_send", 400, invalid_request("Your media IDs are invalid.", {"attachments": [str(m)]}))
                media_ids.append(m)
            eid = next_id()
            conv = "-".join(sorted((acct, participant), key=id_key))
            e = {"id": eid, "event_type": "MessageCreate", "text": text or "", "sender_id": acct,
                 "dm_conversation_id": conv, "created_at": now_iso()}
            if media_ids:
                e["attachments"] = {"media_keys": [S["media"][m]["media_key"] for m in media_ids]}
            S["dm_events"].append(e)
            S["sent_dms"].append({"dm_event_id": eid, "participant_id": participant, "text": text or "", "media_ids": media_ids})
        self.api("dm_send", 201, {"data": {"dm_conversation_id": conv, "dm_event_id": eid}})

    def media_upload(self):
        body = self.body()
        if not self.guard("media_upload"):
            return
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return self.api("media_upload", 400, invalid_request("Content-Type must be multipart/form-data.", {}))
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
        parts = {}
        for part in msg.iter_parts() if msg.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if name:
                parts[name] = (part.get_content_type(), part.get_payload(decode=True) or b"")
        media = parts.get("media")
        category = parts.get("media_category", (None, b""))[1].decode(errors="replace")
        if media is None or not media[1]:
            return self.api("media_upload", 400, invalid_request("$.media: is missing but it is required", {"media": []}))
        if category not in ("tweet_image", "dm_image", "subtitles"):
            return self.api("media_upload", 400, invalid_request("$.media_category: does not have a value in the enumeration", {"media_category": [category]}))
        with LOCK:
            mid = next_id()
            S["media"][mid] = {"media_key": "3_" + mid, "category": category, "size": len(media[1]),
                               "type": media[0], "sha256": hashlib.sha256(media[1]).hexdigest()}
        # X's description requires a "meta" member in this answer (and
        # describes none of its members): an empty one.
        self.api("media_upload", 200, {"data": {"id": mid, "media_key": "3_" + mid, "size": len(media[1]),
                                                "expires_after_secs": 86400}, "meta": {}})

    # --- OAuth 2.0 ---------------------------------------------------------
    def authorize(self, query):
        with LOCK:
            S["calls"]["authorize"] = S["calls"].get("authorize", 0) + 1
        q = urllib.parse.parse_qs(query)
        one = lambda k: q.get(k, [""])[0]
        if one("response_type") != "code" or not one("redirect_uri") or not one("client_id"):
            return self.send(400, b"<html><body>Something went wrong</body></html>", "text/html")
        code = secrets.token_urlsafe(32)
        with LOCK:
            S["codes"][code] = {"challenge": one("code_challenge"), "method": one("code_challenge_method"),
                                "client_id": one("client_id"), "redirect_uri": one("redirect_uri"),
                                "scope": one("scope")}
        target = one("redirect_uri") + ("&" if "?" in one("redirect_uri") else "?") + \
            urllib.parse.urlencode({"state": one("state"), "code": code})
        self.send(302, None, headers={"Location": target})

    def new_tokens(self, lifetime=7200, scope="tweet.read tweet.write users.read dm.read dm.write offline.access media.write"):
        access = secrets.token_urlsafe(48)
        refresh = secrets.token_urlsafe(48)
        S["access"][access] = time.time() + lifetime
        S["refresh"].add(refresh)
        return {"token_type": "bearer", "expires_in": lifetime, "access_token": access,
                "scope": scope, "refresh_token": refresh}

    def token(self):
        body = self.body()
        with LOCK:
            S["calls"]["token"] = S["calls"].get("token", 0) + 1
            if S["down"] is True:
                return self.drop()
            if S["down"] == "503":
                return self.send(503, problem(503, "Service Unavailable", "Service Unavailable"))
        form = urllib.parse.parse_qs(body.decode(errors="replace"))
        one = lambda k: form.get(k, [""])[0]
        auth = self.headers.get("Authorization", "")
        basic_id = None
        if auth.startswith("Basic "):
            try:
                # RFC 6749 2.3.1: each part form-encoded, then Basic.
                cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                cid, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
            except ValueError:
                cid, secret = "", ""
            with LOCK:
                c = S["client"]
                S["basic_auth"] = S.get("basic_auth", 0) + 1
            # No client configured: any client id with a secret is accepted.
            if not cid or not secret or (c is not None and (c["id"] != cid or c.get("secret") != secret)):
                return self.send(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"})
            basic_id = cid
        else:
            with LOCK:
                c = S["client"]
            if c is not None and c.get("secret"):
                return self.send(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization header"})
        client_id = basic_id or one("client_id")
        grant = one("grant_type")
        with LOCK:
            if grant == "authorization_code":
                code = S["codes"].pop(one("code"), None)
                digest = base64.urlsafe_b64encode(hashlib.sha256(one("code_verifier").encode()).digest()).rstrip(b"=").decode()
                if code is None or code["method"] != "S256" or code["challenge"] != digest or \
                        code["redirect_uri"] != one("redirect_uri") or code["client_id"] != client_id:
                    return self.send(400, {"error": "invalid_request", "error_description": "Value passed for the token was invalid."})
                return self.send(200, self.new_tokens(scope=code["scope"] or "tweet.read users.read"))
            if grant == "refresh_token":
                S["refreshes"] += 1
                r = one("refresh_token")
                if r not in S["refresh"]:
                    return self.send(400, {"error": "invalid_request", "error_description": "Value passed for the token was invalid."})
                S["refresh"].discard(r)
                return self.send(200, self.new_tokens())
        self.send(400, {"error": "invalid_request", "error_description": "Value passed for the grant_type was invalid."})

    # --- the test's surface ------------------------------------------------
    def fake_user(self, req):
        uid, username, name = req.get("user_id"), req.get("username"), req.get("name")
        if not (isinstance(uid, str) and re.fullmatch(r"[0-9]{1,19}", uid) and isinstance(username, str)):
            raise ValueError("user_id (digits) and username are required")
        S["users"][uid] = {"id": uid, "username": username.lstrip("@"), "name": name or username.lstrip("@")}
        return uid

    def fake_media(self, req):
        out = []
        for m in req.get("media") or []:
            key = "3_" + next_id()
            out.append({"media_key": key, "type": m.get("type", "photo"),
                        "url": m.get("url") or "https://pbs.twimg.com/media/%s.jpg" % key})
        return out

    def fake_post(self, path):
        try:
            req = json.loads(self.body() or b"{}")
        except ValueError:
            return self.send(400, {"error": "not JSON"})
        with LOCK:
            try:
                if path == "/_fake/mention":
                    uid = self.fake_user(req)
                    tid = next_id()
                    t = {"id": tid, "text": req.get("text", ""), "author_id": uid, "created_at": now_iso(),
                         "conversation_id": tid, "_mention": True}
                    parent_id = req.get("in_reply_to")
                    if parent_id:
                        parent = next((p for p in S["tweets"] if p["id"] == parent_id), None)
                        t["conversation_id"] = parent["conversation_id"] if parent else parent_id
                        t["in_reply_to_user_id"] = parent["author_id"] if parent else S["account"]["id"]
                        t["referenced_tweets"] = [{"type": "replied_to", "id": parent_id}]
                    else:
                        t["in_reply_to_user_id"] = S["account"]["id"]
                    media = self.fake_media(req)
                    if media:
                        t["_media"] = media
                        t["attachments"] = {"media_keys": [m["media_key"] for m in media]}
                    S["tweets"].append(t)
                    return self.send(200, {"id": tid})
                if path == "/_fake/dm":
                    uid = self.fake_user(req)
                    eid = next_id()
                    acct = S["account"]["id"]
                    e = {"id": eid, "event_type": "MessageCreate", "text": req.get("text", ""), "sender_id": uid,
                         "dm_conversation_id": "-".join(sorted((acct, uid), key=id_key)), "created_at": now_iso()}
                    media = self.fake_media(req)
                    if media:
                        e["_media"] = media
                        e["attachments"] = {"media_keys": [m["media_key"] for m in media]}
                    S["dm_events"].append(e)
                    return self.send(200, {"id": eid})
                if path == "/_fake/grant":
                    t = self.new_tokens(int(req.get("lifetime", 7200)))
                    return self.send(200, {"access_token": t["access_token"], "refresh_token": t["refresh_token"],
                                           "expires_at": int(time.time()) + int(req.get("lifetime", 7200))})
                if path == "/_fake/control":
                    self.control(req)
                    return self.send(200, {"ok": True})
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                return self.send(400, {"error": str(e)})
        self.send(404, problem(404, "Not Found Error", "Not found"))

    def control(self, req):
        if "rate_limit" in req:
            r = req["rate_limit"]
            S["forced"][r["endpoint"]] = {"count": int(r.get("count", 1)),
                                          "reset": int(time.time()) + int(r.get("reset_in", 900))}
        if "budget" in req:
            for k, v in req["budget"].items():
                S["budget"][k] = int(v)
        if req.get("revoke"):
            S["refresh"].clear()
            S["access"].clear()
        if req.get("expire_access"):
            S["access"].clear()
        if "down" in req:
            S["down"] = req["down"] if req["down"] in (True, "503") else False
        if "garbage" in req:
            g = req["garbage"]
            if g is None:
                S["garbage"].clear()
            else:
                S["garbage"][g["endpoint"]] = {"kind": g["kind"], "count": int(g.get("count", 1))}
        if "omit_rate_headers" in req:
            S["omit_rate_headers"] = bool(req["omit_rate_headers"])
        if "dms_closed" in req:
            S["dms_closed"] = set(req["dms_closed"])
        if "client" in req:
            S["client"] = req["client"]

    def state(self):
        with LOCK:
            answer = {"calls": dict(S["calls"]), "refreshes": S["refreshes"], "rate_limited": S["rate_limited"],
                      "posts": S["posts"], "sent_dms": S["sent_dms"],
                      "media": [dict(v, id=k) for k, v in S["media"].items()],
                      "access_tokens": len(S["access"]), "refresh_tokens": len(S["refresh"]),
                      "basic_auth": S.get("basic_auth", 0),
                      "account": S["account"]}
        self.send(200, answer)

    # --- dispatch ----------------------------------------------------------
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        path = url.path
        if path == "/_fake/state":
            return self.state()
        if path == "/i/oauth2/authorize":
            return self.authorize(url.query)
        if path == "/2/users/me":
            return self.users_me(q)
        m = re.fullmatch(r"/2/users/([^/]+)/mentions", path)
        if m:
            return self.mentions(urllib.parse.unquote(m.group(1)), q)
        if path == "/2/dm_events":
            return self.dm_events(q)
        self.send(404, problem(404, "Not Found Error", "Sorry, that page does not exist."))

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        try:
            if path.startswith("/_fake/"):
                return self.fake_post(path)
            if path == "/2/oauth2/token":
                return self.token()
            if path == "/2/tweets":
                return self.tweets()
            m = re.fullmatch(r"/2/dm_conversations/with/([^/]+)/messages", path)
            if m:
                return self.dm_send(urllib.parse.unquote(m.group(1)))
            if path == "/2/media/upload":
                return self.media_upload()
        except ValueError:
            return self.send(413, problem(413, "Payload Too Large", "Payload Too Large"))
        self.send(404, problem(404, "Not Found Error", "Sorry, that page does not exist."))


def main():
    if len(sys.argv) != 3 or not re.fullmatch(r"[0-9]{1,19}", sys.argv[1]) or \
            not re.fullmatch(r"@?[A-Za-z0-9_]{1,15}", sys.argv[2]):
        sys.exit("usage: fd-x-fake.py ACCOUNT_ID @HANDLE")
    reset_state(sys.argv[1], sys.argv[2])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # A client hanging up on an answer it refuses (too large) is not an error.
    server.handle_error = lambda request, address: None
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # The parent (the test) gone, stdin reaches its end: exit with it.
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
