"""The ``--stack NAME`` option that plan, diff, docs and local share: the stack selects the environment."""

from __future__ import annotations

import re

from ..errors import UsageError
from ..model import DEFAULT_STACK

# Pulumi's own rule for stack names: letters, digits, '-', '_' and '.', at most 100 characters.
_STACK = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def stack_name(value: str) -> str:
    if not _STACK.match(value):
        raise UsageError(f"--stack {value!r}: a Pulumi stack name has letters, digits, '-', '_' and '.' "
                         "(at most 100 characters)")
    return value


def add_stack_argument(p) -> None:
    p.add_argument("--stack", default=DEFAULT_STACK, metavar="NAME", type=stack_name,
                   help=f"the Pulumi stack, which selects the environment of 'environments' and the physical-name "
                        f"prefix (default: {DEFAULT_STACK})")
