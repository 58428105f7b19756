#!/usr/bin/python3
"""The fake X against X's own OpenAPI description (TAP; suite 'twitter').

Starts tests/twitter/fd-x-fake.py, calls every endpoint it serves, in
success and in failure, with the requests Frontdesk's client makes
(src/server/twitter/fd-x-client.c: the same query parameters), and checks
with x_openapi.py against tests/twitter/x-openapi-v2-subset.json:
  - each request's path and query parameters and JSON or form body;
  - each answer's body against the operation's response for its status and
    content type (application/json, or application/problem+json for
    errors), and X's x-rate-limit-* headers on every API answer.
The OAuth 2.0 endpoints are not in X's OpenAPI description: their answers are
checked against RFC 6749 section 5 and X's OAuth 2.0 documentation.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# No __pycache__ in the source tree.
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import x_openapi  # noqa: E402

ACCOUNT = "1500000000000000001"
# The client's query parameters (fd-x-client.c: MENTION_FIELDS, DM_FIELDS, MEDIA_FIELDS).
MENTIONS_QUERY = {
    "max_results": "100",
    "tweet.fields": "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,attachments",
    "expansions": "author_id,attachments.media_keys",
    "user.fields": "name,username",
    "media.fields": "url,type,preview_image_url",
}
DM_QUERY = {
    "max_results": "100",
    "event_types": "MessageCreate",
    "dm_event.fields": "id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids",
    "expansions": "sender_id,attachments.media_keys",
    "user.fields": "name,username",
    "media.fields": "url,type,preview_image_url",
}

SPEC = x_openapi.Spec()
RESULTS = []


def tap(ok, name, errors=()):
    RESULTS.append(ok)
    print("%s %d - %s" % ("ok" if ok else "not ok", len(RESULTS), name))
    for e in (list(errors)[:20] if not ok else []):
        print("#   " + str(e))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http(base, method, path, query=None, body=None, ctype=None, headers=None):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with OPENER.open(req, timeout=20) as r:
            return r.status, dict((k.lower(), v) for k, v in r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict((k.lower(), v) for k, v in e.headers.items()), e.read()


def multipart(fields):
    boundary = "fdxcheck" + os.urandom(8).hex()
    out = b""
    for name, (filename, ctype, data) in fields.items():
        out += b"--" + boundary.encode() + b"\r\n"
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename else "")
        out += b"Content-Disposition: " + disp.encode() + b"\r\n"
        if ctype:
            out += b"Content-Type: " + ctype.encode() + b"\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


def api(fake, token, name, method, path, want, query=None, json_body=None, form=None, raw=None, invalid=False):
    """One API call, its request and answer checked against the subset; an
    @invalid request must break X's description (and X answers 400)."""
    request_errors = []
    errors = []
    op, path_params = SPEC.operation(method, path)
    if op is None:
        tap(False, name, ["%s %s is not in the subset" % (method, path)])
        return None
    request_errors += SPEC.check_parameters(op, path_params, query or {})
    body, ctype = None, None
    if json_body is not None:
        body, ctype = json.dumps(json_body).encode(), "application/json"
        request_errors += SPEC.validate(SPEC.request_schema(op, ctype), json_body, "request")
    elif form is not None:
        body, ctype = multipart(form)
        as_object = {k: (v[2].decode("latin-1")) for k, v in form.items()}
        request_errors += SPEC.validate(SPEC.request_schema(op, "multipart/form-data"), as_object, "request")
    if invalid and not request_errors:
        errors.append("the request meant to be invalid is valid by X's description")
    elif not invalid:
        errors += request_errors
    elif raw is not None:
        body, ctype = raw, "application/json"
    headers = {"Authorization": "Bearer " + token} if token else {}
    status, h, data = http(fake, method, path, query, body, ctype, headers)
    if status != want:
        errors.append("HTTP %d, not %d: %s" % (status, want, data[:300]))
    for header in ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"):
        if status < 500 and not h.get(header, "").isdigit():
            errors.append("no integer %s header" % header)
    answer_type = (h.get("content-type") or "").split(";")[0].strip()
    if want >= 400 and answer_type != "application/problem+json":
        errors.append("an error answered as %r, not application/problem+json" % answer_type)
    schema = SPEC.response_schema(op, status, answer_type)
    if schema is None:
        errors.append("the operation describes no %s answer for HTTP %d" % (answer_type, status))
        answer = None
    else:
        try:
            answer = json.loads(data)
            errors += SPEC.validate(schema, answer, "answer")
        except ValueError:
            answer = None
            errors.append("the answer is not JSON")
    tap(not errors, name, errors)
    return answer


def control(fake, payload):
    status, _, _ = http(fake, "POST", "/_fake/control", body=json.dumps(payload).encode(), ctype="application/json")
    assert status == 200


def fake_post(fake, path, payload):
    status, _, data = http(fake, "POST", path, body=json.dumps(payload).encode(), ctype="application/json")
    assert status == 200, data
    return json.loads(data)


def check_self():
    """The checker fails what it must (each assertion could fail)."""
    s = SPEC
    cases = [
        (s.validate({"$ref": "#/components/schemas/TweetId"}, "12a"), True),
        (s.validate({"$ref": "#/components/schemas/TweetId"}, "1234"), False),
        (s.validate({"$ref": "#/components/schemas/User"}, {"id": "1", "name": "n"}), True),
        (s.validate({"$ref": "#/components/schemas/Problem"}, {"title": "x", "type": "about:blank"}), False),
        (s.validate({"$ref": "#/components/schemas/Problem"}, {"title": "x", "type": "https://example.com/other"}), True),
        (s.validate({"$ref": "#/components/schemas/Media"}, {"type": "photo", "media_key": "3_1", "url": "https://a/b"}), False),
        (s.validate({"$ref": "#/components/schemas/Media"}, {"type": "photo", "media_key": "x"}), True),
        (s.validate({"$ref": "#/components/schemas/TweetCreateRequest"}, {"text": "a", "extra": 1}), True),
        (s.validate({"$ref": "#/components/schemas/CreateMessageRequest"}, {}), True),
        (s.validate({"$ref": "#/components/schemas/CreateMessageRequest"}, {"text": "hi"}), False),
        (s.validate({"$ref": "#/components/schemas/MediaCategoryOneShot"}, "tweet_video"), True),
        (s.validate({"type": "integer", "minimum": 5, "maximum": 100}, 101), True),
        (s.validate({"type": "integer"}, True), True),
        (s.validate({"oneOf": [{"type": "string"}, {"type": "string", "minLength": 1}]}, "a"), True),
        (s.validate({"allOf": [{"type": "string"}, {"pattern": "^a"}]}, "b"), True),
        (s.validate({"type": "array", "minItems": 1, "uniqueItems": True}, ["a", "a"]), True),
        (s.validate({"type": "string", "format": "date-time"}, "2026-12-07 12:00"), True),
        (s.validate({"type": "string", "maxLength": 2}, "abc"), True),
        (s.validate({"type": "string", "enum": ["a"], "unknownKeyword": 1}, "a"), True),
    ]
    bad = [str(i) for i, (errors, want_errors) in enumerate(cases) if bool(errors) != want_errors]
    tap(not bad, "the checker accepts and refuses what it must", ["case %s" % b for b in bad])
    header = s.doc.get("x-subset-of", {})
    missing = [k for k in ("repository", "path", "commit", "info.version") if not header.get(k)]
    tap(not missing and header["info.version"] == s.doc["info"]["version"],
        "the subset names its source (repository, path, commit, info.version)", missing)


def check_oauth(fake):
    verifier = base64.urlsafe_b64encode(os.urandom(40)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect = "http://127.0.0.1:9/authorized"
    status, h, _ = http(fake, "GET", "/i/oauth2/authorize", {
        "response_type": "code", "client_id": "client-1", "redirect_uri": redirect,
        "scope": "tweet.read tweet.write users.read dm.read dm.write offline.access media.write",
        "state": "st4te", "code_challenge": challenge, "code_challenge_method": "S256"})
    location = urllib.parse.urlsplit(h.get("location", ""))
    q = urllib.parse.parse_qs(location.query)
    tap(status == 302 and h.get("location", "").startswith(redirect + "?") and q.get("state") == ["st4te"] and "code" in q,
        "authorize: 302 to the redirect_uri with code and state", ["HTTP %d %s" % (status, h.get("location"))])

    def token(form, auth=None):
        headers = {"Authorization": auth} if auth else {}
        s, hh, data = http(fake, "POST", "/2/oauth2/token", body=urllib.parse.urlencode(form).encode(),
                           ctype="application/x-www-form-urlencoded", headers=headers)
        return s, json.loads(data)

    def token_errors(answer):
        errors = []
        for k, t in (("token_type", str), ("expires_in", int), ("access_token", str), ("scope", str), ("refresh_token", str)):
            if not isinstance(answer.get(k), t):
                errors.append("%s is not a %s" % (k, t.__name__))
        if answer.get("token_type", "").lower() != "bearer":
            errors.append("token_type is not bearer")
        return errors

    bad_verifier = token({"grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": redirect,
                          "client_id": "client-1", "code_verifier": "wrong" * 10})
    tap(bad_verifier[0] == 400 and bad_verifier[1].get("error") == "invalid_request",
        "token: a wrong PKCE verifier is refused (and spends the code)", [str(bad_verifier)])
    status, h, _ = http(fake, "GET", "/i/oauth2/authorize", {
        "response_type": "code", "client_id": "client-1", "redirect_uri": redirect, "scope": "tweet.read",
        "state": "s2", "code_challenge": challenge, "code_challenge_method": "S256"})
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(h["location"]).query)["code"][0]
    s, answer = token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                       "client_id": "client-1", "code_verifier": verifier})
    tap(s == 200 and not token_errors(answer), "token: authorization_code with PKCE S256", token_errors(answer) + [str(s)])
    refresh = answer.get("refresh_token", "")
    s, rotated = token({"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "client-1"})
    tap(s == 200 and not token_errors(rotated) and rotated["refresh_token"] != refresh,
        "token: refresh_token grant rotates the refresh token", token_errors(rotated))
    s, reuse = token({"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "client-1"})
    tap(s == 400 and reuse == {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
        "token: the old refresh token is void at once (X's invalid_request)", [str((s, reuse))])
    basic = "Basic " + base64.b64encode(b"client-1:s3cret").decode()
    s, confidential = token({"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}, basic)
    tap(s == 200 and not token_errors(confidential), "token: a confidential client's secret as HTTP Basic",
        token_errors(confidential) + [str(s)])
    return confidential["access_token"]


def main():
    fake_proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fd-x-fake.py"), ACCOUNT, "@KakapoSystems"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        fake = "http://127.0.0.1:%d" % int(fake_proc.stdout.readline())
        check_self()
        token = check_oauth(fake)

        api(fake, token, "users/me", "GET", "/2/users/me", 200, {"user.fields": "name,username"})
        api(fake, "bogus", "users/me without a valid token: 401", "GET", "/2/users/me", 401)

        root = fake_post(fake, "/_fake/mention", {"user_id": "42", "username": "carol", "name": "Carol",
                                                  "text": "@KakapoSystems help", "media": [
                                                      {"type": "photo", "url": "https://pbs.twimg.com/media/a.jpg"},
                                                      {"type": "video", "url": "https://pbs.twimg.com/v/b.jpg"}]})["id"]
        for i in range(7):
            fake_post(fake, "/_fake/mention", {"user_id": "43", "username": "dave", "name": "Dave",
                                               "text": "@KakapoSystems more %d" % i, "in_reply_to": root})
        page = api(fake, token, "mentions: data, includes.users and includes.media", "GET",
                   "/2/users/%s/mentions" % ACCOUNT, 200, MENTIONS_QUERY)
        small = dict(MENTIONS_QUERY, max_results="5")
        first = api(fake, token, "mentions: a first page of 5", "GET", "/2/users/%s/mentions" % ACCOUNT, 200, small)
        api(fake, token, "mentions: the next page", "GET", "/2/users/%s/mentions" % ACCOUNT, 200,
            dict(small, pagination_token=(first or {}).get("meta", {}).get("next_token", "missing-token-xxxx")))
        api(fake, token, "mentions: since_id, nothing newer", "GET", "/2/users/%s/mentions" % ACCOUNT, 200,
            dict(MENTIONS_QUERY, since_id=(page or {}).get("meta", {}).get("newest_id", "1")))
        api(fake, token, "mentions: max_results 1000 is X's 400", "GET", "/2/users/%s/mentions" % ACCOUNT, 400,
            dict(MENTIONS_QUERY, max_results="1000"), invalid=True)
        api(fake, token, "mentions: an unknown tweet.fields value is X's 400", "GET",
            "/2/users/%s/mentions" % ACCOUNT, 400, dict(MENTIONS_QUERY, **{"tweet.fields": "text,bogus"}), invalid=True)
        control(fake, {"garbage": {"endpoint": "mentions", "kind": "errors", "count": 1}})
        partial = api(fake, token, "mentions: X's partial errors beside data", "GET",
                      "/2/users/%s/mentions" % ACCOUNT, 200, MENTIONS_QUERY)
        tap(bool(partial and partial.get("errors") and partial.get("data")), "mentions: the partial answer has data and errors")
        control(fake, {"rate_limit": {"endpoint": "mentions", "count": 1, "reset_in": 60}})
        api(fake, token, "mentions: 429 Too Many Requests", "GET", "/2/users/%s/mentions" % ACCOUNT, 429, MENTIONS_QUERY)
        api(fake, token, "mentions of another user: 403", "GET", "/2/users/12/mentions", 403, MENTIONS_QUERY)

        for i in range(3):
            fake_post(fake, "/_fake/dm", {"user_id": "44", "username": "erin", "name": "Erin", "text": "dm %d" % i,
                                          "media": [{"type": "photo", "url": "https://pbs.twimg.com/dm/c.jpg"}] if i == 0 else []})
        dms = api(fake, token, "dm_events: data and includes", "GET", "/2/dm_events", 200, DM_QUERY)
        one = api(fake, token, "dm_events: a page of 1", "GET", "/2/dm_events", 200, dict(DM_QUERY, max_results="1"))
        api(fake, token, "dm_events: the next page", "GET", "/2/dm_events", 200,
            dict(DM_QUERY, max_results="1", pagination_token=(one or {}).get("meta", {}).get("next_token", "missing-token-xxxx")))
        api(fake, token, "dm_events: max_results 0 is X's 400", "GET", "/2/dm_events", 400, dict(DM_QUERY, max_results="0"), invalid=True)
        control(fake, {"down": "503"})
        api(fake, token, "dm_events: X down, 503", "GET", "/2/dm_events", 503, DM_QUERY)
        control(fake, {"down": False})

        media = api(fake, token, "media/upload: tweet_image", "POST", "/2/media/upload", 200,
                    form={"media": ("a.png", "image/png", b"\x89PNG\r\n\x1a\n" + os.urandom(64)),
                          "media_category": (None, None, b"tweet_image")})
        api(fake, token, "media/upload: an unknown media_category is X's 400", "POST", "/2/media/upload", 400,
            form={"media": ("a.png", "image/png", b"\x89PNG"), "media_category": (None, None, b"tweet_video")}, invalid=True)
        media_id = (media or {}).get("data", {}).get("id", "1")
        api(fake, token, "tweets: a reply with media", "POST", "/2/tweets", 201,
            json_body={"text": "@carol On it.", "reply": {"in_reply_to_tweet_id": root}, "media": {"media_ids": [media_id]}})
        api(fake, token, "tweets: duplicate content is X's 403", "POST", "/2/tweets", 403,
            json_body={"text": "@carol On it.", "reply": {"in_reply_to_tweet_id": root}})
        api(fake, token, "tweets: over 280 weighted characters is X's 403", "POST", "/2/tweets", 403,
            json_body={"text": "\u4e2d" * 141})
        api(fake, token, "tweets: a reply to a post X does not show is X's 403", "POST", "/2/tweets", 403,
            json_body={"text": "hello", "reply": {"in_reply_to_tweet_id": "99"}})
        api(fake, token, "tweets: a body that is not JSON is X's 400", "POST", "/2/tweets", 400, raw=b"{text")
        control(fake, {"expire_access": True})
        api(fake, token, "tweets: an expired access token is X's 401", "POST", "/2/tweets", 401, json_body={"text": "x"})

        token2 = fake_post(fake, "/_fake/grant", {"lifetime": 600})["access_token"]
        dm_media = api(fake, token2, "media/upload: dm_image", "POST", "/2/media/upload", 200,
                       form={"media": ("b.png", "image/png", b"\x89PNG\r\n\x1a\n"), "media_category": (None, None, b"dm_image")})
        api(fake, token2, "dm_conversations/with/:id/messages: text and a media attachment", "POST",
            "/2/dm_conversations/with/44/messages", 201,
            json_body={"text": "Here you go.", "attachments": [{"media_id": (dm_media or {}).get("data", {}).get("id", "1")}]})
        control(fake, {"dms_closed": ["44"]})
        api(fake, token2, "dm_conversations/with/:id/messages: DMs closed is X's 403", "POST",
            "/2/dm_conversations/with/44/messages", 403, json_body={"text": "Hello again."})
        api(fake, token2, "dm_conversations/with/:id/messages: an empty text is X's 400", "POST",
            "/2/dm_conversations/with/45/messages", 400, raw=b'{"text": ""}')

        # Every answer above was checked; and the fake keeps the DMs apart.
        _, _, state = http(fake, "GET", "/_fake/state")
        state = json.loads(state)
        tap(len(state["posts"]) == 1 and len(state["sent_dms"]) == 1 and state["calls"].get("dm_events", 0) >= 4,
            "the fake's state records what the account created and the calls", [json.dumps(state["calls"])])
        del page, dms
    finally:
        fake_proc.stdin.close()
        fake_proc.wait(timeout=10)
    print("1..%d" % len(RESULTS))
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
