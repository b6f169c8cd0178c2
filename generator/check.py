"""Load, schema-check, model and lint one topology file: the core of `validate`.

The core collects diagnostics and never prints. ``docs``, ``plan`` and the
Pulumi program all go through ``load_topology`` so that an invalid file stops
each of them with the same messages as ``topowire validate``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Optional

from . import model, rules, schema
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .errors import InputError
from .loader import Document, load_file


@dataclass(frozen=True)
class Result:
    file: str
    diagnostics: list = field(default_factory=list)
    topology: Optional[model.Topology] = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def check_document(doc: Document, clouds=None, warnings: bool = True) -> Result:
    """Schema, model and rules; ``warnings=False`` skips the rules that can only warn (for docs)."""
    locator = doc.locator()
    findings = schema.check(doc.data)
    if findings:
        return Result(doc.file, sort_diagnostics(locator.diagnostic(f) for f in findings))
    topo = model.build(doc)
    wanted = tuple(c for c in topo.targets if clouds is None or c in clouds)
    found = rules.run(rules.Context(topo, doc.data, wanted), warnings=warnings)
    return Result(doc.file, sort_diagnostics(locator.diagnostic(f) for f in found), topo)


def check_file(path, clouds=None, warnings: bool = True) -> Result:
    with fewer_collections():
        try:
            doc = load_file(path)
        except InputError as exc:
            return Result(str(path), sort_diagnostics(exc.diagnostics))
        return check_document(doc, clouds, warnings)


# Loading and checking allocate hundreds of thousands of small objects that stay alive, almost none of
# them in reference cycles. With CPython's default first-generation threshold (700) the cyclic collector
# ran over all of them again and again: half of `validate`'s time at 5,000 services (bench/RESULTS.md).
YOUNG_THRESHOLD = 100_000


@contextmanager
def fewer_collections():
    """Run the cyclic garbage collector less often while the block runs (restored after)."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], YOUNG_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def load_topology(path, clouds=None, warnings: bool = True) -> tuple[model.Topology, list[Diagnostic]]:
    """The Topology of a valid file, with its warnings; raises InputError otherwise."""
    result = check_file(path, clouds, warnings)
    if not result.ok:
        errors = [d for d in result.diagnostics if d.level == "error"]
        raise InputError(f"{path}: {len(errors)} error(s)", tuple(result.diagnostics))
    return result.topology, result.diagnostics
