"""Words for people: counts with the right plural."""

from __future__ import annotations

IRREGULAR = {"policy": "policies", "IAM policy": "IAM policies", "is": "are", "was": "were"}


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``1 queue``, ``2 queues``, ``0 IAM policies``."""
    if n == 1:
        return f"{n} {singular}"
    return f"{n} {many or IRREGULAR.get(singular) or singular + 's'}"
