"""Durations and sizes as the format writes them, and back."""

from __future__ import annotations

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE_UNITS = {"KiB": 1024, "MiB": 1024 * 1024}


def seconds(value) -> int:
    """``90`` or ``"90s"``, ``"10m"``, ``"4h"``, ``"14d"`` -> seconds."""
    if isinstance(value, int):
        return value
    return int(value[:-1]) * _DURATION_UNITS[value[-1]]


def size_bytes(value) -> int:
    """``262144`` or ``"256KiB"``, ``"1MiB"`` -> bytes."""
    if isinstance(value, int):
        return value
    for unit, factor in _SIZE_UNITS.items():
        if value.endswith(unit):
            return int(value[: -len(unit)]) * factor
    raise ValueError(value)


def duration_text(secs: int) -> str:
    """The shortest exact form: 600 -> ``10m``, 90 -> ``90s``, 1209600 -> ``14d``."""
    for unit in ("d", "h", "m"):
        factor = _DURATION_UNITS[unit]
        if secs and secs % factor == 0:
            return f"{secs // factor}{unit}"
    return f"{secs}s"


def size_text(n: int) -> str:
    for unit in ("MiB", "KiB"):
        factor = _SIZE_UNITS[unit]
        if n and n % factor == 0:
            return f"{n // factor}{unit}"
    return f"{n}B"
