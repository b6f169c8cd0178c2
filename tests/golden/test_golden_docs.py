"""The golden architecture pages (tests/golden/docs/): every fixture's `topowire docs`, compared with the snapshot.

Apart from the plans (test_golden.py) because they need no Pulumi: mutation testing runs them for the docs.
docs/architecture.md pins the repository's topology.yaml; these pin the other fixtures (GCP lease tables,
shortened service accounts, KMS keys, FIFO topics, environments that differ or not, escaping).
"""

from __future__ import annotations

import pytest

from test_golden import _compare, golden

CASES = golden.docs_cases()


@pytest.mark.parametrize("name,path,stack", CASES, ids=[c[0] for c in CASES])
def test_golden_docs(name, path, stack):
    _compare(golden.DOCS / name, golden.docs_text(path, stack))


def test_every_golden_page_belongs_to_a_fixture():
    assert {p.name for p in golden.DOCS.glob("*.md")} == {c[0] for c in CASES}
