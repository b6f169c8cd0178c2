"""Durations and sizes: the format's spelling to numbers and back (messages and docs print them)."""

from __future__ import annotations

import pytest

from generator import units


@pytest.mark.parametrize("text,secs", [(90, 90), ("90s", 90), ("10m", 600), ("4h", 14400), ("14d", 1209600)])
def test_seconds(text, secs):
    assert units.seconds(text) == secs


@pytest.mark.parametrize("text,n", [(262144, 262144), ("256KiB", 262144), ("1MiB", 1048576)])
def test_size_bytes(text, n):
    assert units.size_bytes(text) == n


def test_a_size_without_a_unit_is_refused_with_the_value():
    with pytest.raises(ValueError) as exc:
        units.size_bytes("12MB")
    assert exc.value.args == ("12MB",)


@pytest.mark.parametrize("secs,text", [(0, "0s"), (1, "1s"), (90, "90s"), (600, "10m"), (3600, "1h"), (5400, "90m"),
                                       (86400, "1d"), (90000, "25h"), (1209600, "14d")])
def test_duration_text_is_the_shortest_exact_form(secs, text):
    assert units.duration_text(secs) == text


@pytest.mark.parametrize("n,text", [(0, "0B"), (1000, "1000B"), (1024, "1KiB"), (262144, "256KiB"),
                                    (1048576, "1MiB"), (1572864, "1536KiB")])
def test_size_text_is_the_shortest_exact_form(n, text):
    assert units.size_text(n) == text
