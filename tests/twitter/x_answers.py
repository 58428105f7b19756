"""The fake X's answers that are not data: RFC 7807 problems as X writes
them, and the broken bodies a test can ask for (fd-x-fake.py)."""

import json


# --- answers --------------------------------------------------------------
def problem(status, title, detail, ptype="about:blank", extra=None):
    p = {"title": title, "detail": detail, "type": ptype, "status": status}
    if extra:
        p.update(extra)
    return p


def invalid_request(message, parameters):
    return {"errors": [{"parameters": parameters, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"}


def garbage_body(kind):
    if kind == "html":
        return b"<html><body>Over capacity</body></html>", "text/html"
    if kind == "malformed":
        return b'{"data": [{"id": "17', "application/json"
    if kind == "huge":
        return b'{"data":[' + b'{"id":"1","text":"x"},' * 150000 + b'{"id":"2","text":"y"}]}', "application/json"
    if kind == "deep":
        return b'{"data":' + b'[' * 5000 + b']' * 5000 + b'}', "application/json"
    if kind == "wrongtypes":
        return b'{"data": {"id": 17, "text": ["no"]}, "meta": {"result_count": "many", "next_token": 5}}', "application/json"
    if kind == "many":
        items = [{"id": str(10**18 + i), "text": "t%d" % i, "author_id": "1"} for i in range(150)]
        return json.dumps({"data": items, "meta": {"result_count": 150}}).encode(), "application/json"
    return b"", "application/json"
