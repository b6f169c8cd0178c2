"""A consumer of a queue has a ``filter``.

Filters select what a topic delivers to each subscriber. A queue hands each
message to one of its competing consumers, so a filter there cannot work.

Passing:

    topics: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {status: [failed]}}

Failing:

    queues: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {status: [failed]}}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP103"
NAME = "filter-on-queue"
LEVEL = ERROR


def check(ctx):
    for c in ctx.topology.all_consumers():
        if c.kind == "queue" and c.filter is not None:
            yield Finding(CODE, LEVEL, f"'{c.channel}' is a queue, so service '{c.service}' cannot filter it",
                          c.options["filter"], f"make '{c.channel}' a topic to filter per subscriber, "
                          "or filter in the consumer's code", key=True)
