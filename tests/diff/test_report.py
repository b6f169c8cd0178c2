"""`topowire diff`'s whole report, text, Markdown and JSON, for a few changes: every line a reviewer reads.

The expected reports are files under tests/diff/reports/, reviewed by hand (`TOPOWIRE_UPDATE_REPORTS=1
pytest tests/diff/test_report.py` rewrites them from the code: review `git diff` before committing).
The cases: a change across environments (a FIFO switch everywhere, a retention cut in prod only, both
destructive); one environment changed, harmlessly (the other: no changes); a queue and a topic removed, a topic changed and a cloud added to targets; a queue added with environments; only the description changed (changes, no resource); a change on GCP alone
(AWS listed without details); a consumer swapped for a similar name (rename suggestion, deletions on two clouds); a
harmless change (in place only); no change at all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli

HERE = Path(__file__).parent / "reports"
CASES = [
    ("envs", "envs-base.yaml", "envs-head.yaml"),
    ("one-env", "envs-base.yaml", "one-env-head.yaml"),
    ("removed", "removed-base.yaml", "removed-head.yaml"),
    ("envs-added", "envs-base.yaml", "envs-added-head.yaml"),
    ("envs-doc", "envs-base.yaml", "envs-doc-head.yaml"),
    ("gcp-only", "plain-base.yaml", "gcp-only-head.yaml"),
    ("rename", "plain-base.yaml", "plain-head.yaml"),
    ("harmless", "plain-base.yaml", "harmless-head.yaml"),
    ("nothing", "plain-base.yaml", "plain-base.yaml"),
]


@pytest.mark.parametrize("fmt, ext", [("text", "txt"), ("markdown", "md"), ("json", "json")])
@pytest.mark.parametrize("name, base, head", CASES, ids=[c[0] for c in CASES])
def test_the_whole_report(monkeypatch, name, base, head, fmt, ext):
    monkeypatch.chdir(HERE)   # the report names the two sides as given
    code, out, err = run_cli("diff", base, head, "--format", fmt)
    assert code == 0 and err == "", err
    expected = HERE / f"{name}.{ext}"
    if os.environ.get("TOPOWIRE_UPDATE_REPORTS"):
        expected.write_text(out, "utf-8")
    assert out == expected.read_text("utf-8")


def test_stacks_the_file_does_not_list_are_shown_as_the_unlisted_ones(tmp_path):
    """A stack `environments` does not list deploys the file as written, under stack dev's names."""
    base = (HERE / "plain-base.yaml").read_text() + "environments: {prod: {}}\n"
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(base.replace("  orders: {}", "  orders: {retention: 7d}"))
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    envs = json.loads(out)["environments"]
    assert code == 0 and [(e["label"], e["stack"], len(e["changes"])) for e in envs] == \
        [("unlisted stacks", "dev", 1), ("prod", "prod", 1)]


def _json(tmp_path, base: str, head: str) -> dict:
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_removed_filter_and_a_renamed_service_say_what_they_were(tmp_path):
    base = (HERE / "plain-base.yaml").read_text().replace("  billing: {consumes: [payments]}",
                                                          "  billing: {consumes: {payments: {filter: {currency: [EUR]}}}}")
    head = (HERE / "plain-base.yaml").read_text().replace("  billing: {consumes: [payments]}",
                                                          "  invoicing: {renamed_from: billing, consumes: [payments]}")
    changes = _json(tmp_path, base, head)["changes"]
    assert {"op": "changed", "subject": "consumer 'invoicing' of topic 'payments'",
            "detail": "filter: currency in [EUR] -> none (every message)"} in changes
    assert {"op": "renamed", "subject": "service 'invoicing'",
            "detail": "from 'billing' (renamed_from keeps the deployed resources)"} in changes
