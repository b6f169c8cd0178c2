"""A setting is outside what a target cloud accepts.

Checked for each cloud in ``targets`` (narrowed by ``validate --cloud``),
on every queue and every topic subscription, with the limits of that cloud:

- AWS: visibility timeout at most 12h, retention 60s..14d, delay at most 15m,
  maximum message size 1KiB..1MiB, maxReceiveCount 1..1000.
- GCP: retention 10m..31d, at most 100 delivery attempts, messages up to 10 MB.
- Azure: maxDeliveryCount 1..2000, messages up to 256KiB (Standard) or 100MiB
  (Premium), time-to-live at most 14d on Basic.

Passing:

    queues: {jobs: {retention: 14d}}

Failing:

    queues: {jobs: {retention: 30d}}
"""

from ..clouds import origin, setting, spec, stores
from ..diagnostics import ERROR, Finding
from ..units import duration_text, size_text

CODE = "TOP201"
NAME = "limit-out-of-range"
LEVEL = ERROR


def text(value, unit):
    if unit == "duration":
        return duration_text(int(value))
    if unit == "size":
        return size_text(int(value))
    return str(value)


def _key(field: str) -> str:
    """The YAML to write for a field: the dead-letter retention is ``dead_letter: {retention: …}``."""
    return "dead_letter.retention" if field == "dead_letter_retention" else field


def _offloaded(topo) -> set:
    """ids of the settings of stores whose channel declares large_payloads: their max_message_size is the
    payload's, which may exceed the broker's (TOP213 checks those channels)."""
    from ..payloads import offloading, stores_of

    return {id(s) for c in offloading(topo) for s in stores_of(topo, c)}


def check(ctx):
    topo = ctx.topology
    offloaded = _offloaded(topo)
    for cloud in ctx.clouds:
        mod = spec(cloud)
        for r in mod.ranges(topo):
            reported = set()
            for label, s, _path in stores(topo):
                value = setting(s, r.field)
                if value is None or (r.field == "max_message_size" and id(s) in offloaded):
                    continue
                low_bad = r.low is not None and value < r.low
                high_bad = r.high is not None and value > r.high
                if not (low_bad or high_bad):
                    continue
                where = origin(s, r.field)
                if r.field == "dead_letter_retention" and where[-2:] != ("dead_letter", "retention"):
                    continue  # derived from the source's retention, whose own check reports it
                if (where, r.field) in reported:
                    continue
                reported.add((where, r.field))
                bounds = (f"between {text(r.low, r.unit)} and {text(r.high, r.unit)}" if r.low is not None
                          and r.high is not None else f"at most {text(r.high, r.unit)}" if r.high is not None
                          else f"at least {text(r.low, r.unit)}")
                limit = r.high if high_bad else r.low
                yield Finding(CODE, LEVEL,
                              f"{label}: {r.field} is {text(value, r.unit)}, but the {r.what} on {mod.TITLE} must be "
                              f"{bounds}", where,
                              f"set {_key(r.field)}: {text(limit, r.unit)}, or drop {cloud} from 'targets'"
                              + (", or declare large_payloads: true on the channel (bodies above the limit go to "
                                 "object storage, the message carries a pointer)"
                                 if r.field == "max_message_size" and high_bad else ""))
