"""Two channels derive the same cloud resource name.

Cloud names are derived (``<name>-<channel>``, ``-<service>`` for a
subscription, ``-dlq`` for a dead letter), so different YAML names can meet:
a queue ``orders-audit`` and the subscription of service ``audit`` to topic
``orders`` are both ``<name>-orders-audit`` on SQS and Pub/Sub.

Passing:

    queues: {orders-archive: {}}
    topics: {orders: {}}
    services:
      shop: {publishes: [orders, orders-archive]}
      audit: {consumes: [orders, orders-archive]}

Failing:

    queues: {orders-audit: {}}
    topics: {orders: {}}
    services:
      shop: {publishes: [orders, orders-audit]}
      audit: {consumes: [orders, orders-audit]}
"""

from ..clouds import spec
from ..diagnostics import ERROR, Finding
from ..schema import where

CODE = "TOP112"
NAME = "name-collision"
LEVEL = ERROR


def check(ctx):
    for cloud in ctx.clouds:
        mod = spec(cloud)
        seen = {}
        reported = set()
        for dn in ctx.derived_names(cloud):
            key = (dn.namespace, dn.name)
            if key in seen and seen[key].path != dn.path:
                other = seen[key]
                pair = (other.path, dn.path)
                # one report per pair of YAML nodes; a queue and a topic of one name is TOP102's
                if pair in reported or (len(dn.path) == 2 and len(other.path) == 2 and dn.path[1] == other.path[1]):
                    continue
                reported.add(pair)
                yield Finding(CODE, LEVEL,
                              f"{mod.TITLE} {dn.kind} '{dn.name}' is also the name derived from "
                              f"{where(other.path)} ({other.kind})",
                              dn.path, "rename one of the channels or services so that the derived names differ",
                              key=True)
            seen.setdefault(key, dn)

