"""`topowire validate [FILE...]`: schema and semantic rules, with file:line:col diagnostics."""

from __future__ import annotations

import sys

from .. import output
from ..check import check_file
from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK
from ..model import CLOUDS
from .. import terminal_style
from ..reporters import REPORTERS
from .options import add_root


def add_parser(sub):
    p = sub.add_parser("validate", help=COMMANDS["validate"],
                       description="Check topology files. Exit 0 when valid (warnings allowed), 1 when not, 2 on "
                                   "usage errors.")
    p.add_argument("files", nargs="*", metavar="FILE", default=["topology.yaml"],
                   help="topology files (default: topology.yaml)")
    p.add_argument("--strict", action="store_true", help="fail on warnings too (info never fails)")
    p.add_argument("--cloud", action="append", choices=CLOUDS,
                   help="check this cloud's limits (repeatable; default: the file's targets); a cloud that "
                        "'targets' does not list is checked too, with a note that plan refuses it")
    p.add_argument("--format", choices=sorted(REPORTERS), default="text", help="output format (default: text)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems, no summary line")
    add_root(p)
    p.set_defaults(run=run)
    return p


def _sources(results) -> dict:
    """file -> its lines, for the excerpts a terminal shows: each topology read again, confined as the loader
    reads it (confine.read_own), only when it has findings to show; a file that cannot be read shows none."""
    from .. import confine
    from ..loader import MAX_BYTES

    def refused(reason, hint):
        return OSError(reason)

    out = {}
    for r in results:
        if not r.diagnostics or r.file in out:
            continue
        try:
            out[r.file] = confine.read_own(r.file, MAX_BYTES, refused).decode("utf-8", "replace").splitlines()
        except (OSError, ValueError, confine.PathRefused, confine.NotRegular, confine.TooLarge):
            continue
    return out


def run(args) -> int:
    clouds = tuple(args.cloud) if args.cloud else None
    results = [check_file(f, clouds, root=args.root, asked=True) for f in args.files]
    style = terminal_style.for_stream(sys.stdout) if args.format == "text" else None
    if style is not None:
        style.sources = _sources(results)
    report = REPORTERS[args.format](results, summary=not args.quiet, **({"style": style} if style else {}))
    sys.stdout.write(output.check(report, "the validation report"))
    failed = any(not r.ok for r in results)
    if args.strict:
        failed = failed or any(d.level != "info" for r in results for d in r.diagnostics)
    return EXIT_INVALID if failed else EXIT_OK
