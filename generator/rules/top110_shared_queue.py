"""A queue is consumed by several services (warning: use a topic for fan-out).

Consumers of one queue compete: each message goes to exactly one of them. If
every service should see every message, declare a topic instead.

Passing:

    topics: {events: {}}
    services:
      api: {publishes: [events]}
      billing: {consumes: [events]}
      audit: {consumes: [events]}

Failing:

    queues: {events: {}}
    services:
      api: {publishes: [events]}
      billing: {consumes: [events]}
      audit: {consumes: [events]}
"""

from ..diagnostics import WARNING, Finding

CODE = "TOP110"
NAME = "shared-queue"
LEVEL = WARNING


def check(ctx):
    topo = ctx.topology
    for q in topo.queues.values():
        consumers = topo.consumers.get(q.name, ())
        if len(consumers) > 1:
            names = ", ".join(c.service for c in consumers)
            yield Finding(CODE, LEVEL, f"queue '{q.name}' is consumed by {len(consumers)} services ({names}): each "
                          "message goes to only one of them", q.path,
                          f"if each service needs every message, move '{q.name}' under 'topics:'", key=True)
