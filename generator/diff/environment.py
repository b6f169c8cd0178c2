"""The services' environment contract: which variables each service reads, per cloud, before and after.

A rename with ``renamed_from`` keeps every resource, but the variable names follow the YAML
(``SHIPPING_REQUESTS_QUEUE_URL`` becomes ``PARCEL_REQUESTS_QUEUE_URL``); a FIFO change gives a queue a
new URL. Either way the service must be redeployed with its new environment. Services are matched by
their deployed name (``renamed_from``), variables that keep their value under a new name are renames.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clouds import spec


@dataclass(frozen=True)
class VarChange:
    cloud: str
    service: str
    op: str        # added | removed | renamed | changed
    name: str      # the variable (its new name for a rename)
    old: str = ""  # old value, or the old name for a rename
    new: str = ""

    def text(self) -> str:
        if self.op == "added":
            return f"new {self.name}={self.new}"
        if self.op == "removed":
            return f"{self.name} is gone (was {self.old})"
        if self.op == "renamed":
            return f"{self.old} is now {self.name} (same value)"
        return f"{self.name}: {self.old} -> {self.new}"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _by_deployed(topo, env: dict) -> dict:
    return {topo.deployed(name): (name, vars_) for name, vars_ in env.items()}


def changes(base, head, clouds) -> list:
    """Every variable added, removed, renamed or changed, per cloud and service that both sides have."""
    out = []
    if base is None or head is None:
        return out
    for cloud in clouds:
        if cloud not in base.targets or cloud not in head.targets:
            continue
        mod = spec(cloud)
        old, new = _by_deployed(base, mod.environment(base)), _by_deployed(head, mod.environment(head))
        for key in sorted(old.keys() & new.keys(), key=lambda k: new[k][0]):
            service, before = new[key][0], old[key][1]
            after = new[key][1]
            gone = {k: v for k, v in before.items() if k not in after}
            added = {k: v for k, v in after.items() if k not in before}
            by_value = {}
            for k, v in gone.items():
                by_value.setdefault(v, []).append(k)
            for k, v in sorted(added.items()):
                if by_value.get(v):
                    was = by_value[v].pop(0)
                    del gone[was]
                    out.append(VarChange(cloud, service, "renamed", k, was, v))
                else:
                    out.append(VarChange(cloud, service, "added", k, "", v))
            out += [VarChange(cloud, service, "removed", k, v, "") for k, v in sorted(gone.items())]
            out += [VarChange(cloud, service, "changed", k, before[k], after[k])
                    for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    return out


def redeploy(changes_: list) -> dict:
    """service -> cloud -> [VarChange], in a stable order."""
    out: dict = {}
    for c in changes_:
        out.setdefault(c.service, {}).setdefault(c.cloud, []).append(c)
    return {s: dict(sorted(by_cloud.items())) for s, by_cloud in sorted(out.items())}
