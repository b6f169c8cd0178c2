"""`topowire diff BASE HEAD` or `topowire diff --base REF [HEAD]`: what a change does, destructive changes first."""

from __future__ import annotations

import sys

from .. import output
from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK, UsageError
from .stack import add_stack_argument
from .options import add_root


def add_parser(sub):
    p = sub.add_parser("diff", help=COMMANDS["diff"],
                       description="Compare two versions of a topology. Each side is a file or <git-ref>:<path>. "
                                   "Destructive means a queue, DLQ or subscription that may hold messages is deleted "
                                   "or replaced.")
    p.add_argument("sides", nargs="*", metavar="BASE HEAD",
                   help="the two versions; with --base, just HEAD (default topology.yaml)")
    p.add_argument("--base", metavar="REF", help="compare HEAD against HEAD's path at this git ref (e.g. origin/main)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                   help="text for people, markdown for a pull-request comment, json for tools (default: text)")
    p.add_argument("--max-bytes", type=_byte_limit, metavar="N",
                   help="markdown only: keep the comment under N bytes, cutting long lists (destructive changes "
                        "last) with a line that says how many were left out (the comment workflow uses 50000)")
    p.add_argument("--contracts-link", metavar="URL",
                   help="markdown only: end the comment with the services whose AsyncAPI document the change alters "
                        "(what `asyncapi --changes-since` lists), linked under URL, inside --max-bytes")
    p.add_argument("--fail-on-destructive", action="store_true",
                   help="exit 1 when anything destructive is found, in any environment")
    add_stack_argument(p)
    add_root(p)
    p.set_defaults(run=run)
    return p


def _byte_limit(text: str) -> int:
    import argparse

    if not text.isdigit() or not 1_000 <= int(text) <= 10_000_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size in bytes from 1000 to 10000000")
    return int(text)


def _warn_if_over(report: str, max_bytes: int | None) -> None:
    """Every list is cut before the limit is passed, but headings, counts and "left out" lines are kept (a comment
    without them would mislead): when they alone are over the limit, say so rather than pass it silently."""
    size = len(report.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        print(f"topowire diff: warning: the comment is {size} bytes, over --max-bytes {max_bytes}: every list is "
              "cut, and its headings, counts and 'left out' lines alone are this long; raise --max-bytes",
              file=sys.stderr)


def sides(args) -> tuple:
    if args.base is not None:
        if len(args.sides) > 1:
            raise UsageError("with --base, give at most one file (HEAD)")
        head = args.sides[0] if args.sides else "topology.yaml"
        return f"{args.base}:{head}", head
    if len(args.sides) != 2:
        raise UsageError("give BASE and HEAD (files or <git-ref>:<path>), or --base REF [HEAD]")
    return args.sides[0], args.sides[1]


def run(args) -> int:
    from ..check import fewer_collections

    with fewer_collections():  # two topologies' worth of objects: the same GC cost as validate's
        return _run(args)


def _run(args) -> int:
    from ..diff import Diff, environment, environments, impact, renames, semantic, sources
    from ..diff.report import FORMATS

    base_spec, head_spec = sides(args)
    if args.base is not None:  # always from git: never a working-tree file named '<ref>:<path>'
        base_r = sources.read_at(args.base, head_spec, args.stack, args.root)
    else:
        base_r = sources.read_result(base_spec, args.stack, args.root)
    head_r = sources.read_result(head_spec, args.stack, args.root)
    if head_r is None:
        raise UsageError(f"{head_spec} does not exist")
    base, head = (base_r.topology if base_r is not None else None), head_r.topology
    clouds, actions = impact.all_actions(base, head)
    result = Diff(base_spec, head_spec, semantic.compare(base, head), actions, clouds, base, head, args.stack,
                  environments.compare(base_r, head_r), environment=environment.changes(base, head, clouds),
                  renames=renames.suggest(base, head))
    if args.max_bytes is not None and args.format != "markdown":
        raise UsageError("--max-bytes is for --format markdown (a pull-request comment)")
    if args.contracts_link is not None and args.format != "markdown":
        raise UsageError("--contracts-link is for --format markdown (a pull-request comment)")
    if args.format == "markdown":
        from ..diff import contracts

        found = None if args.contracts_link is None else \
            contracts.markdown_parts(contracts.changes(base, head), args.contracts_link, args.stack)
        report = FORMATS["markdown"](result, args.max_bytes, found)
    else:
        report = FORMATS[args.format](result)
    sys.stdout.write(output.check(report, "the diff report"))
    _warn_if_over(report, args.max_bytes)
    if args.fail_on_destructive and result.destructive_anywhere:
        print(f"topowire diff: {len(result.destructive_anywhere)} destructive change(s)", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
