"""A local HTTP server that answers recorded REST responses, for the real SDK clients (azure-mgmt-servicebus,
google-cloud-pubsub over REST) to read: GET only, anything else is 405 and recorded, so a test can prove that
import and drift only read."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Recorded:
    def __init__(self, routes: dict):
        self.routes = routes  # path -> JSON body, or (status, JSON body)
        self.calls: list = []  # (method, path, query)
        self.endpoint = ""


@contextlib.contextmanager
def serve(routes: dict):
    """Yield (endpoint URL, Recorded) for ``routes``; a path that is not recorded is 404 in the cloud's error shape."""
    rec = Recorded(routes)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def _answer(self, status, body):
            data = json.dumps(body).replace("{endpoint}", rec.endpoint).encode()  # nextLink: absolute URLs
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            url = urlsplit(self.path)
            rec.calls.append(("GET", url.path, parse_qs(url.query)))
            query = parse_qs(url.query)
            page = (query.get("pageToken") or query.get("$skiptoken") or [None])[0]
            key = url.path + (f"?page={page}" if page else "")
            found = rec.routes.get(key)
            if found is None:
                self._answer(404, {"error": {"code": "NotFound", "message": f"{url.path} not recorded",
                                             "status": "NOT_FOUND"}})
                return
            status, body = found if isinstance(found, tuple) else (200, found)
            self._answer(status, body)

        def _refuse(self):
            rec.calls.append((self.command, urlsplit(self.path).path, {}))
            self._answer(405, {"error": {"code": "MethodNotAllowed", "message": "read-only recording"}})

        do_POST = do_PUT = do_PATCH = do_DELETE = _refuse  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec.endpoint, rec
    finally:
        server.shutdown()
        server.server_close()
