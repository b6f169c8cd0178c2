"""Options several subcommands share."""

from __future__ import annotations

ROOT_HELP = ("the directory every file a topology names (message schema files, their $refs) must stay in, after "
             "symlinks (default: the topology file's own directory); it must be inside the topology's git repository")


def add_root(p) -> None:
    p.add_argument("--root", metavar="DIR", help=ROOT_HELP)
