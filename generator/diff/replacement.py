"""Whether the provider replaces an inventory item: the one question ``impact`` and ``dependents`` share.

Kept apart so that the two import it, and not each other.
"""

from __future__ import annotations

from ..words import change


def replace_reasons(o, n) -> list:
    """Why the provider must replace item ``o`` to make it ``n`` (empty: it need not)."""
    reasons = []
    if o.name != n.name:
        reasons.append(f"name {o.name} -> {n.name}")
    of, nf = dict(o.replace_on), dict(n.replace_on)
    reasons += [change(k, of.get(k), nf.get(k)) for k in sorted(set(of) | set(nf)) if of.get(k) != nf.get(k)]
    return reasons
