"""A ``filter`` is empty, or lists no values for an attribute.

An empty attribute list would accept nothing (and the clouds reject it); an
empty filter says nothing. Remove it to receive every message.

Passing:

    topics: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {status: [succeeded, failed]}}

Failing:

    topics: {results: {}}
    services:
      api: {publishes: [results]}
      notifier:
        consumes:
          results: {filter: {status: []}}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP104"
NAME = "empty-filter"
LEVEL = ERROR


def check(ctx):
    for c in ctx.topology.all_consumers():
        if c.filter is None:
            continue
        path = c.options["filter"]
        if not c.filter:
            yield Finding(CODE, LEVEL, f"the filter of service '{c.service}' on '{c.channel}' is empty", path,
                          "remove 'filter:' to receive every message, or list attribute: [values]")
        for attr, values in c.filter:
            if not values:
                yield Finding(CODE, LEVEL, f"filter attribute '{attr}' of service '{c.service}' lists no values, "
                              "so it would accept nothing", path + (attr,),
                              f"list the accepted values, e.g. {attr}: [value-a, value-b]")
