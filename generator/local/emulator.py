"""An in-process moto server on a free loopback port."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import urllib.parse

from ..errors import InputError

REGION = "us-east-1"


@contextlib.contextmanager
def embedded(port: int | None = None):
    """Start moto's server on 127.0.0.1 (``port``, else a free one); yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise InputError("the embedded emulator needs moto's server: pip install 'topowire[local]'") from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    if port and not _free(port):
        raise InputError(f"port {port} on 127.0.0.1 is in use; choose another --port, or leave it out for a free one")
    from . import fidelity

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port or 0, verbose=False)
    server.start()
    try:  # the server stops, and moto's matcher is put back (fidelity.apply), whatever fails inside
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        reset(endpoint)
        with fidelity.apply():  # where moto differs from AWS in what topologies rely on (local/fidelity.py)
            yield endpoint
    finally:
        server.stop()


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# Emulators accept any key; these are the only ones topowire ever signs with. The caller's own AWS
# credentials, profile, config files and endpoint overrides are never read: an --endpoint is any URL the
# user (or a script) gave, and a request signed with real keys would hand them a valid signature.
DUMMY_KEY, DUMMY_SECRET = "test", "test"
SCHEMES = ("http", "https")
CONNECT_TIMEOUT, READ_TIMEOUT, ATTEMPTS = 5, 30, 2
_ENV_LOCK = threading.Lock()


def check_endpoint(endpoint: str) -> str:
    """The endpoint, when it is an http(s) URL with a host and nothing else; InputError otherwise."""
    try:
        url = urllib.parse.urlsplit(endpoint)
        url.port  # noqa: B018 -- raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise InputError(f"--endpoint {endpoint!r} is not a URL ({exc}); give e.g. http://localhost:4566") from None
    if url.scheme.lower() not in SCHEMES:
        raise InputError(f"--endpoint {endpoint!r}: only http:// and https:// emulator URLs are accepted "
                         f"(not {url.scheme + '://' if url.scheme else 'a bare host'}); give e.g. http://localhost:4566")
    if not url.hostname or url.username is not None or url.password is not None or url.query or url.fragment \
            or any(ord(ch) < 33 or ord(ch) == 127 for ch in endpoint):
        raise InputError(f"--endpoint {endpoint!r}: give scheme://host[:port][/path] with no user, password, query, "
                         "fragment or whitespace, e.g. http://localhost:4566")
    return endpoint


@contextlib.contextmanager
def _no_aws_environment():
    """botocore reads AWS_* variables and ~/.aws/ while a client is built: hide them for that moment."""
    with _ENV_LOCK:
        saved = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "BOTO_"))}
        for k in saved:
            del os.environ[k]
        os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        try:
            yield
        finally:
            for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
                os.environ.pop(k, None)
            os.environ.update(saved)


def clients(endpoint: str, region: str = REGION) -> dict:
    """boto3 clients for the emulator, signing with the fixed dummy credentials, never the caller's."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                    retries={"max_attempts": ATTEMPTS, "mode": "standard"}, s3={"addressing_style": "path"})
    with _no_aws_environment():
        session = boto3.session.Session(aws_access_key_id=DUMMY_KEY, aws_secret_access_key=DUMMY_SECRET,
                                        aws_session_token=None, region_name=region)
        return {name: session.client(name, endpoint_url=endpoint, config=config)
                for name in ("sqs", "sns", "iam", "cloudwatch", "s3", "kms")}


def probe(endpoint: str, clients: dict) -> None:
    """One cheap call, so that a wrong endpoint fails at once with a message rather than mid-deployment."""
    with answers(endpoint):
        clients["sqs"].list_queues()


@contextlib.contextmanager
def answers(endpoint: str):
    """Turn what an emulator (or whatever answers at the endpoint) does wrong into exit 1 with a message."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        code = str(exc.response.get("Error", {}).get("Code", ""))
        code = f" ({code})" if code and code != str(status) else ""
        raise InputError(f"the emulator at {endpoint} answered HTTP {status}{code} to "
                         f"{exc.operation_name}: check that it is an AWS emulator (LocalStack, moto server) "
                         "and that it is healthy") from None
    except BotoCoreError as exc:
        raise InputError(f"the emulator at {endpoint} cannot be used: {exc}. Start it (e.g. `moto_server -p 4566` "
                         "or LocalStack) or drop --endpoint to use the embedded one") from None


def reset(endpoint: str) -> None:
    """Empty a moto server. moto keeps its state per process, shared by every server started in it."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).read()
