"""A derived cloud name breaks the target cloud's naming rules.

Names are derived, never typed: ``<prefix>-<channel>`` (the stack's prefix,
``<name>-<stack>`` by default), a DLQ adds ``-dlq``, an AWS FIFO queue ends in
``.fifo``, a subscription adds ``-<service>``. Each must fit its cloud: SQS 80
characters, Service Bus entities 260 and subscriptions 50, Pub/Sub 3..255
starting with a letter; checked with every environment's prefix. GCP service
account ids are shortened to fit instead (docs/gcp.md).

Passing:

    queues: {jobs: {}}

Failing:

    topics:
      model-evaluation-results-for-review: {}
    services:
      quality-dashboard-and-alerting-service:
        consumes: [model-evaluation-results-for-review]
"""

import re
from functools import lru_cache

from ..clouds import spec
from ..diagnostics import ERROR, Finding

CODE = "TOP202"
NAME = "name-limits"
LEVEL = ERROR


@lru_cache(maxsize=64)
def _compiled(pattern: str):
    return re.compile(pattern)


def check(ctx):
    for cloud in ctx.clouds:
        mod = spec(cloud)
        seen = set()
        for dn in ctx.derived_names(cloud):
            if (dn.kind, dn.name) in seen:
                continue
            seen.add((dn.kind, dn.name))
            n = len(dn.name)
            if n > dn.max_len:
                yield Finding(CODE, LEVEL, f"{mod.TITLE} {dn.kind} '{dn.name}' has {n} characters; it must have "
                              f"at most {dn.max_len}", dn.path, "shorten the topology 'name' or this name", key=True)
            # Names are never too short today (a prefix has 2 characters or more; service account ids and namespaces
            # are made to fit); one would be refused here, by the rule, which states the length.
            elif n < dn.min_len or not _compiled(dn.pattern).match(dn.name):
                yield Finding(CODE, LEVEL, f"{mod.TITLE} {dn.kind} '{dn.name}' is not a valid name: {dn.rule}",
                              dn.path, "rename it", key=True)
