#!/usr/bin/python3
"""Local stand-ins of exactly the Salesforce and Zendesk REST calls that
frontdeskd uses (docs/crm.md, "Tests"), following the vendors' published
request and response shapes:

Salesforce (REST API Developer Guide):
  GET  /services/oauth2/authorize        consent: redirects with code+state
  POST /services/oauth2/token            authorization_code (PKCE S256) and
                                         refresh_token grants; no expires_in;
                                         invalid_grant once revoked
  GET  /services/data/v59.0/query?q=SOQL {"totalSize","done","records":[
                                         {"attributes":{"type","url"},"Id",…}]}
  POST /services/data/v59.0/sobjects/Task 201 {"id","success","errors"}
  401  [{"message","errorCode":"INVALID_SESSION_ID"}] for a stale token

Zendesk (Support API):
  GET  /oauth/authorizations/new, POST /oauth/tokens
  GET  /api/v2/users/search.json?query=  {"users":[…],"next_page","count"}
                                         (+ "organizations" when included)
  POST /api/v2/tickets.json              201 {"ticket":{"id",…}}, honours
                                         Idempotency-Key
  429  with Retry-After when rate-limited

Control (the test's, not a vendor's):
  POST /_control {"mode": "up"|"down"|"html"|"huge"|"malformed"|"wrongtypes",
                  "rate_limit": N, "retry_after": S, "revoke": true,
                  "expire_access": true, "rotate": true, "lose_answer": true}
  GET  /_state   what was created and asked

Usage: fd-crm-fake.py SEED.json   (prints the port on the first line)
"""

import base64
import hashlib
import json
import re
import secrets
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "mode": "up", "rate_limit": 0, "retry_after": 1, "rotate": True,
    "codes": {}, "access": set(), "refresh": set(), "tasks": [], "tickets": [],
    "idempotency": {}, "counts": {}, "refreshes": 0, "rate_limited": 0,
    "ticket_seq": 1000, "task_seq": 1,
}
SEED = {}


def soql_values(soql, field):
    out = []
    for m in re.finditer(field + r" = '((?:[^'\\]|\\.)*)'", soql):
        out.append(re.sub(r"\\(.)", r"\1", m.group(1)))
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, payload=None, ctype="application/json", headers=None):
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

    def count(self, key):
        STATE["counts"][key] = STATE["counts"].get(key, 0) + 1

    # --- OAuth -----------------------------------------------------------
    def authorize(self, query):
        q = urllib.parse.parse_qs(query)
        code = secrets.token_urlsafe(16)
        with LOCK:
            STATE["codes"][code] = {
                "challenge": q.get("code_challenge", [""])[0],
                "method": q.get("code_challenge_method", [""])[0],
                "client_id": q.get("client_id", [""])[0],
                "redirect_uri": q.get("redirect_uri", [""])[0],
            }
        target = q["redirect_uri"][0] + "?" + urllib.parse.urlencode(
            {"code": code, "state": q.get("state", [""])[0]})
        self.send(302, None, headers={"Location": target})

    def new_tokens(self, zendesk, refresh=None):
        access = secrets.token_urlsafe(24)
        STATE["access"].add(access)
        answer = {"access_token": access, "token_type": "bearer" if zendesk else "Bearer"}
        if refresh is None or STATE["rotate"]:
            if refresh is not None:
                STATE["refresh"].discard(refresh)
            refresh = secrets.token_urlsafe(24)
            STATE["refresh"].add(refresh)
            answer["refresh_token"] = refresh
        if zendesk:
            answer["scope"] = "read write"
            answer["expires_in"] = 3600
        else:
            answer["instance_url"] = "http://%s:%d" % self.server.server_address
            answer["issued_at"] = "1800000000000"
            answer["signature"] = "fake"
        return answer

    def token(self, zendesk):
        form = urllib.parse.parse_qs(self.body().decode())
        grant = form.get("grant_type", [""])[0]
        with LOCK:
            if STATE["mode"] == "down":
                return self.send(503, {"error": "unavailable"})
            if grant == "authorization_code":
                c = STATE["codes"].pop(form.get("code", [""])[0], None)
                verifier = form.get("code_verifier", [""])[0]
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if c is None or c["method"] != "S256" or c["challenge"] != digest or \
                        c["redirect_uri"] != form.get("redirect_uri", [""])[0]:
                    return self.send(400, {"error": "invalid_grant", "error_description": "bad code or verifier"})
                return self.send(200, self.new_tokens(zendesk))
            if grant == "refresh_token":
                STATE["refreshes"] += 1
                r = form.get("refresh_token", [""])[0]
                if r not in STATE["refresh"]:
                    return self.send(400, {"error": "invalid_grant", "error_description": "expired access/refresh token"})
                return self.send(200, self.new_tokens(zendesk, r))
        self.send(400, {"error": "unsupported_grant_type"})

    # --- API guards ------------------------------------------------------
    def guard(self, zendesk):
        """None when the request may go on, else it was answered."""
        with LOCK:
            mode = STATE["mode"]
            if mode == "down":
                self.send(503, b"<html><body>Service Unavailable</body></html>", "text/html")
                return False
            if STATE["rate_limit"] > 0:
                STATE["rate_limit"] -= 1
                STATE["rate_limited"] += 1
                if zendesk:
                    self.send(429, {"error": "TooManyRequests"}, headers={"Retry-After": str(STATE["retry_after"])})
                else:
                    self.send(403, [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                              headers={"Retry-After": str(STATE["retry_after"])})
                return False
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in STATE["access"]:
                if zendesk:
                    self.send(401, {"error": "invalid_token", "error_description": "The access token provided is expired, revoked, malformed or invalid"})
                else:
                    self.send(401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
                return False
            if mode == "html":
                self.send(200, b"<html><body>Maintenance</body></html>", "text/html")
                return False
            if mode == "huge":
                self.send(200, b'{"records":[' + b'{"Id":"x"},' * 200000 + b'{}]}')
                return False
            if mode == "malformed":
                self.send(200, b'{"records": [{"Id": "003', "application/json")
                return False
        return True

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        with LOCK:
            self.count("GET " + url.path)
        if url.path in ("/services/oauth2/authorize", "/oauth/authorizations/new"):
            return self.authorize(url.query)
        if url.path == "/_state":
            with LOCK:
                return self.send(200, {"tasks": STATE["tasks"], "tickets": STATE["tickets"],
                                       "counts": STATE["counts"], "refreshes": STATE["refreshes"],
                                       "rate_limited": STATE["rate_limited"]})
        if url.path == "/services/data/v59.0/query":
            if not self.guard(False):
                return
            soql = urllib.parse.parse_qs(url.query).get("q", [""])[0]
            kind = "Lead" if " FROM Lead " in soql else "Contact"
            emails = [e.lower() for e in soql_values(soql, "Email")]
            phones = soql_values(soql, "Phone") + soql_values(soql, "MobilePhone")
            records = []
            for r in SEED.get("salesforce", {}).get(kind, []):
                if (r.get("Email", "").lower() in emails) or (r.get("Phone") in phones):
                    rec = {"attributes": {"type": kind, "url": "/services/data/v59.0/sobjects/%s/%s" % (kind, r["Id"])},
                           "Id": r["Id"], "Name": r["Name"]}
                    if kind == "Lead":
                        rec["Company"] = r.get("Company")
                    else:
                        rec["Account"] = {"attributes": {"type": "Account", "url": "/x"}, "Name": r.get("Account")}
                    records.append(rec)
            if STATE["mode"] == "wrongtypes":
                return self.send(200, {"totalSize": "1", "done": "yes", "records": {"Id": 3}})
            return self.send(200, {"totalSize": len(records), "done": True, "records": records})
        if url.path == "/api/v2/users/search.json":
            if not self.guard(True):
                return
            q = urllib.parse.parse_qs(url.query)
            query = q.get("query", [""])[0].lower()
            users = [u for u in SEED.get("zendesk", {}).get("users", [])
                     if query and (u.get("email", "").lower() == query or u.get("phone") == query)]
            answer = {"users": users, "next_page": None, "previous_page": None, "count": len(users)}
            if "organizations" in q.get("include", [""])[0]:
                ids = {u.get("organization_id") for u in users}
                answer["organizations"] = [o for o in SEED.get("zendesk", {}).get("organizations", []) if o["id"] in ids]
            if STATE["mode"] == "wrongtypes":
                answer = {"users": [{"id": "12", "name": 5}], "count": "x"}
            return self.send(200, answer)
        self.send(404, {"error": "RecordNotFound"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        with LOCK:
            self.count("POST " + url.path)
        if url.path == "/_control":
            req = json.loads(self.body() or b"{}")
            with LOCK:
                for k in ("mode", "rate_limit", "retry_after", "rotate", "lose_answer"):
                    if k in req:
                        STATE[k] = req[k]
                if req.get("revoke"):
                    STATE["refresh"].clear()
                if req.get("expire_access") or req.get("revoke"):
                    STATE["access"].clear()
            return self.send(200, {"ok": True})
        if url.path == "/services/oauth2/token":
            return self.token(False)
        if url.path == "/oauth/tokens":
            return self.token(True)
        if url.path == "/services/data/v59.0/sobjects/Task":
            body = self.body()
            if not self.guard(False):
                return
            fields = json.loads(body)
            if not isinstance(fields.get("Subject"), str):
                return self.send(400, [{"message": "Required fields are missing: [Subject]", "errorCode": "REQUIRED_FIELD_MISSING"}])
            with LOCK:
                tid = "00T%012d" % STATE["task_seq"]
                STATE["task_seq"] += 1
                fields["Id"] = tid
                STATE["tasks"].append(fields)
            return self.send(201, {"id": tid, "success": True, "errors": []})
        if url.path == "/api/v2/tickets.json":
            body = self.body()
            if not self.guard(True):
                return
            key = self.headers.get("Idempotency-Key")
            with LOCK:
                if key and key in STATE["idempotency"]:
                    return self.send(201, {"ticket": STATE["idempotency"][key]},
                                     headers={"x-idempotency-lookup": "hit"})
                ticket = json.loads(body)["ticket"]
                STATE["ticket_seq"] += 1
                ticket["id"] = STATE["ticket_seq"]
                STATE["tickets"].append(ticket)
                if key:
                    STATE["idempotency"][key] = ticket
                if STATE.get("lose_answer"):
                    # Accepted, but the answer never reaches the client (as
                    # when frontdeskd dies before it records the id).
                    STATE["lose_answer"] = False
                    return self.send(502, b"<html>Bad Gateway</html>", "text/html")
            return self.send(201, {"ticket": ticket}, headers={"x-idempotency-lookup": "miss"})
        self.send(404, {"error": "RecordNotFound"})


def main():
    global SEED
    with open(sys.argv[1]) as f:
        SEED = json.load(f)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # frontdeskd hangs up on answers it refuses (too large): not an error here.
    server.handle_error = lambda request, address: None
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
