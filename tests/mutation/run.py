"""Mutation testing with mutmut, area by area, each with that area's tests (``make mutation AREAS=rules``).

mutmut 3 reads one ``[tool.mutmut]`` from pyproject.toml and mutates inside ``./mutants``. To run one area
with its own tests, this script copies the repository's tracked files to ``build/mutation/<area>/``, adds the
area's ``only_mutate`` and test selection to the copy's ``[tool.mutmut]``, runs ``mutmut run`` there and
prints the score. Results stay in that directory (``mutmut results``, ``mutmut show <name>`` inside it).
Not part of CI: see tests/MUTATION.md for the scores and for how long each area takes.

``SAMPLE=300 make mutation AREAS=programs`` (environment ``SAMPLE=N``, ``SEED=S``, default 1) runs a random
sample of N of the area's mutants instead of all of them: mutmut generates every mutant and records which
tests reach which function, the names are sorted and N drawn with ``random.Random(SEED)``, and only those
run. It prints the sampled score with a 95 % (Wilson) confidence interval for the whole area and writes the
sample's names to ``build/mutation/<area>/sample.txt``; re-running with the same seed draws the same names
(as long as the code, so the list of mutants, is the same). For areas too large to run in full.

``ONLY=names.txt`` (one mutant name a line, e.g. the survivors of a run) re-runs just those mutants in a fresh
copy, with the tests as they are now: how to confirm that new tests kill them.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# area -> (files to mutate, the tests that own them). mutmut forks a child per mutant; tests that start
# Pulumi's mock engine (gRPC threads) hang in children forked from a process that ran them, so pyproject's
# [tool.mutmut] sets process_isolation = "forkserver" (children fork from a server that never ran a test).
AREAS = {
    "loader": (["generator/loader.py", "generator/units.py"], ["tests/test_loader.py", "tests/test_units.py",
                                                                "tests/test_invalid_cases.py"]),
    "model": (["generator/model.py"], ["tests/test_model.py", "tests/rules", "tests/test_invalid_cases.py",
                                       "tests/golden/test_golden_diagnostics.py"]),
    # schema: without the two hypothesis tests of test_schema_fast (3.5 s a mutant; the corpus agreement tests
    # and test_schema.py's tables of _inline, _strict_patterns and _ascii_classes stay)
    "schema": (["generator/schema.py"], ["tests/test_schema.py", "tests/test_schema_fast.py",
                                        "tests/test_invalid_cases.py", "tests/golden/test_golden_diagnostics.py",
                                        "-k", "not mutated_documents and not generated_topologies"]),
    "rules": (["generator/rules/*"], ["tests/rules", "tests/test_invalid_cases.py",
                                      "tests/golden/test_golden_diagnostics.py"]),
    "specs": (["generator/clouds/aws/spec.py", "generator/clouds/azure/spec.py", "generator/clouds/gcp/spec.py",
               "generator/clouds/__init__.py"], ["tests/rules", "tests/clouds", "tests/diff", "tests/golden"]),
    # tests/diff/test_diff.py: a renamed channel or service keeps its resources (the programs' aliases).
    "programs": (["generator/clouds/aws/program.py", "generator/clouds/azure/program.py", "generator/clouds/gcp/program.py"],
                 ["tests/clouds", "tests/golden", "tests/reliability/test_guarantees.py", "tests/diff/test_diff.py"]),
    # Not tests/reliability/test_git_injection.py: it runs `python -m generator` in a temporary repository, where
    # the mutated code cannot find mutmut's configuration and fails, whichever the mutant (a false "killed").
    "diff": (["generator/diff/*"], ["tests/diff", "tests/reliability/test_markup_injection.py"]),
    # docs: the Mermaid-renderer tests (chromium, ~15 s) only catch diagrams the renderer refuses; every
    # diagram line is already pinned by docs/architecture.md and the golden pages, the parts' limits by
    # test_diagram_parts.py's tests that do not render.
    # escape: every context's escaping, by the hostile-markup tests, the fast paths' written-out values and the
    # docs (not the renderer's or check-jsonschema's runs, nor the subprocess tests of start-up imports).
    "escape": (["generator/escape.py"], ["tests/reliability/test_markup_injection.py", "tests/test_speed_paths.py",
                                        "tests/test_docs.py", "-k", "not render and not renders and not renderer and "
                                        "not check_jsonschema and not ecma and not imports and not subcommand and "
                                        "not help and not starts_without and not compiled_validator"]),
    # plan: the SDK shortcuts `topowire plan` swaps in (answers checked against the SDK's own functions)
    "plan": (["generator/plan/sdk_shortcuts.py"], ["tests/test_plan_speedups.py"]),
    "docs": (["generator/docs/*"], ["tests/test_docs.py", "tests/golden/test_golden_docs.py", "tests/test_diagram_parts.py",
                                    "tests/test_speed_paths.py::test_docs_tables_are_what_the_template_wrote",
                                    "tests/test_speed_paths.py::test_diagram_labels_at_once_agree_with_one_at_a_time",
                                    "-k", "not renders and not renderer"]),
}


def main(argv) -> int:
    if len(argv) != 1 or argv[0] not in AREAS:
        print(f"usage: run.py AREA   (one of: {', '.join(AREAS)})", file=sys.stderr)
        return 2
    area = argv[0]
    mutate, tests = AREAS[area]
    work = ROOT / "build" / "mutation" / area
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split("\n")
    for rel in filter(None, tracked):
        src = ROOT / rel
        if src.is_file() and not src.is_symlink():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, work / rel)
    for link in ("node_modules", ".venv"):
        if (ROOT / link).exists():
            (work / link).symlink_to((ROOT / link).resolve())
    pyproject = (work / "pyproject.toml").read_text("utf-8")
    assert "\n[tool.mutmut]\n" in pyproject, "pyproject.toml has no [tool.mutmut] section"
    tops = sorted({rel.split("/", 1)[0] for rel in tracked if rel} - {"generator", "tests", "pyproject.toml"})
    area_keys = (f"only_mutate = {json.dumps(mutate)}\npytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
                 f"also_copy = {json.dumps(tops)}\n")
    (work / "pyproject.toml").write_text(pyproject.replace("\n[tool.mutmut]\n", "\n[tool.mutmut]\n" + area_keys), "utf-8")
    # Subprocesses of the tests (the CLI in a fresh interpreter) import the mutants too. The directory must exist
    # before Python starts: a PYTHONPATH entry missing at startup is cached as absent.
    (work / "mutants").mkdir()
    for link in ("node_modules", ".venv"):  # mutmut runs the tests inside mutants/ (mermaid-cli, check-jsonschema)
        if (ROOT / link).exists():
            (work / "mutants" / link).symlink_to((ROOT / link).resolve())
    env = {**os.environ, "PYTHONPATH": str(work / "mutants"), "HYPOTHESIS_PROFILE": "ci"}
    mutmut = [sys.executable, "-m", "mutmut"]
    children = ["--max-children", os.environ.get("MUTMUT_CHILDREN") or "2"]
    started = time.monotonic()
    if os.environ.get("SAMPLE") or os.environ.get("ONLY"):
        only = Path(os.environ["ONLY"]).read_text("utf-8").split() if os.environ.get("ONLY") else None
        return run_sample(area, work, env, mutmut, children, int(os.environ.get("SAMPLE") or 0),
                          int(os.environ.get("SEED") or 1), started, only)
    subprocess.run(mutmut + ["run", *children], cwd=work, env=env)
    took = time.monotonic() - started
    subprocess.run(mutmut + ["export-cicd-stats"], cwd=work, env=env, capture_output=True)
    stats_file = work / "mutants" / "mutmut-cicd-stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    survived = subprocess.run(mutmut + ["results"], cwd=work, env=env, capture_output=True, text=True).stdout
    print(f"\n== {area}: {json.dumps(stats, sort_keys=True)}; {took / 60:.1f} min")
    killed, total = stats.get("killed", 0), stats.get("total", 0) - stats.get("skipped", 0)
    if total:
        print(f"== {area}: {killed}/{total} killed ({100 * killed / total:.0f}%) before review of equivalents")
    print(survived)
    return 0


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion k/n (good for small n and p near 1)."""
    if not n:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def statuses(work: Path, env: dict, mutmut: list) -> dict[str, str]:
    out = subprocess.run(mutmut + ["results", "--all", "true"], cwd=work, env=env, capture_output=True, text=True,
                         check=True).stdout
    return {m[1]: m[2] for m in re.finditer(r"^\s*(\S+): (.+)$", out, re.M)}


def run_sample(area: str, work: Path, env: dict, mutmut: list, children: list, size: int, seed: int,
               started: float, only: list | None = None) -> int:
    # A filter that matches no mutant: mutmut generates the mutants, runs the tests once to record which tests
    # reach which function (kept in mutants/), then stops on "nothing matches".
    listing = subprocess.run(mutmut + ["run", "--max-children", "1", "topowire-list-only-*"], cwd=work, env=env,
                             capture_output=True, text=True)
    names = sorted(statuses(work, env, mutmut))
    if not names or "failed to collect stats" in listing.stdout:
        print(listing.stdout[-3000:], listing.stderr[-3000:], file=sys.stderr)
        print(f"== {area}: mutmut could not list the mutants or run the tests (run `python -m pytest "
              f"{' '.join(AREAS[area][1])}` inside {work}/mutants to see why)", file=sys.stderr)
        return 1
    if only is not None:
        unknown = sorted(set(only) - set(names))
        if unknown:
            print(f"== {area}: no such mutant (the code changed since?): {', '.join(unknown)}", file=sys.stderr)
            return 1
        sample = sorted(only)
    else:
        sample = sorted(random.Random(seed).sample(names, min(size, len(names))))
    (work / "sample.txt").write_text("".join(n + "\n" for n in sample), "utf-8")
    subprocess.run(mutmut + ["run", *children, *sample], cwd=work, env=env)
    took = time.monotonic() - started
    got = statuses(work, env, mutmut)
    counts: dict[str, int] = {}
    for name in sample:
        counts[got.get(name, "missing")] = counts.get(got.get(name, "missing"), 0) + 1
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    low, high = wilson(killed, len(sample))
    what = f"RE-RUN of {len(sample)} chosen" if only is not None else f"SAMPLED {len(sample)} of {len(names)}"
    print(f"\n== {area}: {what} mutants (seed {seed}): {json.dumps(counts, sort_keys=True)}; {took / 60:.1f} min")
    if only is not None:
        print(f"== {area}: {killed}/{len(sample)} of the chosen mutants killed")
    else:
        print(f"== {area}: {killed}/{len(sample)} killed ({100 * killed / len(sample):.0f}%, 95% CI "
              f"{100 * low:.0f}-{100 * high:.0f}%) of a random sample, before review of equivalents")
    for name in sample:
        if got.get(name) not in ("killed", "timeout"):
            print(f"    {name}: {got.get(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
