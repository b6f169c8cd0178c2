"""The docs site's speed goal (issue 27): `topowire docs` writing every page of an organisation-shaped topology
(bench/organisation.py: teams of six, one consumer edge in five crossing teams) at most 1.3× `topowire validate`
of the same file, CPU time, taking turns.

`python bench/docs_site.py [SERVICES] [--runs N]` writes bench/DOCS_SITE.md; `bench/run.py` measures the same at its
largest size and puts the goal among the others.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.organisation import topology  # noqa: E402
from bench.run import HEAD, PY, ROOT, load, machine, measure_together, row  # noqa: E402

GOAL = 1.3


def measure(n: int, work: Path, runs: int) -> tuple:
    """(the section's lines, the goal as (text, met, measured))."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"organisation-{n}.yaml"
    path.write_text(topology(n))
    out = work / f"site-{n}" / "architecture.md"
    validate, docs = measure_together([[PY, "-m", "generator", "validate", "-q", str(path)],
                                       [PY, "-m", "generator", "docs", str(path), "-o", str(out)]], runs)
    pages = 1 + len(list((out.parent / "architecture").glob("*.md")))
    largest = max(p.stat().st_size for p in [out, *(out.parent / "architecture").glob("*.md")])
    ratio = docs["cpu"] / validate["cpu"]
    lines = [f"## docs as a site: {n} services in teams of six ({path.stat().st_size / 1024:.0f} KiB)", "",
             f"`topowire docs` writes {pages} pages (the index and a page per team; the largest "
             f"{largest / 1024:.0f} KiB), taking turns with `validate` of the same file.", "", *HEAD,
             row("`topowire validate` (schema and every rule)", validate),
             row(f"`topowire docs` (all {pages} pages)", docs, f"{ratio:.2f}× validate"), ""]
    return lines, (f"docs, every page of an organisation-shaped topology of {n} services, ≤ {GOAL}× validate",
                   ratio <= GOAL, f"{ratio:.2f}×")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("services", nargs="?", type=int, default=5000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "bench" / "DOCS_SITE.md"))
    p.add_argument("--work", default=str(ROOT / "build" / "bench"))
    args = p.parse_args(argv)
    lines, (goal, met, measured) = measure(args.services, Path(args.work), args.runs)
    text = ["# The docs site's speed (issue 27)", "",
            "Written by `python bench/docs_site.py` (also measured by `make bench`, bench/RESULTS.md). CPU seconds "
            "(user + system) of fresh processes, median of the runs, the two commands taking turns.", "",
            f"- Machine: {machine()}", f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Load average (1, 5, 15 min) at the start: {load()}", "", *lines,
            "| goal | met | measured |", "| --- | --- | --- |", f"| {goal} | {'yes' if met else '**no**'} | {measured} |"]
    Path(args.out).write_text("\n".join(text) + "\n")
    print("\n".join(text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
