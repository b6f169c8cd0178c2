"""An in-process moto server on a free loopback port."""

from __future__ import annotations

import contextlib
import logging
import os

from ..errors import InputError

REGION = "us-east-1"


@contextlib.contextmanager
def embedded():
    """Start moto's server on 127.0.0.1 with a free port; yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise InputError("the embedded emulator needs moto's server: pip install 'topowire[local]'") from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset(endpoint)
    try:
        yield endpoint
    finally:
        server.stop()


def clients(endpoint: str, region: str = REGION) -> dict:
    """boto3 clients for the emulator, with the fake credentials emulators accept."""
    import boto3

    session = boto3.session.Session(aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
                                    region_name=region)
    return {name: session.client(name, endpoint_url=endpoint) for name in ("sqs", "sns", "iam", "cloudwatch")}


def reset(endpoint: str) -> None:
    """Empty a moto server. moto keeps its state per process, shared by every server started in it."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).read()
