"""A ``filter``, or a topic's subscriptions, exceed what a target cloud accepts.

- AWS SNS filter policies: at most 5 attributes, at most 150 combinations of
  values (the product of the list lengths), at most 256 KB of JSON; at most
  200 filter policies per topic (the default quota).
- Azure Service Bus: the SQL filter is at most 1,024 characters; a topic has
  at most 2,000 subscriptions (and SQL filters).
- GCP Pub/Sub filters: the expression is at most 256 bytes; a topic has at
  most 10,000 subscriptions.

Passing:

    topics: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {status: [failed]}}

Failing:

    topics: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {a: [x], b: [x], c: [x], d: [x], e: [x], f: [x]}}
"""

from ..clouds import spec
from ..diagnostics import ERROR, Finding

CODE = "TOP206"
NAME = "filter-limits"
LEVEL = ERROR


def check(ctx):
    for cloud in ctx.clouds:
        mod = spec(cloud)
        for c in ctx.topology.all_consumers():
            if c.kind != "topic" or not c.filter:
                continue
            for problem in mod.filter_problems(c.filter):
                yield Finding(CODE, LEVEL, f"the filter of '{c.service}' on topic '{c.channel}': {problem}",
                              c.options["filter"], "split the subscription, or filter the rest in the consumer",
                              key=True)
        for t in ctx.topology.topics.values():
            consumers = ctx.topology.consumers.get(t.name, ())
            for problem in mod.topic_problems(len(consumers), sum(1 for c in consumers if c.filter)):
                yield Finding(CODE, LEVEL, f"topic '{t.name}' on {mod.TITLE}: {problem}", t.path,
                              "split the topic, or let fewer services subscribe to it", key=True)
