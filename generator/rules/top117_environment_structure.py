"""An environment turns dead-lettering on or off: it would change structure, not settings.

Every stack has the same services, channels, consumers and dead-letter
channels, so one diagram is true for all of them. An environment may change
how a dead-letter channel behaves (``max_receive_count``, its
``retention``), not whether it exists.

Passing:

    queues: {jobs: {}}
    environments:
      dev:
        defaults: {dead_letter: {max_receive_count: 2}}

Failing:

    queues: {jobs: {}}
    environments:
      dev:
        defaults: {dead_letter: false}
"""

from ..clouds import origin, stores
from ..diagnostics import ERROR, Finding

CODE = "TOP117"
NAME = "environment-structure"
LEVEL = ERROR


def check(ctx):
    if ctx.environment is not None:
        return  # compares every environment with the file, once
    base = {label: s.dead_letter.enabled for label, s, _ in stores(ctx.topology)}
    for stack, topo in sorted(ctx.stacks.items()):
        reported = set()
        for label, s, _path in stores(topo):
            if s.dead_letter.enabled == base.get(label, s.dead_letter.enabled):
                continue
            where = origin(s, "dead_letter")
            if where in reported:
                continue
            reported.add(where)
            state = "on" if s.dead_letter.enabled else "off"
            yield Finding(CODE, LEVEL, f"environment '{stack}' turns dead-lettering {state} for {label} (it is "
                          f"{'off' if s.dead_letter.enabled else 'on'} in the file as written): an environment "
                          "changes settings, not structure", where,
                          "set dead_letter in the file itself; an environment may change max_receive_count "
                          "and the dead-letter retention")
