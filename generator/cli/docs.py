"""`topowire docs [FILE] [-o docs/architecture.md] [--check]`: Markdown + Mermaid architecture docs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import escape
from ..check import fewer_collections, load_result
from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK, InputError
from .stack import add_stack_argument
from .options import add_root


def add_parser(sub):
    p = sub.add_parser("docs", help=COMMANDS["docs"],
                       description="Render deterministic architecture docs of a topology.")
    p.add_argument("file", nargs="?", default="topology.yaml", metavar="FILE",
                   help="topology file (default: topology.yaml)")
    p.add_argument("-o", "--output", default="docs/architecture.md",
                   help="where to write the docs; '-' for standard output (default: docs/architecture.md)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when the file on disk differs from what would be written")
    p.add_argument("--fail-on-change", action="store_true",
                   help="write the docs, but exit 1 when that changed the file (for pre-commit and CI)")
    add_stack_argument(p)
    add_root(p)
    p.set_defaults(run=run)
    return p


def render_for(file: str, output: str, stack: str = "dev", root=None) -> str:
    """The docs of ``file``'s stack ``stack`` as they would be written to ``output``."""
    with fewer_collections():  # as for validate: the garbage collector is most of the cost otherwise
        return _render_for(file, output, stack, root)


def _render_for(file: str, output: str, stack: str, root) -> str:
    from ..docs import render

    result = load_result(file, warnings=False, stack=stack, root=root)  # errors stop the docs; warnings: `validate`
    topo, extra = result.topology, {"stacks": result.stacks, "base": result.base}
    src = Path(file)
    if output == "-":
        return render(topo, src.as_posix(), **extra)
    out_dir = Path(output).resolve().parent
    rel = lambda p: Path(os.path.relpath(p.resolve(), out_dir)).as_posix()  # noqa: E731
    links = {m.name: rel(src.parent / m.schema_file) for m in topo.messages.values() if m.schema_file}
    return render(topo, rel(src), links, **extra)


def run(args) -> int:
    # a directory, existing or written with a trailing '/': the page needs a file name (its links are relative to it)
    if args.output != "-" and (args.output.endswith(("/", os.sep)) or
                               (os.path.isdir(args.output) and not os.path.islink(args.output))):
        raise InputError(f"-o {escape.terminal(args.output)} is a directory; give the file to write, e.g. "
                         f"-o {escape.terminal(Path(args.output) / 'architecture.md')}")
    content = render_for(args.file, args.output, args.stack, args.root)
    if args.output == "-":
        if args.check:
            print("topowire docs: --check needs a file to compare (-o PATH)", file=sys.stderr)
            return 2
        sys.stdout.write(content)
        return EXIT_OK
    from ..confine import Output

    return _write(args, Output(args.output, "docs output (-o)"), content)


def _write(args, target, content: str) -> int:
    out = escape.terminal(target.path)
    current = target.current()
    if args.check:
        if current == content.encode("utf-8"):
            print(f"{out} is up to date")
            return EXIT_OK
        why = "does not exist" if current is None else "is stale"
        print(f"{out} {why}: run 'topowire docs {escape.terminal(args.file)} -o {out}' and commit the result",
              file=sys.stderr)
        return EXIT_INVALID
    if current == content.encode("utf-8"):
        print(f"{out} is up to date")
        return EXIT_OK
    target.write(content)
    if args.fail_on_change:
        print(f"wrote {out}: it was {'missing' if current is None else 'stale'}; review and commit it", file=sys.stderr)
        return EXIT_INVALID
    print(f"wrote {out}")
    return EXIT_OK
