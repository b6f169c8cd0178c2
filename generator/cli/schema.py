"""`topowire schema`: print the JSON Schema of topology.yaml (for editors and check-jsonschema)."""

from __future__ import annotations

import sys

from .commands import COMMANDS
from ..errors import EXIT_OK


def add_parser(sub):
    p = sub.add_parser("schema", help=COMMANDS["schema"],
                       description="Print the JSON Schema (2020-12) that topology files follow.")
    p.set_defaults(run=run)
    return p


def run(args) -> int:
    from ..schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK
