"""A channel's payloads do not fit its broker, or its large-payload threshold is above the broker's limit.

Brokers cap a message: SQS 1 MiB, SNS 256 KiB, Service Bus 256 KB
(Standard) or 100 MB (Premium), Pub/Sub 10 MB. Checked for each cloud in
``targets``, on every channel:

- without ``large_payloads``: a ``max_message_size`` of the channel's
  stores (an SQS subscription queue of an SNS topic, for example) or the
  message's example larger than the broker carries is an error whose hint
  proposes ``large_payloads: true`` (the claim check: the body goes to object
  storage, the broker carries a pointer). Sizes above the queue's own limit
  are TOP201's.
- with ``large_payloads: {threshold: …}``: a threshold above the broker's
  limit can never be reached by a message the broker accepts: an error.

Passing:

    topics: {documents: {max_message_size: 1MiB, large_payloads: {threshold: 256KiB}}}
    services:
      api: {publishes: [documents]}
      indexer: {consumes: [documents]}

Failing:

    topics: {documents: {max_message_size: 1MiB}}
    services:
      api: {publishes: [documents]}
      indexer: {consumes: [documents]}
"""

import json

from ..clouds import spec
from ..diagnostics import ERROR, Finding
from ..payloads import stores_of
from ..units import size_text

CODE = "TOP213"
NAME = "large-payload-limits"
LEVEL = ERROR


def _yaml(n: int) -> str:
    """A size as the file writes it: 256KiB, or bytes when no unit divides it."""
    text = size_text(n)
    return text if text.endswith("iB") else str(n)


def _queue_limit(mod, topo):
    """The highest ``max_message_size`` TOP201 lets through on this cloud (it reports what is above)."""
    highs = [r.high for r in mod.ranges(topo) if r.field == "max_message_size" and r.high is not None]
    return min(highs) if highs else None


def _example_size(topo, channel):
    msg = topo.messages.get(channel.message) if channel.message else None
    if msg is None or not msg.has_example:
        return None, None
    body = msg.example if isinstance(msg.example, str) else json.dumps(msg.example, separators=(",", ":"))
    return len(body.encode("utf-8")), msg.path + ("example",)


def check(ctx):
    topo = ctx.topology
    seen = set()
    for cloud in ctx.clouds:
        mod = spec(cloud)
        queue_high = _queue_limit(mod, topo)
        for channel in topo.channels():
            limit, what = mod.payload_limit(topo, channel)
            lp = channel.large_payloads
            if lp is not None:
                if lp.threshold is not None and lp.threshold > limit and (lp.origin, cloud) not in seen:
                    seen.add((lp.origin, cloud))
                    yield Finding(CODE, LEVEL, f"{channel.kind} '{channel.name}': large_payloads threshold is "
                                  f"{size_text(lp.threshold)}, above the {size_text(limit)} of {what} on "
                                  f"{mod.TITLE}: no message the broker accepts reaches it", lp.origin + ("threshold",),
                                  f"set large_payloads: {{threshold: {_yaml(limit)}}}, or large_payloads: true "
                                  "(the broker's limit)")
                continue
            hint = (f"declare large_payloads: true on {channel.kind} '{channel.name}' (bodies above "
                    f"{size_text(limit)} go to object storage and the message carries a pointer), or keep "
                    f"messages within {size_text(limit)}")
            for s in stores_of(topo, channel):
                size = s.max_message_size
                if size is None or size <= limit or (queue_high is not None and size > queue_high):
                    continue
                where = s.origins.get("max_message_size") or channel.path
                if (where, cloud) in seen:
                    continue
                seen.add((where, cloud))
                yield Finding(CODE, LEVEL, f"{channel.kind} '{channel.name}': max_message_size is {size_text(size)}, "
                              f"but {what} on {mod.TITLE} is at most {size_text(limit)}", where, hint)
            size, where = _example_size(topo, channel)
            if size is not None and size > limit and (where, channel.name, cloud) not in seen:
                seen.add((where, channel.name, cloud))
                yield Finding(CODE, LEVEL, f"{channel.kind} '{channel.name}': its message's example is "
                              f"{size_text(size)}, but {what} on {mod.TITLE} is at most {size_text(limit)}", where,
                              hint)
