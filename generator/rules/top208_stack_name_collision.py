"""Two stacks of the file derive the same physical name on one cloud.

Prefixes differ, but one may start another: with ``prefix: demo`` in one
environment, its queue ``dev-jobs`` is ``demo-dev-jobs``, which is also the
queue ``jobs`` of the stack ``dev`` (prefix ``demo-dev``). In one account,
subscription or project the two stacks would share it, and destroying one
would delete the other's. Checked for every environment and the unlisted
stack ``dev``; names inside a stack's own Service Bus namespace cannot meet.

Passing:

    queues: {jobs: {}}
    environments:
      prod: {prefix: demo}

Failing:

    queues: {jobs: {}, dev-jobs: {}}
    environments:
      prod: {prefix: demo}
"""

from ..clouds import derived_names, spec
from ..diagnostics import ERROR, Finding
from ..model import DEFAULT_STACK

CODE = "TOP208"
NAME = "stack-name-collision"
LEVEL = ERROR


def check(ctx):
    if ctx.environment is not None or not ctx.stacks:
        return  # compares the stacks with each other, once
    stacks = dict(ctx.stacks)
    stacks.setdefault(DEFAULT_STACK, ctx.topology)
    for cloud in ctx.clouds:
        mod = spec(cloud)
        scoped = getattr(mod, "STACK_SCOPED", ())
        owners = {}
        reported = set()
        for stack, topo in sorted(stacks.items()):
            for dn in derived_names(topo, cloud):  # memoised per stack: TOP112 and TOP202 read the same list
                if dn.namespace.split(":")[0] in scoped:
                    continue
                key = (dn.namespace, dn.name)
                other = owners.setdefault(key, stack)
                if other == stack or (other, stack) in reported or topo.prefix == stacks[other].prefix:
                    continue  # one prefix for two stacks is TOP116's
                reported.add((other, stack))
                # where the fix goes: the environment's prefix (or the environment) -- not the queue or the
                # topology's `name` that the colliding name was derived from
                env = stack if topo.environment else other
                written = ctx.raw(("environments", env))
                path = ("environments", env) + (("prefix",) if isinstance(written, dict) and "prefix" in written else ())
                yield Finding(CODE, LEVEL, f"{mod.TITLE} {dn.kind} '{dn.name}' is a name of both stack '{other}' "
                              f"and stack '{stack}': in one account they would share it", path,
                              f"give environment '{stack if topo.environment else other}' a prefix that does not "
                              "start another stack's names", key=True)
