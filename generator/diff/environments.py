"""Per environment: what a change does to each stack, with that stack's settings and physical names.

A change to ``environments.prod`` touches only prod; a change to the file
itself touches every stack whose environment does not override what
changed. Each stack is compared as the model resolves it (``Result.stack``),
so the per-cloud verdicts name the stack's own resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import DEFAULT_STACK
from . import impact, semantic

UNLISTED = "unlisted stacks"


@dataclass(frozen=True)
class StackImpact:
    label: str  # the stack, or "unlisted stacks" (shown with the names of stack dev)
    stack: str
    changes: list = field(default_factory=list)
    actions: list = field(default_factory=list)

    @property
    def destructive(self) -> list:
        return [a for a in self.actions if a.destructive]

    def as_dict(self) -> dict:
        return {"stack": self.stack, "label": self.label, "changes": [c.as_dict() for c in self.changes],
                "actions": [a.as_dict() for a in self.actions]}


def compare(base, head) -> list:
    """StackImpacts of every stack either side lists (and the unlisted ones); [] when neither has environments.

    ``base`` and ``head`` are check Results (``base`` None for a new file).
    """
    names = sorted(set(base.stacks if base is not None else ()) | set(head.stacks))
    if not names:
        return []
    rows = [(n, n) for n in names]
    if DEFAULT_STACK not in names:
        rows.insert(0, (UNLISTED, DEFAULT_STACK))
    out = []
    for label, stack in rows:
        b = base.stack(stack) if base is not None else None
        h = head.stack(stack)
        _clouds, actions = impact.all_actions(b, h)
        out.append(StackImpact(label, stack, semantic.compare(b, h), actions))
    return out
