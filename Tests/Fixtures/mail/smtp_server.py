"""Test peer: a real SMTP server (aiosmtpd) on 127.0.0.1, on a port the system picks, optionally
offering and requiring STARTTLS, or speaking TLS from the first byte (implicit TLS, as on port 465).

Prints `PORT <n>` first, then one JSON line per message received (envelope sender, recipients,
the bytes as latin-1 text, the authenticated user, whether TLS was on), and exits after
--messages messages, after --lifetime seconds, or when its standard input closes (the test that
started it is gone), whichever comes first."""
import argparse
import asyncio
import json
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--messages", type=int, default=1)
parser.add_argument("--lifetime", type=float, default=60)
parser.add_argument("--auth", help="USER:PASSWORD the server requires")
parser.add_argument("--reject-rcpt", action="append", default=[])
parser.add_argument("--login-only", action="store_true", help="offer AUTH LOGIN but not PLAIN")
parser.add_argument("--tls-cert", help="offer and require STARTTLS with this certificate (PEM)")
parser.add_argument("--tls-key", help="the certificate's private key (PEM)")
parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte instead of STARTTLS")
options = parser.parse_args()


class Handler:
    def __init__(self, done):
        self.done = done
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in options.reject_rcpt:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("latin-1"),
            "auth_user": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
            "tls": session.ssl is not None or options.implicit_tls,
        }
        print(json.dumps(record), flush=True)
        self.count += 1
        if self.count >= options.messages:
            asyncio.get_running_loop().call_later(0.05, self.done.set)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword) or options.auth is None:
        return AuthResult(success=False, handled=False)
    user, password = options.auth.split(":", 1)
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


async def main():
    done = asyncio.Event()
    handler = Handler(done)
    loop = asyncio.get_running_loop()
    context = None
    if options.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.tls_cert, options.tls_key)
    server = await loop.create_server(
        lambda: SMTP(
            handler, hostname="smtp.test", authenticator=authenticator if options.auth else None,
            auth_required=options.auth is not None, auth_require_tls=context is not None and not options.implicit_tls,
            decode_data=False, tls_context=None if options.implicit_tls else context,
            require_starttls=context is not None and not options.implicit_tls,
            auth_exclude_mechanism=["PLAIN"] if options.login_only else None),
        host="127.0.0.1", port=0, ssl=context if options.implicit_tls else None)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)

    def wait_for_parent():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(done.set)

    threading.Thread(target=wait_for_parent, daemon=True).start()
    try:
        await asyncio.wait_for(done.wait(), options.lifetime)
    except asyncio.TimeoutError:
        pass
    server.close()


asyncio.run(main())
