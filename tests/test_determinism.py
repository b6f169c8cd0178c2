"""Byte-identical output across interpreters: what a PR diff shows is only what changed.

Rendering twice in one process cannot catch output that depends on set or dict order under
hash randomisation, on the working directory, or on the clock: each output is produced by two
fresh interpreters with different PYTHONHASHSEED values and compared byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import CASES, EXAMPLES, ROOT

SOURCES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "docs" / "tricky.yaml"]


def produce(seed: str, *args) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT, capture_output=True,
                          timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_docs_are_identical_across_interpreters(path):
    first = produce("1", "docs", path, "-o", "-")
    assert len(first) > 1000 and first == produce("2", "docs", path, "-o", "-")


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_plans_are_identical_across_interpreters(cloud):
    first = produce("1", "plan", ROOT / "topology.yaml", "--cloud", cloud, "--format", "json")
    assert b'"resources"' in first and first == produce("3", "plan", ROOT / "topology.yaml", "--cloud", cloud,
                                                         "--format", "json")
