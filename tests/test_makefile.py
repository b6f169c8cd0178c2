"""The README's make targets (issue 31, "the first hour"): what `make -n` says each would run.

`make -n` prints a recipe without running it, so these tests read the Makefile's real expansion (the
variables, the stamps, the loops) in seconds, without installing anything.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_demo_on_one_cloud_installs_and_plans_only_that_cloud(tmp_path):
    # a fresh stamp directory: what a machine that never ran the demo would do
    result = dry("demo", "CLOUDS=aws", f"VENV={tmp_path}/venv")
    assert result.returncode == 0, result.stderr
    assert "pip install --progress-bar on -e '.[aws,local]'" in result.stdout   # pip shows its progress
    assert "for cloud in aws;" in result.stdout
    assert "azure" not in result.stdout.split("for cloud in", 1)[1].split(";", 1)[0]


def test_demo_by_default_shows_all_three_clouds(tmp_path):
    result = dry("demo", f"VENV={tmp_path}/venv")
    assert result.returncode == 0, result.stderr
    assert "-e '.[aws,azure,gcp,local]'" in result.stdout
    assert "for cloud in aws azure gcp;" in result.stdout


@pytest.mark.parametrize("clouds, named", [("amazon", "amazon"), ("aws,gcp", "aws,gcp"), ("aws AWS", "AWS")])
def test_an_unknown_cloud_is_refused_before_anything_is_installed(clouds, named):
    result = dry("demo", f"CLOUDS={clouds}")
    assert result.returncode != 0
    assert f"unknown cloud '{named}'" in result.stderr and "one or more of aws azure gcp" in result.stderr
    assert "pip install" not in result.stdout


def test_the_apt_step_waits_for_a_held_dpkg_lock():
    result = dry("system-deps", "CHROMIUM=/nonexistent/chromium")
    assert result.returncode == 0, result.stderr
    apt = [line for line in result.stdout.replace("&& \\\n", "\n").splitlines() if "apt-get" in line]
    calls = [c for line in apt for c in line.split("&&") if "apt-get" in c]
    assert len(calls) == 2 and all("DPkg::Lock::Timeout=" in c for c in calls), result.stdout


def test_test_fast_skips_only_the_tests_marked_slow():
    result = dry("test-fast")
    assert result.returncode == 0, result.stderr
    assert "-m pytest -m \"not slow\"" in result.stdout
    assert "-m pytest\n" in dry("test").stdout            # CI's make test: the whole suite, nothing deselected


def test_the_fast_subset_still_touches_every_area():
    """Every test directory (an area: adopt, asyncapi, diff, plan, rules, ...) keeps tests in `make test-fast`."""
    result = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "pytest", "--collect-only", "-q", "-m", "not slow",
                             "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    collected = {line.split("::", 1)[0] for line in result.stdout.splitlines() if "::" in line}
    areas = {p.parent.relative_to(ROOT / "tests").parts[0] if p.parent != ROOT / "tests" else "."
             for p in (ROOT / "tests").rglob("test_*.py") if "golden" not in p.parts or p.name == "test_golden.py"}
    covered = {Path(c).parent.relative_to("tests").parts[0] if Path(c).parent != Path("tests") else "."
               for c in collected}
    assert areas <= covered, f"areas with no fast test: {sorted(areas - covered)}"
