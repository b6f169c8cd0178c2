"""Large payloads (the claim-check pattern): which channels offload, where, and for how long.

Pure Python over the Topology, shared by the rules, the three cloud programs,
docs and diff. A channel that declares ``large_payloads`` sends a body above
its threshold to the stack's object storage under the channel's own prefix
(``<channel deployed name>/``) and the broker carries a pointer to it. Objects
must outlive every message that can still point at them: the longest
retention of the channel's stores plus their dead-letter retention
(``expiry_days``, rounded up to whole days: S3, Blob Storage and Cloud
Storage expire objects in days).
"""

from __future__ import annotations

DAY = 86400


def offloading(topo) -> list:
    """The channels that declare large payloads: queues then topics, each sorted by name."""
    return [c for c in topo.channels() if getattr(c, "large_payloads", None) is not None]


def stores_of(topo, channel) -> list:
    """The settings of every store a channel's messages sit in: the queue, or each subscription of the topic."""
    if channel.kind == "queue":
        return [channel.settings]
    subs = [c.settings for c in topo.consumers.get(channel.name, ()) if c.settings is not None]
    return subs or ([topo.defaults] if topo.defaults is not None else [])


def keep_seconds(topo, channel) -> int:
    """How long a payload may still be needed: the longest retention plus dead-letter retention of its stores."""
    out = 0
    for s in stores_of(topo, channel):
        out = max(out, s.retention + (s.dead_letter.retention if s.dead_letter.enabled else 0))
    return out


def expiry_days(topo, channel) -> int:
    """``keep_seconds`` in whole days, rounded up (at least 1)."""
    return max(1, -(-keep_seconds(topo, channel) // DAY))


def object_prefix(channel) -> str:
    """The key prefix of one channel's payloads: its deployed name and a slash (a rename keeps the objects)."""
    return f"{channel.deployed_name}/"


def threshold(topo, channel, cloud: str) -> int:
    """The size above which a body goes to storage on ``cloud``: the declared one, else the broker's limit."""
    from .clouds import spec

    lp = channel.large_payloads
    limit, _what = spec(cloud).payload_limit(topo, channel)
    return lp.threshold if lp.threshold is not None else limit


def fit(name: str, limit: int) -> str:
    """``name`` if it has at most ``limit`` characters, else its head and 8 hex digits of its sha256."""
    if len(name) <= limit:
        return name
    import hashlib  # only here: loading OpenSSL's hashes costs milliseconds of every start

    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[:limit - 9].rstrip('-')}-{digest}"
