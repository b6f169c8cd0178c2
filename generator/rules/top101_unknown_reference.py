"""A service publishes to or consumes a channel that is not declared.

Every name in ``publishes`` and ``consumes`` must be a key of ``queues`` or
``topics``. A typo would otherwise deploy a service that talks to nothing.

Passing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jobs]}
      worker: {consumes: [jobs]}

Failing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jbos]}
      worker: {consumes: [jobs]}
"""

from ..diagnostics import ERROR, Finding
from .common import Names, did_you_mean

CODE = "TOP101"
NAME = "unknown-reference"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    names = set(topo.queues) | set(topo.topics)
    suggest = Names(names)
    for svc in topo.services.values():
        refs = [("publishes to", r.channel, r.path) for r in svc.publishes]
        refs += [("consumes", c.channel, c.path) for c in svc.consumes]
        for verb, name, path in refs:
            if name in names:
                continue
            hint = did_you_mean(name, suggest) or "declare it under 'queues:' or 'topics:'"
            yield Finding(CODE, LEVEL, f"service '{svc.name}' {verb} '{name}', which is neither a queue nor a topic",
                          path, hint, key=isinstance(path[-1], str))
