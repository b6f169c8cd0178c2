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
                   "| aws | SDK floor |", "| aws | topowire above the floor |", "with three environments"):
        assert needle in text
