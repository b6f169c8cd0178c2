"""`topowire init [DIR] [--cloud aws|azure|gcp] [--stack dev]`: what a new repository needs to adopt topowire.

Writes a starter topology.yaml, the Pulumi program (Pulumi.yaml, __main__.py, requirements.txt,
Pulumi.<stack>.yaml), the pre-commit hooks, the PR workflow(s), the schema for editors, the
architecture docs and the AsyncAPI documents: everything the PR workflow checks, so that the first
pull request is green. Never overwrites a file: an existing one is kept and named.
"""

from __future__ import annotations

import os
import shlex
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
    p.add_argument("--topowire-from", metavar="SOURCE",
                   help="where requirements.txt and the workflows install topowire from: a git URL "
                        "(git+https://host/org/topowire@v1.0.0), an https URL of a wheel, or a path (default: "
                        "topowire==<this version> from the package index)")
    p.add_argument("--hooks-from", metavar="URL@REV",
                   help="fetch the pre-commit hooks from this repository at REV (default: local hooks that run the "
                        "installed topowire, offline)")
    p.set_defaults(run=run)
    return p


def _source(value: str | None) -> str | None:
    """--topowire-from as pip reads it: a URL as given, a path made an absolute file: URL."""
    if value is None or "://" in value:
        return value
    path = Path(value).resolve()
    if not path.exists():
        raise ValueError(f"--topowire-from {value}: no such file or directory (a git URL needs git+https://)")
    return path.as_uri()


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


def _asyncapi(root: Path) -> dict[str, str] | None:
    """asyncapi/ of root/topology.yaml as `topowire asyncapi` writes it (default stack), or None when invalid."""
    from ..errors import TopowireError
    from .asyncapi import rendered

    try:
        return rendered(str(root / "topology.yaml"), DEFAULT_STACK, str(root / "asyncapi"))
    except TopowireError:
        return None


def run(args) -> int:
    from .. import __version__, schema, scaffold

    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        print(f"topowire init: {root} is a file, not a directory; choose another DIR", file=sys.stderr)
        return EXIT_INVALID
    try:
        source = _source(args.topowire_from)
        hooks = scaffold.hooks_from(args.hooks_from) if args.hooks_from is not None else None
        requirement = scaffold.requirement(__version__, source, args.cloud)
    except ValueError as exc:
        print(f"topowire init: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        root.mkdir(parents=True, exist_ok=True)
        name = scaffold.project_name(root.resolve().name)
        planned = scaffold.files(name, args.cloud, args.stack, __version__, source, hooks)
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
        contracts = None if _through_a_link(root, "asyncapi/index.md") else _asyncapi(root)
        if _through_a_link(root, "asyncapi/index.md"):
            linked.append("asyncapi/")
        elif contracts is None:
            print("asyncapi/ not written: topology.yaml is not valid yet (topowire validate says why)", file=sys.stderr)
        else:
            for fname, text in contracts.items():
                rel = f"asyncapi/{fname}"
                (written if _write_new(root / rel, text) else kept).append(rel)
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
    steps = [] if args.dir == "." else [f"cd {shlex.quote(args.dir)}"]
    steps += [f"pip install {shlex.quote(requirement)} pre-commit   # the topowire that requirements.txt and "
              "the workflows install",
              f"topowire validate && topowire plan --cloud {args.cloud}",
              ("git init && " if not (root / ".git").exists() else "") + "pre-commit install"
              + ("   # the hooks run this topowire: nothing is downloaded" if hooks is None else
                 "   # the hooks come from " + hooks[0]),
              f"pulumi stack init {args.stack}"]
    steps += [f"pulumi config set {key} {example}   # or uncomment it in Pulumi.{args.stack}.yaml"
              for key, example in scaffold.required_keys(args.cloud)]
    steps += ["pulumi preview"]
    print("\nNext:\n" + "".join(f"  {s}\n" for s in steps), end="")
    if source is not None and source.startswith("file:"):
        print(f"\nNote: the workflows install topowire from {source}, a path on this machine; GitHub's runners "
              "cannot reach it: use a git URL (--topowire-from git+https://...) before you push.", file=sys.stderr)
    return EXIT_OK
