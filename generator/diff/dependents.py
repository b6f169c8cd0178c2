"""Resources that follow a replaced one: queue policies, redrive-allow policies, alarms, IAM grants.

``impact`` compares the items a reviewer recognises (queues, topics, subscriptions). A replacement
takes more along: on AWS a new queue URL replaces its queue policy and redrive-allow policy, a new DLQ
name replaces its alarm, and every IAM policy naming the queue's ARN is rewritten; on GCP and Azure
the grants on a replaced subscription are replaced. Each cloud lists them in ``clouds.<cloud>.spec.dependents``.
"""

from __future__ import annotations

from ..clouds import spec
from ..words import change
from . import Action
from .replacement import replace_reasons


def _changed(old: tuple, new: tuple) -> list:
    """The settings whose value differs between two ((setting, value), ...), sorted."""
    o, n = dict(old), dict(new)
    return [k for k in sorted(set(o) | set(n)) if o.get(k) != n.get(k)]


def replaced(base, head, cloud: str) -> dict:
    """Keys of the inventory items a deployment replaces on ``cloud`` -> (kind, name)."""
    mod = spec(cloud)
    old = {i.key: i for i in mod.inventory(base)}
    new = {i.key: i for i in mod.inventory(head)}
    return {k: (new[k].kind, new[k].name) for k in old.keys() & new.keys() if replace_reasons(old[k], new[k])}


def actions(base, head, cloud: str, already: list) -> list:
    """The dependents' actions on ``cloud``, leaving out resources ``already`` has an action for.

    A dependent comes and goes with what it follows (created with a new queue, deleted with a removed
    DLQ), and is replaced or updated when what it follows is replaced.
    """
    mod = spec(cloud)
    gone = replaced(base, head, cloud) if base is not None and head is not None else {}
    seen = {(a.kind, a.name) for a in already if a.cloud == cloud}
    old = {d.key: d for d in (mod.dependents(base) if base is not None else [])}
    new = {d.key: d for d in (mod.dependents(head) if head is not None else [])}
    old_items = {i.key: i for i in (mod.inventory(base) if base is not None else [])}
    new_items = {i.key: i for i in (mod.inventory(head) if head is not None else [])}
    out = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: tuple(map(str, k))):
        o, d = old.get(key), new.get(key)
        now = d or o
        if (now.kind, now.name) in seen:
            continue
        if d is None or o is None:
            items, other = (old_items, new_items) if d is None else (new_items, old_items)
            refs = [k for k, _ in now.refs if k in items]
            # With what it follows (a deleted queue), or alone: the service stops or starts using a channel that stays
            with_it = [k for k in refs if k not in other]
            what = next((f"{items[k].kind} {items[k].name}" for k in with_it or refs), "its resource")
            action = "delete" if d is None else "create"
            if not refs or with_it:
                why = f"goes with {what}" if d is None else f"comes with {what}"
            else:
                why = f"no longer needed on {what}, which stays" if d is None else f"now needed on {what}, which exists"
            out.append(Action(cloud, action, now.kind, now.name, now.subject, why, False))
            seen.add((now.kind, now.name))
            continue
        hits = [(gone[k], effect) for k, effect in d.refs if k in gone and effect != "none"]
        fixed = _changed(o.replace_on, d.replace_on)
        if (d.named and o.name != d.name) or fixed:
            named = [f"name {o.name} -> {d.name}"] if d.named and o.name != d.name else []
            action, why = "replace", "cannot change in place: " + ", ".join(
                named + [change(k, dict(o.replace_on).get(k), dict(d.replace_on).get(k)) for k in fixed])
        elif any(effect == "replace" for _, effect in hits):
            action, why = "replace", ""
        elif hits:
            action, why = "update", ""
        elif _changed(o.update, d.update):
            action, why = "update", "in place: " + ", ".join(_changed(o.update, d.update))
        else:
            continue
        if hits:
            (kind, name), _ = hits[0]
            cause = f"follows {kind} {name}, which is replaced; "
        else:
            cause = ""
        if action == "replace" and not why:
            why = f"{d.why} cannot change in place"
        elif action == "update" and not why:
            why = f"{d.why} changes in place"
        seen.add((d.kind, d.name))
        out.append(Action(cloud, action, d.kind, d.name, d.subject, cause + why, False))
    return out
