"""An environment sets a queue or topic that the file does not declare.

An environment changes the settings of channels that exist; it cannot add
one. Its ``queues`` must name queues of the file and its ``topics`` topics,
so a typo does not silently leave a stack on the base settings.

Passing:

    queues: {jobs: {retention: 4d}}
    environments:
      prod:
        queues: {jobs: {retention: 14d}}

Failing:

    queues: {jobs: {retention: 4d}}
    environments:
      prod:
        queues: {jbos: {retention: 14d}}
"""

from ..diagnostics import ERROR, Finding
from .common import Names, did_you_mean

CODE = "TOP115"
NAME = "environment-unknown-channel"
LEVEL = ERROR


def check(ctx):
    if ctx.environment is not None:
        return  # about the file, checked once
    topo = ctx.topology
    declared = {"queues": set(topo.queues), "topics": set(topo.topics)}
    # One Names (one comparison budget) per section for the whole file: a fresh one per unknown name made N typos
    # among N queues quadratic (2,000 of each: 106 s).
    suggest = {section: Names(names) for section, names in declared.items()}
    other = {"queues": "topics", "topics": "queues"}
    for stack, env in sorted((ctx.data.get("environments") or {}).items()):
        for section in ("queues", "topics"):
            for name in sorted((env or {}).get(section) or {}):
                if name in declared[section]:
                    continue
                path = ("environments", stack, section, name)
                kind = section[:-1]
                if name in declared[other[section]]:
                    yield Finding(CODE, LEVEL, f"environment '{stack}' sets {kind} '{name}', but '{name}' is a "
                                  f"{other[section][:-1]}", path,
                                  f"move it under environments.{stack}.{other[section]}", key=True)
                    continue
                hint = did_you_mean(name, suggest[section]) or f"declare it under '{section}:' first; an " \
                    "environment changes settings, not structure"
                yield Finding(CODE, LEVEL, f"environment '{stack}' sets {kind} '{name}', which is not a {kind} of "
                              "this file", path, hint, key=True)
