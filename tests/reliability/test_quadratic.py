"""Issue 17, class 5: no quadratic path. Thousands of unknown names cost a bounded amount of work each.

"Did you mean" compared every unknown name with every known one (3,000 unknown references took 29 s,
6,000 took 151 s). `rules.common.Names` now looks each distinct name up once, scans in full only within a
budget and otherwise compares with the names one typo away. These tests count the work instead of timing
it (timings are in bench/RESULTS.md): the comparisons made grow linearly with the number of unknown names.
"""

from __future__ import annotations

import difflib
import sys
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from generator.rules import common
from generator.rules.common import Names, did_you_mean

sys.path.insert(0, str(ROOT))
from bench.generate import topology  # noqa: E402

WORDS = [f"{a}{b}{c}-events" for a, b, c in product("bcdfghjklm", "aeiou", "prstvz")]  # 300 names, none alike


def test_small_sets_get_difflibs_answer():
    assert did_you_mean("jbos", ["jobs", "orders"]) == "did you mean 'jobs'?"
    assert did_you_mean("ordrs", {"jobs", "orders", "order-audit"}) == "did you mean 'orders'?"
    assert did_you_mean("zzz", ["jobs", "orders"]) == ""
    # among equally close names, the last in sorted order, as difflib.get_close_matches gives
    assert did_you_mean("t-0003x", ["t-00003", "t-00093", "t-00030"]) == "did you mean 't-00093'?"


def test_one_typo_is_found_past_the_budget():
    names = Names(WORDS)
    names.spent = Names.BUDGET  # as if many look-ups had come before
    assert names.closest("bap-evnts") == "bap-events"   # a character dropped
    assert names.closest("bapx-events") == "bap-events"  # added
    assert names.closest("bzp-events") == "buz-events"  # changed (the last of the equally close ones)
    assert names.closest("mus-evenst") == "mus-events"  # two neighbours swapped
    # more than one typo away: only a full scan, within the budget, finds difflib's answer
    assert names.closest("sum-events") is None
    assert Names(WORDS).closest("sum-events") == "muz-events"


def test_the_work_grows_linearly_with_the_number_of_unknown_names(monkeypatch):
    compared = []
    real = difflib.get_close_matches

    def counting(word, possibilities, n, cutoff):
        compared.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(common.difflib, "get_close_matches", counting)
    known = [f"q-{i:05d}" for i in range(6000)]
    names = Names(known)
    unknown = [f"q-{i:04d}x" for i in range(6000)]  # 6,000 distinct typos among 6,000 names
    hints = [names.closest(u) for u in unknown]
    assert len(compared) == 6000
    assert sum(compared) <= Names.BUDGET + 6000 * Names.NEIGHBOURS  # a full scan would be 36,000,000
    assert max(compared[4:]) <= Names.NEIGHBOURS
    # what difflib over all 6,000 names answers too
    assert (hints[0], hints[42], hints[5999]) == ("q-05000", "q-05042", "q-05999")
    # the same unknown name again costs nothing
    names.closest(unknown[42])
    assert len(compared) == 6000


def test_a_file_with_thousands_of_unknown_references_gets_every_error_and_a_hint(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(topology(3000, "reference"))
    code, out, _ = run_cli("validate", "-q", path)
    assert code == 1
    errors = [line for line in out.splitlines() if " error TOP101 " in line]
    assert len(errors) == 3000
    assert "service 'svc-00000' publishes to 't-0003x', which is neither a queue nor a topic" in errors[0]
    hints = [line for line in out.splitlines() if line.startswith("  hint: did you mean")]
    assert len(hints) == 3000, out[-2000:]


def test_unique_items_is_linear_and_keeps_its_messages(monkeypatch, tmp_path):
    import jsonschema._keywords

    def quadratic(_container):
        raise AssertionError("jsonschema's pairwise uniqueItems ran")

    monkeypatch.setattr(jsonschema._keywords, "uniq", quadratic)
    items = "".join(f"      - {{a: {i}}}\n" for i in range(8000))  # unsortable items: 50 s before
    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: demo\nqueues: {jobs: {}}\nservices:\n  api:\n    publishes:\n" + items)
    code, out, _ = run_cli("validate", "-q", path)
    assert code == 1
    assert out.count("error TOP010") == 8000
    assert f"{path}:7:9: error TOP010 publishes[0] of service 'api' must be a string, found a mapping" in out
    path.write_text("version: 1\nname: demo\nqueues: {jobs: {}}\nservices:\n  api: {publishes: [jobs, jobs]}\n")
    code, out, _ = run_cli("validate", "-q", path)
    assert code == 1 and "publishes of service 'api' lists jobs more than once" in out


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from([1.0, 0.0, 2.5]) | st.text("ab", max_size=2),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("ab", max_size=2), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON, max_size=6))
def test_unique_items_agrees_with_jsonschema(items):
    from jsonschema._utils import uniq
    from generator.schema import _unique_items

    class V:
        @staticmethod
        def is_type(instance, kind):
            return isinstance(instance, list)

    assert (not list(_unique_items(V, True, items, {}))) == uniq(items)


def test_ordering_by_cause_looks_at_each_diagnostic_once(monkeypatch):
    """causes.order matched every warning against every typo: 5,000 typos took 6 s. Now one pass each."""
    from generator import causes
    from generator.diagnostics import Diagnostic

    calls = []

    class Counting:
        def __init__(self, pattern):
            self.pattern = pattern

        def match(self, text):
            calls.append(text)
            return self.pattern.match(text)

    monkeypatch.setattr(causes, "_UNUSED", Counting(causes._UNUSED))
    n = 2000
    diags = [Diagnostic("f", i, 1, "warning", "TOP109", f"no service publishes to queue 'q{i}'", "") for i in range(n)]
    diags += [Diagnostic("f", n + i, 1, "error", "TOP101",
                         f"service 's{i}' publishes to 'x{i}', which is neither a queue nor a topic",
                         f"did you mean 'q{i}'?") for i in range(n)]
    out = causes.order(diags)
    assert len(calls) <= len(diags)
    assert [d.code for d in out[:2]] == ["TOP101", "TOP109"] and out[1].message == "no service publishes to queue 'q0'"
