"""The golden plans and diagnostics (tests/golden/): the whole output, compared with the reviewed snapshot.

On a failure the message is a unified diff of the snapshot against the output. If the change is intended,
run `make golden` and commit the updated snapshot with the change: the review then shows every value that moved.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import golden  # noqa: E402


def _compare(path: Path, actual: str):
    assert path.exists(), f"{path.relative_to(golden.ROOT)} is missing: run make golden and review it"
    expected = path.read_text("utf-8")
    if expected != actual:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"{path.name} (golden)", f"{path.name} (now)", n=3))
        pytest.fail(f"{path.relative_to(golden.ROOT)} differs (make golden, then review):\n{diff[:20000]}",
                    pytrace=False)


CASES = golden.plan_cases()


@pytest.mark.parametrize("name,path,cloud,stack", CASES, ids=[c[0] for c in CASES])
def test_golden_plan(name, path, cloud, stack):
    _compare(golden.PLANS / name, golden.plan_text(path, cloud, stack))


def test_every_golden_plan_file_belongs_to_a_fixture():
    expected = {c[0] for c in CASES}
    assert {p.name for p in golden.PLANS.glob("*.json")} == expected
    assert len(expected) >= 3 * 4, "topology.yaml and the three clouds' fixtures at least"
