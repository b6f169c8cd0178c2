"""Per cloud: what a deployment of the change does to each resource, from the provider's behaviour."""

from __future__ import annotations

from ..clouds import spec
from ..units import duration_text
from . import Action, dependents
from .replacement import replace_reasons

# Settings that lose messages already stored when lowered in place (docs/review.md, "What loses messages").
LOWERED_LOSES = ("retention",)


def _fields(pairs) -> dict:
    return dict(pairs)


def _losses(mod, old: dict, new: dict) -> list:
    """Why an in-place update loses messages the resource already holds; empty when it does not."""
    out = []
    for field in LOWERED_LOSES:
        o, n = old.get(field), new.get(field)
        if o is not None and n is not None and n < o:
            out.append(f"{field} lowered {duration_text(o)} -> {duration_text(n)}: {mod.RETENTION_LOWERED}")
    return out


def actions(base, head, cloud: str) -> list:
    mod = spec(cloud)
    old = {i.key: i for i in (mod.inventory(base) if base is not None else [])}
    new = {i.key: i for i in (mod.inventory(head) if head is not None else [])}
    out = []
    for key in sorted(set(old) | set(new), key=lambda k: tuple(map(str, k))):
        o, n = old.get(key), new.get(key)
        if n is None:
            why = "removed from the topology" + ("; its messages are lost" if o.holds else "")
            if o.protected:
                why += ("; Pulumi refuses while it is protected: deploy 'protect: false' first (the resource still "
                        "in the file), then remove it")
            out.append(Action(cloud, "delete", o.kind, o.name, o.subject, why, o.holds))
        elif o is None:
            out.append(Action(cloud, "create", n.kind, n.name, n.subject, "new", False))
        else:
            reasons = replace_reasons(o, n)
            if reasons:
                why = "cannot change in place: " + ", ".join(reasons)
                if n.replaced:
                    why += "; " + n.replaced
                elif o.holds:
                    why += "; the old one and its messages are deleted"
                if o.protected:
                    why += "; Pulumi refuses while it is protected: deploy 'protect: false' first, then replace"
                out.append(Action(cloud, "replace", n.kind, n.name, n.subject, why, o.holds))
                continue
            ou, nu = _fields(o.update), _fields(n.update)
            changed = [k for k in sorted(set(ou) | set(nu)) if ou.get(k) != nu.get(k)]
            if changed:
                losses = _losses(mod, ou, nu) if o.holds else []
                why = "in place: " + ", ".join(changed) + "".join(f"; {loss}" for loss in losses)
                out.append(Action(cloud, "update", n.kind, n.name, n.subject, why, bool(losses)))
    return out


def all_actions(base, head) -> tuple:
    """Actions for every cloud that either side targets; a cloud dropped from targets deletes everything there."""
    clouds = tuple(c for c in ("aws", "azure", "gcp")
                   if (base is not None and c in base.targets) or (head is not None and c in head.targets))
    out = []
    for cloud in clouds:
        b = base if base is not None and cloud in base.targets else None
        h = head if head is not None and cloud in head.targets else None
        acts = actions(b, h, cloud)
        out += acts + dependents.actions(b, h, cloud, acts)
        from . import payloads  # large-payload storage: its own module (issue 32)

        out += payloads.actions(b, h, cloud)
    return clouds, out
