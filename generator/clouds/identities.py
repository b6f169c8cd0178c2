"""Services named from who may send and receive (issue 28: "services where the cloud tells"), for every cloud.

Each cloud's reader finds its principals' grants on the adopted channels (AWS: IAM role policies,
clouds/aws/principals.py; Azure: role assignments; GCP: IAM bindings) and gives them here as ``Grants`` keyed by
the live resource's id. ``name_services`` turns them into services of the imported document: a principal that
receives from one service's subscriptions is that service (its identity is set); any other principal becomes a
service named after it, publishing and consuming what it may; a queue's TODO placeholder consumer goes once a
principal consumes the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .adoption import logical

PLACEHOLDER = "TODO: the service that consumes queue"  # adoption.todo_consumer's comment


@dataclass
class Grants:
    """What one principal may do on the selected channels: sets of live resource ids (ARNs, ARM ids, names)."""

    identity: str  # the value of ``identity.<key>``: a role ARN, a principal's object id, a service account email
    name: str  # what the service is named after (a role name, a service account's account id)
    label: str  # what it is in a comment: "IAM role worker", "service account worker@p.iam.gserviceaccount.com"
    send: set = field(default_factory=set)
    receive: set = field(default_factory=set)
    rename: str = ""  # a comment for a service named after it, when its name is not one a reviewer knows (Azure)


def name_services(data: dict, comments: dict, grants: list, channel_of: dict, subscription_of: dict,
                  key: str) -> list:
    """Turn each principal's grants into services of ``data`` (the document of a cloud's ``adopt.document``), in
    place; ``channel_of`` maps a live queue or topic id to ("queue" | "topic", logical name), ``subscription_of`` a
    live subscription id (AWS: the subscription's queue) to (topic logical name, service), ``key`` is the
    ``identity`` key written. Returns notes for the report."""
    notes = []
    services = data.setdefault("services", {})
    taken = set(services)
    for g in sorted(grants, key=lambda g: (g.name, g.identity)):
        owners = sorted({subscription_of[a][1] for a in g.receive if a in subscription_of})
        publishes = sorted({channel_of[a][1] for a in g.send if a in channel_of})
        consumes = sorted({channel_of[a][1] for a in g.receive if a in channel_of and channel_of[a][0] == "queue"})
        if len(owners) == 1 and "identity" not in services[owners[0]]:
            svc = owners[0]
            comments[("services", svc)] = comments.get(("services", svc), []) + [f"identity: {g.label}"]
        else:
            if len(owners) > 1:
                notes.append(f"{g.label} receives from the subscriptions of {', '.join(owners)}: one identity for "
                             "several services; it is not written on them")
            if not publishes and not consumes:
                continue
            svc = logical(g.name, None, taken)
            services[svc] = {}
            comments[("services", svc)] = [f"from {g.label}: what it may send and receive"] + \
                ([g.rename] if g.rename else [])
        entry = services[svc]
        if publishes:
            entry["publishes"] = sorted(set(entry.get("publishes", [])) | set(publishes))
        if consumes:
            current = entry.get("consumes", [])
            if isinstance(current, dict):
                current.update({c: {} for c in consumes if c not in current})
            else:
                entry["consumes"] = sorted(set(current) | set(consumes))
        entry["identity"] = {key: g.identity}
        for cname in consumes:  # the queue's consumer is known now: its placeholder goes
            for name in [n for n in services if n != svc]:
                if services[name] == {"consumes": [cname]} and \
                        (comments.get(("services", name)) or [""])[0].startswith(PLACEHOLDER):
                    del services[name]
                    comments.pop(("services", name), None)
    data["services"] = {k: services[k] for k in sorted(services)}
    return notes
