"""A ``renamed_from`` is ambiguous: it names a current entry, or two entries claim it.

``renamed_from`` tells topowire (and Pulumi, through aliases) that an entry is
the one deployed under its old name. That old name must not also be a current
queue, topic or service, and only one entry may claim it.

Passing:

    queues:
      purchase-orders: {renamed_from: orders}

Failing:

    queues:
      purchase-orders: {renamed_from: orders}
      orders: {}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP114"
NAME = "rename-conflict"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    groups = {"channel": list(topo.channels()), "service": list(topo.services.values())}
    for kind, items in groups.items():
        current = {i.name for i in items}
        claimed = {}
        for i in items:
            if i.deployed_name == i.name:
                continue
            path = i.path + ("renamed_from",)
            if i.deployed_name in current:
                yield Finding(CODE, LEVEL, f"'{i.name}' is renamed_from '{i.deployed_name}', which is still declared "
                              f"as a {kind}", path, f"remove the old '{i.deployed_name}', or drop renamed_from")
            elif i.deployed_name in claimed:
                yield Finding(CODE, LEVEL, f"'{i.name}' and '{claimed[i.deployed_name]}' are both renamed_from "
                              f"'{i.deployed_name}'", path, "only one of them can keep the deployed resources")
            claimed.setdefault(i.deployed_name, i.name)
