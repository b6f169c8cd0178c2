"""Words for people: counts with the right plural."""

from __future__ import annotations

IRREGULAR = {"policy": "policies", "IAM policy": "IAM policies", "is": "are", "was": "were"}


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``1 queue``, ``2 queues``, ``0 IAM policies``."""
    if n == 1:
        return f"{n} {singular}"
    return f"{n} {many or IRREGULAR.get(singular) or singular + 's'}"


def listing(names, limit: int = 6) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``; past ``limit`` names, how many more."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) > limit:
        return ", ".join(quoted[:limit]) + f" and {len(quoted) - limit} more"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


DURATION_FIELDS = ("visibility_timeout", "retention", "delay", "processing_time", "dead_letter_retention")


def value(field: str, v) -> str:
    """A setting's value as the YAML would say it: ``on``/``off``, ``none``, ``4d``, ``256KiB``, a filter."""
    from .units import duration_text, size_text

    if v is None:
        return "none"
    if isinstance(v, bool):
        return "on" if v else "off"
    if field in DURATION_FIELDS and isinstance(v, int):
        return duration_text(v)
    if field == "max_message_size" and isinstance(v, int):
        return size_text(v)
    if field == "filter" and not isinstance(v, str):
        return "; ".join(f"{a} in [{', '.join(map(str, vals))}]" for a, vals in v) if v else "all messages"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(value(field, x) for x in v) + "]"
    return str(v)


def change(field: str, old, new) -> str:
    return f"{field} {value(field, old)} -> {value(field, new)}"
