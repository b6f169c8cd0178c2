"""`topowire plan`: the Pulumi program run under Pulumi's mock engine.

No CLI, no credentials, no cloud calls: ``pulumi.runtime.set_mocks`` with
mocks that answer like the real cloud (``clouds/<cloud>_mock.py``) and a mock
monitor that records what the engine receives for each resource: its type,
name, parent, protection, inputs (camelCase, references resolved),
dependencies and replacement options (``replaceOnChanges``,
``deleteBeforeReplace``). ``dependsOn`` is every URN the engine creates first
(explicit ``depends_on`` and resources whose outputs are inputs);
``explicitDependsOn`` is the part only an explicit ``depends_on`` orders (the
dependencies its inputs do not already imply): the ordering to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

DEFAULT_REGION = {"aws": "us-east-1", "azure": "westeurope", "gcp": "europe-west1"}
REGION_KEY = {"aws": "aws:region", "azure": "azure-native:location", "gcp": "gcp:region"}


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: Optional[str]
    custom: bool
    protect: bool
    id: Optional[str]
    inputs: dict
    outputs: dict
    aliases: list = field(default_factory=list)
    depends_on: list = field(default_factory=list)  # URNs the engine creates first: depends_on and input references
    replace_on_changes: list = field(default_factory=list)  # inputs whose change replaces the resource
    delete_before_replace: bool = False  # a replacement deletes the old one first (same physical name)
    explicit_depends_on: list = field(default_factory=list)  # URNs, sorted: what only depends_on orders
    import_id: Optional[str] = None  # the existing resource `pulumi up` adopts (the `import` resource option)
    ignore_changes: list = field(default_factory=list)  # inputs whose live value an adopted resource keeps

    def as_dict(self) -> dict:
        return {"urn": self.urn, "type": self.type, "name": self.name, "parent": self.parent, "custom": self.custom,
                "protect": self.protect, "id": self.id, "inputs": self.inputs, "outputs": self.outputs,
                "aliases": self.aliases, "dependsOn": self.depends_on, "replaceOnChanges": self.replace_on_changes,
                "deleteBeforeReplace": self.delete_before_replace, "explicitDependsOn": self.explicit_depends_on,
                **({"import": self.import_id, "ignoreChanges": self.ignore_changes} if self.import_id else {})}


@dataclass
class Plan:
    cloud: str
    file: str
    resources: list = field(default_factory=list)  # sorted by URN
    outputs: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    stack: str = "dev"
    registrations: int = 0  # RegisterResource calls: more than len(resources) means two shared a URN

    def by_type(self, typ: str) -> list:
        return [r for r in self.resources if r.type == typ]

    def one(self, typ: str, name: str) -> PlannedResource:
        [r] = [r for r in self.resources if r.type == typ and r.name == name]
        return r

    def children(self, urn: str) -> list:
        return [r for r in self.resources if r.parent == urn]

    def as_dict(self) -> dict:
        return {"cloud": self.cloud, "file": self.file, "stack": self.stack,
                "resources": [r.as_dict() for r in self.resources],
                "outputs": self.outputs}
