"""`topowire diff`: what a change to topology.yaml does, above all whether it can lose messages.

- ``sources``: read each side from a file or ``<git-ref>:<path>``;
- ``semantic``: the change list a reviewer reads (channels, consumers,
  filters, dead letters, settings, services);
- ``impact``: per cloud in ``targets``, whether each resource is created,
  updated in place, replaced or deleted, from each provider's behaviour as the
  ``clouds.<cloud>.spec.inventory`` functions describe it; destructive means a
  resource that may hold messages is deleted or replaced;
- ``replacement``: whether the provider replaces an item (shared by ``impact`` and ``dependents``);
- ``dependents``: what follows a replaced resource (policies, alarms, grants);
- ``environment``: each service's variables before and after, per cloud;
- ``renames``: a removed and a similar added name, to suggest ``renamed_from``;
- ``report``: text, Markdown (a PR comment, with a Mermaid diagram) or JSON.

Needs only the core: no Pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """One semantic change: ``op`` is added, removed, changed or renamed."""

    op: str
    subject: str
    detail: str = ""

    def as_dict(self) -> dict:
        return {"op": self.op, "subject": self.subject, "detail": self.detail}


@dataclass(frozen=True)
class Action:
    """What a deployment does to one cloud resource."""

    cloud: str
    action: str  # create | update | replace | delete
    kind: str
    name: str
    subject: str
    reason: str
    destructive: bool

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Diff:
    base: str
    head: str
    changes: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    clouds: tuple = ()
    base_topology: object = None
    head_topology: object = None
    stack: str = "dev"
    environments: list = field(default_factory=list)  # StackImpact per stack, when either side has environments
    environment: list = field(default_factory=list)   # environment.VarChange: services that must be redeployed
    renames: list = field(default_factory=list)       # renames.Suggestion: "did you mean to rename?"

    @property
    def destructive(self) -> list:
        return [a for a in self.actions if a.destructive]

    @property
    def destructive_anywhere(self) -> list:
        """Destructive actions of ``stack`` and of every environment (each stack's own resources)."""
        out = list(self.destructive)
        for env in self.environments:
            out += [a for a in env.destructive if env.stack != self.stack]
        return out
