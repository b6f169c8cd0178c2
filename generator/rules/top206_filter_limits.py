"""A ``filter`` exceeds what a target cloud's filtering accepts.

- AWS SNS filter policies: at most 5 attributes, and at most 150 combinations
  of values (the product of the list lengths).
- Azure Service Bus SQL filters: the condition is at most 1024 characters.
- GCP Pub/Sub filters: the expression is at most 256 bytes.

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
