"""Load, schema-check, model and lint one topology file: the core of `validate`.

The core collects diagnostics and never prints. ``docs``, ``plan`` and the
Pulumi program all go through ``load_topology`` so that an invalid file stops
each of them with the same messages as ``topowire validate``.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Optional

from . import causes, confine, model, rules, schema, slips
from .diagnostics import ERROR, Diagnostic, Finding, has_errors, sort_diagnostics
from .errors import InputError
from .loader import Document, load_file


@dataclass(frozen=True)
class Result:
    file: str
    diagnostics: list = field(default_factory=list)
    topology: Optional[model.Topology] = None
    stacks: dict = field(default_factory=dict)  # every declared environment's Topology, by stack
    base: Optional[model.Topology] = None  # the file as written (stack dev, no environment applied)
    document: Optional[Document] = None
    notes: tuple = ()  # what a reader of the report must know that is not a finding at a line (validate prints them)

    def stack(self, name: str) -> model.Topology:
        """The Topology of stack ``name``: its environment's, or the file as written for a stack not listed."""
        if name in self.stacks:
            return self.stacks[name]
        if self.base is not None and self.base.stack == name:
            return self.base
        return model.build(self.document, name)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


SKIPPED = ("the semantic checks (references, names, dead letters, cloud limits) did not run: "
           "fix the errors above first, then validate again")


def check_document(doc: Document, clouds=None, warnings: bool = True, stack: str = model.DEFAULT_STACK,
                   asked: bool = False) -> Result:
    """Schema, model and rules; ``warnings=False`` skips the rules that can only warn (for docs).

    The file as written is checked (as stack ``dev`` when ``environments``
    does not list it), then every environment it declares, each with its own
    settings and name prefix; a finding that only an environment has names
    it. The Topology returned is ``stack``'s.
    """
    locator = doc.locator()
    findings = schema.check(doc.data, len(doc.values))
    if findings:
        findings = slips.explain(doc, findings)
        return Result(doc.file, sort_diagnostics(locator.diagnostic(f) for f in findings), notes=(SKIPPED,))
    base = model.build(doc, model.DEFAULT_STACK, base=True)
    too_much = stack_work_problem(base)
    if too_much:
        return Result(doc.file, sort_diagnostics([locator.diagnostic(too_much)]))
    stacks = {name: model.build(doc, name) for name in base.environments}
    # --cloud checks the clouds asked for, also one that 'targets' does not list (can this file move there?);
    # the note says so, since plan and `pulumi up` refuse such a cloud until 'targets' lists it.
    # ``asked``: ``clouds`` is what the user named (validate --cloud); otherwise it only narrows the targets.
    if clouds and asked:
        wanted = tuple(c for c in model.CLOUDS if c in clouds)
    else:
        wanted = tuple(c for c in base.targets if clouds is None or c in clouds)
    outside = [c for c in wanted if c not in base.targets]
    notes = tuple(f"checked for {c}, which 'targets' ({', '.join(base.targets)}) does not list: "
                  f"plan and pulumi up refuse {c} until it is added to 'targets'" for c in outside)
    found = rules.run(rules.Context(base, doc.data, wanted, stacks=stacks), warnings=warnings)
    seen = set(found)
    for name, topo in stacks.items():
        for f in rules.run(rules.Context(topo, doc.data, wanted, environment=name, stacks=stacks), warnings=warnings):
            if f in seen:
                continue  # the file as written has it too: reported once, without an environment
            seen.add(f)
            found.append(replace(f, message=f"in environment '{name}': {f.message}"))
    problem = model.stack_problem(doc.data, stack)
    if problem:
        found.append(Finding("TOP116", ERROR, problem, ("name",),
                             f"name the stack with lowercase letters, digits and '-', or give it a prefix: "
                             f"environments: {{{stack}: {{prefix: <name>}}}}"))
    topo = stacks.get(stack) or (base if stack == model.DEFAULT_STACK else model.build(doc, stack))
    found = slips.explain(doc, found)
    return Result(doc.file, causes.order(sort_diagnostics(locator.diagnostic(f) for f in found)), topo, stacks,
                  base, doc, notes)


# Every environment is a whole stack: built, checked by every rule on every target, planned and diffed. One budget
# for all of them: (the file as written + each environment) x targets x resources. Three environments on three
# clouds at 10,000 resources (bench/: 5,000 services) is 120,000; 50 empty environments of a 1,000-service file,
# 102,000 (each costs a whole check: 40x the time of the file alone). Past the budget: TOP117, exit 1.
MAX_STACK_WORK = 250_000


def stack_work(topo: model.Topology) -> tuple:
    """(stacks, targets, resources, their product) of a topology: what its environments cost in all."""
    resources = len(topo.services) + len(topo.queues) + len(topo.topics) + \
        sum(len(s.consumes) for s in topo.services.values())
    stacks = 1 + len(topo.environments)
    targets = max(1, len(topo.targets))
    return stacks, targets, resources, stacks * targets * resources


def stack_work_problem(topo: model.Topology):
    """A Finding when environments x targets x resources is past MAX_STACK_WORK (checked before any of it)."""
    stacks, targets, resources, work = stack_work(topo)
    if stacks == 1 or work <= MAX_STACK_WORK:
        return None
    return Finding("TOP117", ERROR, f"{stacks} stacks (the file and {stacks - 1} environments) x {targets} "
                   f"target(s) x {resources:,} resources is {work:,} stack-resources to check, more than topowire's "
                   f"budget of {MAX_STACK_WORK:,}: every environment is a whole stack, checked, planned and diffed "
                   "on every target", ("environments",),
                   "remove the environments that change nothing (a stack not listed uses the file as written), or "
                   "split the topology", key=True)


def check_file(path, clouds=None, warnings: bool = True, stack: str = model.DEFAULT_STACK, root=None,
               asked: bool = False) -> Result:
    """``root``: the directory every file the topology names must stay in (default: the topology's own)."""
    confine.check_root(root, path)
    with fewer_collections():
        try:
            doc = load_file(path, root)
        except InputError as exc:
            return Result(str(path), sort_diagnostics(exc.diagnostics), notes=(SKIPPED,) if exc.diagnostics else ())
        return check_document(doc, clouds, warnings, stack, asked)


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


def load_topology(path, clouds=None, warnings: bool = True,
                  stack: str = model.DEFAULT_STACK, root=None) -> tuple[model.Topology, list[Diagnostic]]:
    """The Topology of ``stack`` from a valid file, with its warnings; raises InputError otherwise."""
    result = load_result(path, clouds, warnings, stack, root)
    return result.topology, result.diagnostics


def load_result(path, clouds=None, warnings: bool = True, stack: str = model.DEFAULT_STACK, root=None) -> Result:
    """The Result of a valid file (``stack``'s Topology and every environment's); raises InputError otherwise."""
    result = check_file(path, clouds, warnings, stack, root)
    if not result.ok:
        errors = [d for d in result.diagnostics if d.level == "error"]
        raise InputError(f"{path}: {len(errors)} error(s)", tuple(result.diagnostics))
    return result
