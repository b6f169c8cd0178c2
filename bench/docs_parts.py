"""`topowire docs` with one part of its page left out: what that part costs (bench/run.py's "part by part" table).

    python bench/docs_parts.py {diagram|tables|page} topology.yaml out.md

``diagram``: the Diagram section's body is empty; ``tables``: the large tables (services, queues, topics,
consumers, dead letters, cloud names) have no rows; ``page``: nothing is rendered at all, so what remains is
loading and checking the file without the warning rules, the imports and writing one line. Everything else is
`topowire docs` as users run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import generator.docs as docs  # noqa: E402
from generator.cli import main as topowire  # noqa: E402
from generator.docs import site, tables, views  # noqa: E402
from generator.escape import Escaped  # noqa: E402

LARGE_TABLES = ("services", "queues", "topics", "consumers", "dead_letters", "cloud_names")


def without(part: str) -> None:
    if part == "diagram":  # the one page's, and every page's of a site
        docs.diagram = lambda topo: Escaped("")
        views.diagrams = lambda *args, **kwargs: []
        site._overview = lambda *args, **kwargs: []
    elif part == "tables":
        for name in LARGE_TABLES:
            if not hasattr(tables, name):  # renamed: replacing nothing would measure the whole page
                raise SystemExit(f"docs_parts.py: generator/docs/tables.py has no {name}()")
            setattr(tables, name, lambda *args: Escaped(""))
    elif part == "page":
        docs.render = lambda *args, **kwargs: "\n"
        site.pages = lambda *args, **kwargs: {site.INDEX: "\n"}
    else:
        raise SystemExit(f"docs_parts.py: unknown part {part!r}: diagram, tables or page")


if __name__ == "__main__":
    part, path, out = sys.argv[1:4]
    without(part)
    sys.exit(topowire(["docs", path, "-o", out]))
