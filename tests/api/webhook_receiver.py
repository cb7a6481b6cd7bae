"""A real local HTTP receiver for webhook tests (http.server in a thread). It verifies the
Standard Webhooks signature itself, from the secret it was given, with its own code: a
delivery the server signed wrongly is recorded as `verified=False`."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, headers: dict, body: bytes, *, tolerance: int = 300) -> bool:
    """What an integrator writes (docs/api-webhooks.md has the same code)."""
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split() if part.startswith("v1,")]
    return any(hmac.compare_digest(expected.decode(), signature) for signature in given)


class Receiver:
    def __init__(self):
        self.received = []  # dicts: headers, body, json, verified
        self.status_codes = []  # answered in turn; the last one repeats; empty: 204
        self.secret = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = receiver.secret is not None and verify(receiver.secret, headers, body)
                receiver.received.append(
                    {
                        "path": self.path,
                        "headers": headers,
                        "body": body,
                        "json": json.loads(body),
                        "verified": verified,
                    }
                )
                index = len(receiver.received) - 1
                codes = receiver.status_codes
                code = (codes[index] if index < len(codes) else codes[-1]) if codes else 204
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
