"""A hostile AWS endpoint for the real botocore clients: SQS (JSON protocol), SNS and IAM (query protocol, XML),
answering whatever a test says, so that what botocore itself does with a hostile answer (decode a policy document,
follow a next-page token) is part of what is tested."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

NS = {"sns": "http://sns.amazonaws.com/doc/2010-03-31/", "iam": "https://iam.amazonaws.com/doc/2010-05-08/"}


def xml(service: str, action: str, inner: str) -> str:
    return (f'<{action}Response xmlns="{NS[service]}"><{action}Result>{inner}</{action}Result>'
            f"<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>")


def text(value: str) -> str:
    return escape(value)


@contextlib.contextmanager
def serve(answer):
    """Yield (endpoint, calls); ``answer(action, params)`` returns the body (str: XML, dict: SQS JSON) of a call;
    ``calls`` lists (action, params, headers)."""
    calls: list = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            target = self.headers.get("X-Amz-Target", "")
            if target:  # SQS over JSON: AmazonSQS.ListQueues
                action, params = target.split(".", 1)[1], json.loads(body or "{}")
            else:
                params = {k: v[0] for k, v in parse_qs(body).items()}
                action = params.get("Action", "")
            calls.append((action, params, dict(self.headers)))
            out = answer(action, params)
            status = 200
            if isinstance(out, tuple):
                status, out = out
            data = (json.dumps(out) if isinstance(out, dict) else out).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0" if target else "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", calls
    finally:
        server.shutdown()
        server.server_close()
