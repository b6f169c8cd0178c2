"""The `topowire` command line: argument parsing here, the work in one module per subcommand.

Every subcommand is ``run(args) -> int``. Exceptions map to exit codes in one
place (``main``): 1 the input is wrong, 2 usage, 3 a bug.

Only the module of the subcommand that runs is imported (start-up time is what pre-commit pays on every
commit): the others appear in `topowire --help` through their name and help in ``commands.COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..errors import EXIT_BUG, EXIT_INVALID, EXIT_USAGE, TopowireError
from .commands import COMMANDS


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage and exits 2: keep that, but through main()
        self.print_usage(sys.stderr)
        raise _UsageExit(f"{self.prog}: error: {message}")


class _UsageExit(Exception):
    pass


def parser(commands=None) -> argparse.ArgumentParser:
    """The parser; ``commands`` names the subcommands whose module is imported for their own options (all when
    None); the others are listed with their help only."""
    p = _Parser(prog="topowire", description="Validate, document and deploy a topology.yaml of queues and topics.")
    from .. import __version__

    p.add_argument("--version", action="version", version=f"topowire {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, help in COMMANDS.items():
        if commands is None or name in commands:
            importlib.import_module(f"{__name__}.{name}").add_parser(sub)
        else:
            sub.add_parser(name, help=help, add_help=False)
    return p


def _command(argv: list) -> tuple:
    """The subcommand argparse will run: the first argument that is not an option (the top level has no option
    that takes a value)."""
    for arg in argv:
        if arg == "--":
            continue
        if not arg.startswith("-"):
            return (arg,) if arg in COMMANDS else ()
    return ()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if not argv:  # bare `topowire`: the whole help, not just "COMMAND is required"
            parser(()).print_help(sys.stderr)
            return EXIT_USAGE
        args = parser(_command(argv)).parse_args(argv)
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
            import traceback

            traceback.print_exc()
        else:
            print("Set TOPOWIRE_DEBUG=1 to see the traceback.", file=sys.stderr)
        return EXIT_BUG
