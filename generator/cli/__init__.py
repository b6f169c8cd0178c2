"""The `topowire` command line: argument parsing here, the work in one module per subcommand.

Every subcommand is ``run(args) -> int``. Exceptions map to exit codes in one
place (``main``): 1 the input is wrong, 2 usage, 3 a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from ..errors import EXIT_BUG, EXIT_INVALID, EXIT_USAGE, TopowireError
from . import asyncapi, diff, docs, init, local, plan, schema, validate

SUBCOMMANDS = (init, validate, docs, asyncapi, plan, diff, local, schema)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage and exits 2: keep that, but through main()
        self.print_usage(sys.stderr)
        raise _UsageExit(f"{self.prog}: error: {message}")


class _UsageExit(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="topowire", description="Validate, document and deploy a topology.yaml of queues and topics.")
    from .. import __version__

    p.add_argument("--version", action="version", version=f"topowire {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for mod in SUBCOMMANDS:
        mod.add_parser(sub)
    return p


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:  # bare `topowire`: the whole help, not just "COMMAND is required"
            parser().print_help(sys.stderr)
            return EXIT_USAGE
        args = parser().parse_args(argv)
        return args.run(args)
    except _UsageExit as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except TopowireError as exc:
        from ..reporters import text

        diags = getattr(exc, "diagnostics", ())
        if diags:
            from ..check import Result

            sys.stderr.write(text([Result(diags[0].file, list(diags))]))
        else:
            from ..escape import terminal

            print(f"topowire: {terminal(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("topowire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:  # the machine said no (permissions, a directory, a full disk): not a bug in topowire
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"topowire: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # a bug: say so, briefly, and how to see more
        print(f"topowire: internal error ({type(exc).__name__}: {exc}). This is a bug in topowire; please report it "
              "with the input that caused it.", file=sys.stderr)
        if os.environ.get("TOPOWIRE_DEBUG"):
            traceback.print_exc()
        else:
            print("Set TOPOWIRE_DEBUG=1 to see the traceback.", file=sys.stderr)
        return EXIT_BUG
