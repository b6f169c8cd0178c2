"""The emulator never sees the caller's AWS credentials, and a bad --endpoint is exit 1 with a message.

`local up --endpoint URL` used to sign its requests with whatever AWS keys the caller had (environment,
profile), over plain HTTP, to any host. Now it signs with the fixed dummy keys `test`/`test`, reads no
AWS_* variable nor ~/.aws, and refuses what is not an http(s) URL; an endpoint that does not answer, or
answers 5xx, is exit 1 (it was exit 3).
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading

import pytest
from moto.server import ThreadedMotoServer

from conftest import ROOT, emulator_keys, run_cli
from generator.local.emulator import reset

REAL = {"AWS_ACCESS_KEY_ID": "AKIAREALCALLERKEY000", "AWS_SECRET_ACCESS_KEY": "real-secret-do-not-leak",
        "AWS_SESSION_TOKEN": "real-session-token", "AWS_PROFILE": "production-admin",
        "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:9/elsewhere", "AWS_CA_BUNDLE": "/nonexistent/ca.pem"}
EXAMPLE = ROOT / "topology.yaml"


class Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []
    status = 500

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(dict(self.headers))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/xml")
        body = b"<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *a):
        pass


@pytest.fixture
def recorder():
    Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Recorder.seen
    server.shutdown()
    server.server_close()


def topowire(*args, env_extra=None, timeout=180):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_requests_are_signed_with_dummy_keys_and_a_5xx_is_exit_1(recorder):
    endpoint, seen = recorder
    p = topowire("local", "up", EXAMPLE, "--endpoint", endpoint, env_extra=REAL)
    assert p.returncode == 1, p.stderr
    assert f"the emulator at {endpoint} answered HTTP 500 to ListQueues" in p.stderr
    assert "Traceback" not in p.stderr
    assert seen, "the request went elsewhere (AWS_ENDPOINT_URL_SQS was obeyed?)"
    for headers in seen:
        assert "Credential=test/" in headers["Authorization"], headers["Authorization"]
        assert "X-Amz-Security-Token" not in headers
        flat = repr(headers)
        assert "AKIAREAL" not in flat and "real-secret" not in flat and "real-session-token" not in flat


@pytest.mark.parametrize("status", [500, 502, 503])
def test_every_5xx_is_exit_1(recorder, status):
    endpoint, _ = recorder
    Recorder.status = status
    try:
        p = topowire("local", "up", EXAMPLE, "--endpoint", endpoint)
    finally:
        Recorder.status = 500
    assert p.returncode == 1, p.stderr
    assert f"answered HTTP {status}" in p.stderr


def test_an_unreachable_endpoint_is_exit_1():
    with socket.socket() as s:            # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = topowire("local", "up", EXAMPLE, "--endpoint", f"http://127.0.0.1:{port}")
    assert p.returncode == 1, p.stderr
    assert f"the emulator at http://127.0.0.1:{port} cannot be used: Could not connect" in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("endpoint, message", [
    ("file:///etc/passwd", "only http:// and https:// emulator URLs are accepted (not file://)"),
    ("FILE:///root/.aws/credentials", "only http:// and https:// emulator URLs are accepted (not file://)"),
    ("ftp://localhost:21", "only http:// and https:// emulator URLs are accepted (not ftp://)"),
    ("gopher://localhost:70", "only http:// and https:// emulator URLs are accepted (not gopher://)"),
    ("localhost:4566", "only http:// and https:// emulator URLs are accepted"),
    ("/var/run/docker.sock", "only http:// and https:// emulator URLs are accepted (not a bare host)"),
    ("http://", "give scheme://host[:port][/path]"),
    ("http://user:pass@localhost:4566", "give scheme://host[:port][/path]"),
    ("http://localhost:4566/?x=1", "give scheme://host[:port][/path]"),
    ("http://local host:4566", "give scheme://host[:port][/path]"),
    ("http://localhost:4566\n", "give scheme://host[:port][/path]"),
    ("http://localhost:99999", "is not a URL"),
    ("http://[::1", "is not a URL"),
])
def test_what_is_not_an_http_url_is_refused(endpoint, message):
    code, out, err = run_cli("local", "up", str(EXAMPLE), "--endpoint", endpoint)
    assert code == 1, err
    assert message in err, err
    assert out == ""


@pytest.fixture
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset(endpoint)
    yield endpoint
    server.stop()


def test_a_real_emulator_still_works_whatever_the_callers_aws_settings(moto_endpoint, monkeypatch):
    """The caller's keys, endpoint override and CA bundle are ignored, and the environment is restored.

    (AWS_PROFILE is left out here only because the moto server of this test runs in this process and reads
    it; the subprocess tests above set it, and a missing profile would have made topowire's boto3 fail.)
    """
    emulator_keys(EXAMPLE, moto_endpoint)  # before the caller's settings: this helper is the caller
    for k, v in REAL.items():
        if k != "AWS_PROFILE":
            monkeypatch.setenv(k, v)
    before = dict(os.environ)
    code, out, err = run_cli("local", "up", str(EXAMPLE), "--endpoint", moto_endpoint, "--format", "json")
    assert code == 0, err
    assert '"endpoint": "' + moto_endpoint + '"' in out
    assert dict(os.environ) == before


def test_the_clients_hold_the_dummy_credentials(monkeypatch):
    from generator.local import emulator

    for k, v in REAL.items():
        monkeypatch.setenv(k, v)
    for name, client in emulator.clients("http://127.0.0.1:1").items():
        creds = client._request_signer._credentials
        assert (creds.access_key, creds.secret_key, creds.token) == ("test", "test", None), name
        assert client.meta.endpoint_url == "http://127.0.0.1:1", name
