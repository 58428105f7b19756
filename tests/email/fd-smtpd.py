#!/usr/bin/python3
# A real SMTP server for tests/email/test-smtp.c: aiosmtpd's Controller with
# what the command line (-c aiosmtpd.handlers.Mailbox) cannot do: STARTTLS or
# implicit TLS with a certificate made by the test, AUTH PLAIN/LOGIN against
# one user, XOAUTH2 against one token, and chosen 4xx/5xx replies.
#
# Every message is stored as it came (the DATA bytes, CRLF and all) in
# DIR/new/<n>, its envelope ("MAIL FROM" then one RCPT per line) in
# DIR/env/<n>; a file appears by rename, whole. Runs until killed.
#
# Run with /usr/bin/python3 (Debian's python3-aiosmtpd).

import argparse
import base64
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, directory, rcpt_replies, data_reply, xoauth2):
        self.directory = directory
        self.rcpt_replies = rcpt_replies
        self.data_reply = data_reply
        self.xoauth2 = xoauth2
        self.count = 0
        for sub in ("tmp", "new", "env"):
            os.makedirs(os.path.join(directory, sub), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.count += 1
        name = "%06d" % self.count
        tmp = os.path.join(self.directory, "tmp", name)
        with open(tmp + ".env", "w") as f:
            f.write(envelope.mail_from + "\n")
            for rcpt in envelope.rcpt_tos:
                f.write(rcpt + "\n")
        os.rename(tmp + ".env", os.path.join(self.directory, "env", name))
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, "new", name))
        return "250 OK stored as " + name

    # XOAUTH2 (Google's and Microsoft's SASL mechanism): base64 of
    # "user=<user>\x01auth=Bearer <token>\x01\x01", as the AUTH argument or
    # after an empty challenge.
    async def auth_XOAUTH2(self, server, args):
        if self.xoauth2 is None:
            return AuthResult(success=False, handled=False, message="504 5.5.4 Unrecognized authentication type")
        if len(args) == 2:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except ValueError:
                return AuthResult(success=False, handled=False, message="501 5.5.2 Bad base64")
        else:
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=False, message="501 5.7.0 Cancelled")
        user, token = self.xoauth2
        expected = ("user=%s\x01auth=Bearer %s\x01\x01" % (user, token)).encode()
        if blob == expected:
            return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Username and Password not accepted")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", choices=("none", "starttls", "implicit"), default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--auth", help="user:password for AUTH PLAIN/LOGIN")
    parser.add_argument("--exclude-auth", action="append", default=[])
    parser.add_argument("--xoauth2", help="user:token for AUTH XOAUTH2")
    parser.add_argument("--rcpt-reply", action="append", default=[],
                        help="address=reply, e.g. a@b=451 4.2.0 Mailbox busy")
    parser.add_argument("--data-reply", help="the reply to every DATA, e.g. 554 5.7.1 Spam")
    args = parser.parse_args()

    rcpt_replies = dict(r.split("=", 1) for r in args.rcpt_reply)
    xoauth2 = tuple(args.xoauth2.split(":", 1)) if args.xoauth2 else None
    handler = Handler(args.dir, rcpt_replies, args.data_reply, xoauth2)

    kwargs = {}
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "starttls":
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
        else:
            kwargs["ssl_context"] = context
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            # handled=False: aiosmtpd answers 535 itself.
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_exclude_mechanism"] = args.exclude_auth
    elif xoauth2:
        kwargs["auth_required"] = True
        kwargs["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
    # Without TLS (loopback tests only) AUTH is allowed in clear.
    kwargs["auth_require_tls"] = args.tls != "none"

    controller = Controller(handler, hostname="127.0.0.1", port=args.port, **kwargs)
    controller.start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
