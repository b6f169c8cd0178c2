"""The files of one git commit, read with the confinement rules of ``generator/confine.py``.

The base of a review (``diff --base REF``, ``asyncapi --changes-since REF``) is a commit, and so are the files its
topology names (message ``schema:`` files and the ``$ref`` inside them): reading those from the working tree would
compare the pull request's schema with itself (a breaking change only in a schema file shows "No changes") and
blame the base for the pull request's schema. ``GitTree.read`` has the signature of ``confine.read`` and refuses
what it refuses -- names that are absolute, URLs, ``..`` out of the root, ``.git``, not .json/.yaml/.yml,
larger than the bound -- computed on the path inside the commit, and what a tree can hold besides a file: a
directory, a submodule, a symlink (git stores it as a blob holding the target; topowire follows none in a
commit, so nothing it points at is ever read). Paths reach git as ``<commit-id>:<path from the top>`` (the
argument starts with 40 hex digits, never an option) and ``ls-tree --full-tree --literal-pathspecs`` (no glob).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from .. import confine

MODE_FILE = ("100644", "100755")


def _lexical(path) -> Path:
    """``path`` made absolute from the real current directory, without following a symlink of the working tree
    (the commit's tree is what is read: a symlink the pull request puts in the working tree changes nothing)."""
    p = Path(path)
    return Path(posixpath.normpath((p if p.is_absolute() else Path(os.path.realpath(os.getcwd())) / p).as_posix()))


class GitTree:
    """The files of ``commit`` in the repository whose top directory (in the working tree) is ``top``."""

    def __init__(self, commit: str, top: Path, label: str, git):
        self.commit, self.top, self.label, self._git = commit, Path(os.path.realpath(top)), label, git

    def entry(self, rel: str) -> tuple[str, str, str] | None:
        """(mode, type, object id) of ``rel`` at the commit, or None when it is not there."""
        proc = self._git("--literal-pathspecs", "ls-tree", "-z", "--full-tree", self.commit, "--", rel,
                         what=f"{self.label}:{rel}")
        if proc.returncode != 0:
            raise confine.PathRefused(rel, f"cannot be listed at {self.label} (git: "
                                      f"{proc.stderr.decode('utf-8', 'replace').strip()[-200:]})", "")
        for record in proc.stdout.split(b"\0"):
            meta, _, name = record.partition(b"\t")
            if name == rel.encode("utf-8", "surrogateescape"):
                mode, kind, oid = meta.decode("ascii", "replace").split(" ")
                return mode, kind, oid
        return None

    def blob(self, oid: str, name: str, max_bytes: int) -> bytes:
        size = self._git("cat-file", "-s", oid, what=name)
        if size.returncode != 0 or not size.stdout.strip().isdigit():
            raise confine.PathRefused(name, f"cannot be read at {self.label}", "")
        if int(size.stdout) > max_bytes:
            raise confine.PathRefused(name, f"is larger than {max_bytes // 1024} KiB at {self.label} "
                                      f"({int(size.stdout):,} bytes)", "check that this is the right file")
        blob = self._git("cat-file", "blob", oid, what=name)
        if blob.returncode != 0:
            raise confine.PathRefused(name, f"cannot be read at {self.label}", "")
        return blob.stdout

    def read(self, name: str, base: Path, root: Path, max_bytes: int = confine.MAX_REFERENCED_BYTES) -> bytes:
        """``confine.read`` at the commit: the bytes of ``name`` (relative to ``base``), confined to ``root``."""
        pure = confine.check_name(name)
        real_root = _lexical(root)
        target = Path(posixpath.normpath((_lexical(base) / pure).as_posix()))
        if target != real_root and real_root not in target.parents:
            raise confine.PathRefused(name, f"climbs out of the directory topowire may read ({real_root})",
                                      "keep schema files inside the repository, or widen the allowed directory "
                                      "with --root DIR")
        try:
            rel = target.relative_to(self.top)
        except ValueError:
            raise confine.PathRefused(name, f"is outside the git repository ({self.top})",
                                      "keep schema files inside the repository") from None
        if ".git" in rel.parts:
            raise confine.PathRefused(name, "resolves into a .git directory, which topowire never reads",
                                      "name a file of the repository")
        found = self.entry(rel.as_posix())
        if found is None:
            raise confine.PathRefused(name, f"does not exist at {self.label} (the base's files are read from git, "
                                      "and no symlink is followed there)",
                                      "check the path: it is relative to the topology file")
        mode, kind, oid = found
        if mode == "120000":
            raise confine.PathRefused(name, f"is a symlink at {self.label}: the base's files are read from git, "
                                      "where topowire follows no symlink", "name the file itself")
        if kind == "tree":
            raise confine.PathRefused(name, "is a directory, not a file", "name a .json, .yaml or .yml file")
        if kind != "blob" or mode not in MODE_FILE:
            raise confine.PathRefused(name, f"is not a regular file at {self.label} (a submodule?)",
                                      "name a regular .json, .yaml or .yml file")
        return self.blob(oid, name, max_bytes)
