"""Golden files: reviewed snapshots of whole plans and of every diagnostic, compared by test_golden.py.

``make golden`` (``python tests/golden/golden.py``) rewrites them. An intended change of a plan or a message
updates its snapshot in the same commit, so every property value (inputs, protect, deleteBeforeReplace,
replaceOnChanges, dependsOn, outputs) and every message is pinned, and every change of one shows in review.

- ``plans/<fixture>.<cloud>.<stack>.json``: ``topowire plan --format json`` of each repository fixture
  (topology.yaml, examples/, tests/cases/<cloud>/, tests/cases/docs/) on each cloud of its targets and each
  stack its environments list (``dev`` always);
- ``diagnostics/invalid.txt``: ``validate`` of every file under tests/cases/invalid/;
- ``diagnostics/rules.txt``: every rule's failing docstring example, on every cloud;
- ``diagnostics/limits.txt``: TOP201/TOP203 at, below and above every limit of the clouds' tables;
- ``docs/<fixture>.<stack>.md``: the architecture page (``topowire docs``) of each fixture for each stack its
  environments list (``dev`` always).
"""

from __future__ import annotations

import inspect
import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PLANS = HERE / "plans"
DIAGNOSTICS = HERE / "diagnostics"
DOCS = HERE / "docs"


def fixtures() -> list:
    files = [ROOT / "topology.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]
    for sub in ("aws", "azure", "gcp", "docs"):
        files += sorted((ROOT / "tests" / "cases" / sub).glob("*.yaml"))
    return files


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def plan_cases() -> list:
    """(golden file name, fixture, cloud, stack) of every golden plan."""
    from generator.check import load_result

    out = []
    for f in fixtures():
        result = load_result(f)
        topo = result.topology
        stem = _rel(f).replace("/", "_").removesuffix(".yaml")
        for cloud in topo.targets:
            for stack in sorted({"dev", *topo.environments}):
                out.append((f"{stem}.{cloud}.{stack}.json", f, cloud, stack))
    return out


def docs_cases() -> list:
    """(golden file name, fixture, stack) of every golden architecture page."""
    from generator.check import load_result

    out = []
    for f in fixtures():
        stem = _rel(f).replace("/", "_").removesuffix(".yaml")
        for stack in sorted({"dev", *load_result(f).topology.environments}):
            out.append((f"{stem}.{stack}.md", f, stack))
    return out


def docs_text(path: Path, stack: str) -> str:
    from generator.check import load_result
    from generator.docs import render

    result = load_result(path, stack=stack)
    return render(result.topology, path.name, stacks=result.stacks, base=result.base)


def plan_text(path: Path, cloud: str, stack: str) -> str:
    from generator.plan import engine

    plan = engine.run(str(path), cloud, stack=stack)
    doc = plan.as_dict()
    doc["file"] = _rel(path)
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _diagnostic_lines(diags, name: str) -> list:
    """Diagnostics as validate prints them; the checkout's absolute path reads <repo>."""
    out = []
    for d in sorted(diags, key=lambda d: (d.line, d.col, d.code, d.message)):
        out.append(f"{name}:{d.line}:{d.col}: {d.level} {d.code} {d.message}")
        if d.hint:
            out.append(f"    hint: {d.hint}")
    return [line.replace(str(ROOT), "<repo>") for line in out]


def invalid_text() -> str:
    from generator.check import check_document
    from generator.errors import InputError
    from generator.loader import load_file

    lines = []
    for f in sorted((ROOT / "tests" / "cases" / "invalid").glob("*")):
        name = _rel(f)
        lines.append(f"== {name}")
        try:
            diags = check_document(load_file(f)).diagnostics
        except InputError as exc:
            diags = exc.diagnostics
        lines += _diagnostic_lines(diags, f.name)
    return "\n".join(lines) + "\n"


def rules_text() -> str:
    from generator import rules
    from generator.check import check_document
    from generator.docs.rules_page import rule_sections
    from generator.errors import InputError
    from generator.loader import load_bytes

    lines = []
    for rule in rules.RULES:
        example = rule_sections(rule)["failing"]
        lines.append(f"== {rule.CODE} {rule.NAME}")
        text = "version: 1\nname: demo\n" + example + "\n"
        try:
            diags = check_document(load_bytes(text, "example.yaml"), ("aws", "azure", "gcp")).diagnostics
        except InputError as exc:
            diags = exc.diagnostics
        lines += _diagnostic_lines(diags, "example.yaml")
    return "\n".join(lines) + "\n"


def limits_text() -> str:
    """TOP201 and TOP203 at, below and above every limit of every cloud's tables (``ranges()``, ``adjustments()``).

    Each document has a queue without dead-lettering first (a store where some settings do not apply) and
    the queue with the value second, so a rule that stops at the first store it skips is seen too.
    """
    from generator.check import check_document
    from generator.clouds import spec
    from generator.loader import load_bytes
    from generator.model import build

    lines = []
    for cloud, skus in (("aws", [None]), ("azure", ["Basic", "Standard", "Premium"]), ("gcp", [None])):
        for sku in skus:
            clouds = f"clouds: {{azure: {{sku: {sku}}}}}\n" if sku else ""
            head = f"version: 1\nname: demo\ntargets: [{cloud}]\n{clouds}"
            topo = build(load_bytes(head + "queues: {q1: {}}\n", "t.yaml"))
            bounds = {(r.field, b) for r in spec(cloud).ranges(topo) for b in (r.low, r.high) if b is not None}
            for adj in spec(cloud).adjustments(topo):
                bounds |= {(adj.field, v) for v in range(0, 3 * 86400) if adj.applies(v) != adj.applies(v + 1)}
            for field, bound in sorted(bounds):
                for value in (bound - 1, bound, bound + 1):
                    if value < (1 if field in ("max_receive_count", "max_message_size") else 0) or \
                            (field == "max_receive_count" and value > 1000):
                        continue  # refused by the schema first
                    setting = f"dead_letter: {{retention: {value}}}" if field == "dead_letter_retention" \
                        else f"{field}: {value}"
                    text = head + (f"queues:\n  a-off: {{dead_letter: false}}\n  b-set: {{{setting}}}\n"
                                   "services:\n  api: {publishes: [a-off, b-set]}\n"
                                   "  worker: {consumes: [a-off, b-set]}\n")
                    diags = [d for d in check_document(load_bytes(text, "t.yaml"), (cloud,)).diagnostics
                             if d.code in ("TOP201", "TOP203")]
                    lines.append(f"== {cloud}{' ' + sku if sku else ''} {field}={value}")
                    lines += _diagnostic_lines(diags, "t.yaml")
    return "\n".join(lines) + "\n"


def all_files() -> dict:
    """Golden file path -> its expected content, computed now."""
    out = {DIAGNOSTICS / "invalid.txt": invalid_text(), DIAGNOSTICS / "rules.txt": rules_text(),
           DIAGNOSTICS / "limits.txt": limits_text()}
    for name, path, cloud, stack in plan_cases():
        out[PLANS / name] = plan_text(path, cloud, stack)
    for name, path, stack in docs_cases():
        out[DOCS / name] = docs_text(path, stack)
    return out


def main() -> int:
    sink = io.StringIO()
    with redirect_stdout(sink), redirect_stderr(sink):  # the plans' warnings are not the point here
        files = all_files()
    for d in (PLANS, DIAGNOSTICS, DOCS):
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            if old not in files:
                old.unlink()
    changed = 0
    for path, text in files.items():
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            changed += 1
            print(f"wrote {_rel(path)}")
    print(f"{len(files)} golden files, {changed} changed")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
