"""Two stacks would have the same physical-name prefix, or a stack's prefix is not a valid name.

Every physical name starts with the stack's prefix: ``<name>-<stack>``
unless the environment sets ``prefix``. Two environments with one prefix
would share (or collide on) every queue and topic; a stack whose name has
capitals, ``_`` or ``.`` needs an explicit ``prefix``. The unlisted stack
``dev`` counts, with its prefix ``<name>-dev``.

Passing:

    environments:
      staging: {}
      prod: {prefix: demo}

Failing:

    environments:
      staging: {prefix: demo}
      prod: {prefix: demo}
"""

from ..diagnostics import ERROR, Finding
from ..model import DEFAULT_STACK, PREFIX_PATTERN, default_prefix

CODE = "TOP116"
NAME = "environment-prefix"
LEVEL = ERROR


def check(ctx):
    if ctx.environment is not None:
        return  # about the file, checked once
    envs = ctx.data.get("environments") or {}
    name = ctx.data["name"]
    owners = {}  # prefix -> stack
    for stack in sorted(envs):
        env = envs[stack] or {}
        if env.get("prefix"):
            prefix, path, key = env["prefix"], ("environments", stack, "prefix"), False
        else:
            prefix, path, key = default_prefix(name, stack), ("environments", stack), True
            if not PREFIX_PATTERN.match(prefix):
                yield Finding(CODE, LEVEL, f"environment '{stack}' gives the physical-name prefix '{prefix}', which "
                              "is not a valid name (lowercase letters, digits and '-')", path,
                              f"set environments.{stack}.prefix, e.g. prefix: {name}-{_clean(stack)}", key=True)
                continue
        if prefix in owners:
            yield Finding(CODE, LEVEL, f"environments '{owners[prefix]}' and '{stack}' have the same prefix "
                          f"'{prefix}': their stacks would share every queue and topic", path,
                          "give each environment its own prefix", key=key)
            continue
        owners[prefix] = stack
    dev = default_prefix(name, DEFAULT_STACK)
    if DEFAULT_STACK not in envs and dev in owners:
        stack = owners[dev]
        yield Finding(CODE, LEVEL, f"environment '{stack}' has the prefix '{dev}' of the unlisted stack "
                      f"'{DEFAULT_STACK}': the two stacks would share every queue and topic",
                      ("environments", stack, "prefix"), "choose another prefix")


def _clean(stack: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", stack.lower()).strip("-") or "stack"
