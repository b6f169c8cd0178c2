"""`make bench` still runs: the smallest size, one run. (Speed itself is measured in bench/, not here.)"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_bench_runs_on_the_smallest_size(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "10", "--plan-sizes", "10",
                           "--growth-sizes", "12", "--runs", "1", "--no-install", "--out", str(out), "--work", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    for needle in ("## Cold start", "## 10 services", "check-jsonschema", "bare PyYAML C-loader parse",
                   "`topowire plan --cloud gcp`", "the SDK floor", "## Invalid files", "CPU per resource",
                   "## Goals", "## plan at 12 services", "### Whose per-resource cost grows",
                   "| aws | SDK floor |", "| aws | topowire above the floor |", "with three environments",
                   "## docs part by part", "without the rows of its large tables", "rendering no page",
                   "growth (largest rise to a larger size)", "## docs as a site: 10 services in teams of six",
                   "every page of an organisation-shaped topology"):
        assert needle in text


def test_growth_is_the_largest_rise_to_a_larger_size():
    """The issue's "grows by no more than 1.3×": a cost that falls with size (start-up shared by more resources)
    is not growth; a rise between any two sizes is, even when a larger size comes down again."""
    from bench.run import growth

    assert growth([6.01, 4.60, 4.69]) == 4.69 / 4.60
    assert growth([2.0, 3.0, 2.5]) == 1.5
    assert growth([1.0, 1.2, 1.5]) == 1.5
    assert growth([3.0, 2.0, 1.0]) == 2.0 / 3.0
    assert growth([1.0]) == 0


def test_docs_parts_refuses_an_unknown_part(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "docs_parts.py"), "diagrams", "topology.yaml",
                           str(tmp_path / "x.md")], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "unknown part 'diagrams'" in proc.stderr
