"""`topowire init [DIR] [--cloud aws|azure|gcp] [--stack dev]`: what a new repository needs to adopt topowire.

Writes a starter topology.yaml, the Pulumi program (Pulumi.yaml, __main__.py, requirements.txt,
Pulumi.<stack>.yaml), the pre-commit hooks, the PR workflow(s), the schema for editors and the
architecture docs. Never overwrites a file: an existing one is kept and named.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK
from ..model import CLOUDS, DEFAULT_STACK
from .stack import stack_name


def add_parser(sub):
    p = sub.add_parser("init", help=COMMANDS["init"],
                       description="Write what a new repository needs to use topowire. Existing files are kept, "
                                   "never overwritten.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR",
                   help="the repository's directory, created if missing (default: the current directory)")
    p.add_argument("--cloud", choices=CLOUDS, default="aws",
                   help="the cloud to deploy on: the topology's target, the provider to install (default: aws)")
    p.add_argument("--stack", default=DEFAULT_STACK, metavar="NAME", type=stack_name,
                   help=f"the Pulumi stack whose config file Pulumi.<stack>.yaml to write (default: {DEFAULT_STACK})")
    p.set_defaults(run=run)
    return p


def _through_a_link(root: Path, rel: str) -> bool:
    """Whether a directory on the way from ``root`` to ``rel`` is a symbolic link (``.github`` pointing anywhere:
    init would write where it points)."""
    at = root
    for part in Path(rel).parts[:-1]:
        at = at / part
        if at.is_symlink():
            return True
    return False


def _write_new(path: Path, text: str) -> bool:
    """Create ``path`` with ``text``; False when something (even a dangling symlink) is already there."""
    if os.path.lexists(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:  # O_EXCL: never follows or replaces
            f.write(text)
    except FileExistsError:
        return False
    return True


def _docs(root: Path) -> str | None:
    """docs/architecture.md of root/topology.yaml, or None when that file is not valid (validate says why)."""
    from ..errors import TopowireError
    from .docs import render_for

    try:
        return render_for(str(root / "topology.yaml"), str(root / "docs" / "architecture.md"))
    except TopowireError:
        return None


def run(args) -> int:
    from .. import __version__, schema, scaffold

    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        print(f"topowire init: {root} is a file, not a directory; choose another DIR", file=sys.stderr)
        return EXIT_INVALID
    try:
        root.mkdir(parents=True, exist_ok=True)
        name = scaffold.project_name(root.resolve().name)
        planned = scaffold.files(name, args.cloud, args.stack, __version__)
        planned["schema/topology.schema.json"] = schema.schema_text()
        written, kept, linked = [], [], []
        for rel, text in planned.items():
            if _through_a_link(root, rel):
                linked.append(rel)
                continue
            (written if _write_new(root / rel, text) else kept).append(rel)
        docs = "docs/architecture.md"
        if _through_a_link(root, docs):
            linked.append(docs)
        elif os.path.lexists(root / docs):
            kept.append(docs)
        else:
            content = _docs(root)
            if content is None:
                print(f"{docs} not written: topology.yaml is not valid yet (topowire validate says why)",
                      file=sys.stderr)
            elif _write_new(root / docs, content):
                written.append(docs)
    except OSError as exc:
        print(f"topowire init: cannot write into {root}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    for rel in written:
        print(f"wrote {rel}")
    for rel in kept:
        print(f"kept  {rel} (it exists; not overwritten)")
    for rel in linked:
        print(f"skipped {rel}: a directory on its path is a symbolic link, which init does not follow; "
              "write it there yourself if that is where it belongs")
    steps = [] if args.dir == "." else [f"cd {args.dir}"]
    steps += [f"pip install 'topowire[{args.cloud}]=={__version__}' pre-commit",
              f"topowire validate && topowire plan --cloud {args.cloud}",
              "pre-commit install",
              f"pulumi stack init {args.stack}   # then fill in Pulumi.{args.stack}.yaml; pulumi preview"]
    print("\nNext:\n" + "".join(f"  {s}\n" for s in steps), end="")
    return EXIT_OK
