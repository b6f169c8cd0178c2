"""The golden diagnostics (tests/golden/diagnostics/): every message and hint, compared with the reviewed snapshot.

Apart from the plans (test_golden.py) because they need no Pulumi: mutation testing runs them for the rules.
"""

from __future__ import annotations

from test_golden import _compare, golden


def test_golden_diagnostics_of_the_invalid_cases():
    _compare(golden.DIAGNOSTICS / "invalid.txt", golden.invalid_text())


def test_golden_diagnostics_of_every_rule_example():
    _compare(golden.DIAGNOSTICS / "rules.txt", golden.rules_text())


def test_golden_diagnostics_at_every_limit():
    _compare(golden.DIAGNOSTICS / "limits.txt", golden.limits_text())
