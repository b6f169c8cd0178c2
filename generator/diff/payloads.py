"""What a change does to large-payload storage: a lifecycle that no longer outlives its messages is destructive.

A channel's objects expire after ``payloads.expiry_days``: its retention plus
its dead-letter retention. A message already queued was sent under the old
settings, so its payload must survive at least the old time: a new expiry
shorter than that, a channel that stops offloading, or storage that moves
(another bucket, container or prefix) loses payloads whose pointers are
still in a queue or a dead-letter queue.
"""

from __future__ import annotations

from ..payloads import DAY, expiry_days, keep_seconds, object_prefix, offloading
from ..units import duration_text
from . import Action

KIND = "payload lifecycle rule"


def _where(topo, channel, cloud: str) -> str:
    from ..clouds import spec

    mod = spec(cloud)
    if cloud == "aws":
        bucket, prefix = mod.payload_location(topo, channel)
        return f"s3://{bucket}/{prefix}"
    if cloud == "azure":
        return f"{mod.storage_account_name(topo)}/{mod.payload_container_name(channel)}/{object_prefix(channel)}"
    return f"gs://{mod.payload_bucket_name(topo)}/{object_prefix(channel)}"


def actions(base, head, cloud: str) -> list:
    old = {c.name: c for c in offloading(base)} if base is not None else {}
    new = {c.name: c for c in offloading(head)} if head is not None else {}
    out = []
    for name in sorted(set(old) | set(new)):
        o, n = old.get(name), new.get(name)
        subject = f"{(o or n).kind} '{name}'"
        if n is None:
            out.append(Action(cloud, "delete", KIND, _where(base, o, cloud), subject,
                              "large_payloads dropped: the payloads of messages still queued or dead-lettered are "
                              "lost with their storage", True))
            continue
        if o is None:
            out.append(Action(cloud, "create", KIND, _where(head, n, cloud), subject,
                              f"new: objects expire after {expiry_days(head, n)} d", False))
            continue
        before, after = _where(base, o, cloud), _where(head, n, cloud)
        if before != after:
            out.append(Action(cloud, "replace", KIND, after, subject,
                              f"payloads move from {before}: the pointers of messages already queued name the old "
                              "place", True))
            continue
        was, now = expiry_days(base, o), expiry_days(head, n)
        if now != was:
            needed = keep_seconds(base, o)
            loses = now * DAY < needed
            why = f"in place: expiry {was} d -> {now} d"
            if loses:
                why += (f"; messages sent before the change may live {duration_text(needed)} (retention plus "
                        "dead-letter retention): their payloads would expire first")
            out.append(Action(cloud, "update", KIND, after, subject, why, loses))
    return out
