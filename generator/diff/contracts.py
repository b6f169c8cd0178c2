"""Which services' AsyncAPI documents a change alters: the "AsyncAPI contracts" section of a review.

`topowire asyncapi --changes-since REF` prints it alone; `topowire diff --contracts-link URL` puts it into the
pull-request comment as its last, least important list, inside the comment's one ``--max-bytes`` budget (300
services and one description edit are 300 lines of links: outside the budget, the comment grew past what the
poster accepts and nothing was posted, the destructive warning included).
"""

from __future__ import annotations

from .. import escape
from .budget import Rows


def changes(base, head) -> list:
    """(service, "new" | "removed" | "changed") for every service whose document differs, sorted by name."""
    from .. import asyncapi

    new = asyncapi.documents(head, "") if head is not None else {}
    old = asyncapi.documents(base, "") if base is not None else {}
    out = []
    for name in sorted(set(new) | set(old)):
        if name not in old:
            out.append((name, "new"))
        elif name not in new:
            out.append((name, "removed"))
        elif new[name] != old[name]:
            out.append((name, "changed"))
    return out


def _href(link: str) -> str:
    href = link.rstrip("/")
    return "".join(c if (c.isascii() and (c.isalnum() or c in "-._~:/?#@!$&*+,;=%")) else
                   "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in href)


def markdown_parts(found: list, link: str, stack: str, priority: int = 9) -> list:
    """The section as lines and one ``Rows`` (cut last, saying how many were left out), for ``budget.fit``."""
    href = _href(link)
    parts = ["### AsyncAPI contracts", ""]
    if not found:
        return parts + [f"No service's AsyncAPI document changes (stack {escape.md_code(stack)})."]
    rows = []
    for name, what in found:
        md = escape.md_text(name)
        rows.append(f"- {md}: removed" if what == "removed" else f"- [{md}]({href}/{name}.yaml): {what}")
    return parts + [f"Documents that this change alters (stack {escape.md_code(stack)}):", "",
                    Rows(rows, lambda n: f"- … and {n} more service(s) whose document changes, left out to keep this "
                                         "comment short: `topowire asyncapi --changes-since` lists them all", priority)]
