"""The one exception root of topowire and the exit codes it maps to.

Exit codes (one place, used by every subcommand):
  0  success (warnings allowed unless --strict)
  1  the user's input is wrong (invalid topology, stale docs, unreadable file)
  2  usage error (bad flags, bad combination of arguments)
  3  a bug in topowire
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUG = 3


class TopowireError(Exception):
    """Root of every error topowire raises on purpose."""

    exit_code = EXIT_INVALID


class InputError(TopowireError):
    """The user's input cannot be used; carries diagnostics when it has them."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, diagnostics: tuple = ()):
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


class UsageError(TopowireError):
    """Wrong flags or arguments."""

    exit_code = EXIT_USAGE
