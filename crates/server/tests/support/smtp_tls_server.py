"""A real SMTP server for the email tests: aiosmtpd with TLS and AUTH, as a mail relay of an
organization is (Microsoft 365, Google Workspace, SES, a corporate relay on 587).

    smtp_tls_server.py PORT CERT KEY starttls|tls USER PASSWORD OUT

`starttls`: plain at first, STARTTLS required before anything else, AUTH required after it;
`tls`: TLS from the first byte (smtps), AUTH required. Every message accepted is appended to
OUT as a JSON line: {"from", "to", "data", "tls", "login"}. Prints "READY" once it listens.
"""

import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, mode, user, password, out = sys.argv[1:8]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    # handled=False: aiosmtpd answers the refusal (535) itself.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def login_of(session):
    data = getattr(session, "auth_data", None)
    return data.login.decode() if session.authenticated and isinstance(data, LoginPassword) else None


class Record:
    async def handle_DATA(self, server, session, envelope):
        with open(out, "a", encoding="utf-8") as file:
            file.write(json.dumps({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
                "tls": server.transport.get_extra_info("ssl_object") is not None,
                "login": login_of(session),
            }) + "\n")
        return "250 OK: queued"


common = dict(
    hostname="127.0.0.1",
    port=int(port),
    authenticator=authenticator,
    auth_required=True,
)
if mode == "starttls":
    controller = Controller(Record(), tls_context=context, require_starttls=True, **common)
else:
    # The readiness probe of the controller speaks plain SMTP; with TLS from the start it
    # needs the server's context to connect.
    # aiosmtpd only counts STARTTLS as TLS for AUTH; here every byte is encrypted already.
    controller = Controller(Record(), ssl_context=context, auth_require_tls=False, **common)
controller.start()
print("READY", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    controller.stop()
