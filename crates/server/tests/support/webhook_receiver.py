"""A webhook receiver for the tests: a plain HTTP server on a free loopback port.

Every POST to /hooks/<name> is recorded and, when the test has told it the hook's secret,
verified with the `standardwebhooks` package (the specification's own Python library, not the
server's code). Each path answers as the test told it: a list of statuses used in turn (the
last one repeats), or a hang of some seconds before answering.

Control, for the test:
  PUT  /control/<name>  {"secrets": ["whsec_..."], "answers": [500, 204], "hang": 0}
  GET  /received        every request so far, oldest first

It prints `listening on <port>` once it is ready.
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()
received = []
controls = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length)

    def _answer(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        name = self.path.removeprefix("/control/")
        with lock:
            controls[name] = {"answers": [204], "hang": 0, "secrets": [], **json.loads(self._body())}
        self._answer(204)

    def do_GET(self):
        with lock:
            body = json.dumps(received).encode()
        self._answer(200, body)

    def do_POST(self):
        body = self._body()
        name = self.path.removeprefix("/hooks/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        with lock:
            control = controls.setdefault(name, {"answers": [204], "hang": 0, "secrets": []})
            answers = control["answers"]
            status = answers.pop(0) if len(answers) > 1 else answers[0]
            hang = control["hang"]
            secrets = list(control["secrets"])
        verified = {}
        for secret in secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified[secret] = True
            except WebhookVerificationError as error:
                verified[secret] = str(error)
        with lock:
            received.append({
                "name": name,
                "headers": headers,
                "body": body.decode("utf-8", "replace"),
                "verified": verified,
                "answered": status,
                "at": time.time(),
            })
        if hang:
            time.sleep(hang)
        try:
            self._answer(status, b'{"error": "receiver told to fail"}' if status >= 400 else b"")
        except (BrokenPipeError, ConnectionResetError):
            pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"listening on {server.server_address[1]}", flush=True)
sys.stdout.flush()
server.serve_forever()
