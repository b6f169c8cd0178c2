"""Each side of a diff: a file, or ``<git-ref>:<path>`` read from git.

The ref and the path come from the command line, and in CI from values a pull request controls (its base
branch name), so neither ever reaches git as an option: the ref is refused when it starts with ``-`` or is
not a plain revision, then resolved to a commit id with ``git rev-parse --verify --end-of-options``; the
blob is read as ``<commit-id>:./<path>``, an argument that starts with 40 hex digits. The blob is read with
``git cat-file`` (no textconv, no filters) and its size is checked before it is read.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .. import confine
from ..check import check_document
from ..errors import InputError
from ..loader import MAX_BYTES, load_bytes, load_file
from .gittree import GitTree

GIT_TIMEOUT = 60
# A revision as people type it: a branch, tag, remote branch, commit id, HEAD~2, main^, v1.0@{1}...
# Not accepted: a leading '-' (an option), '..' (a range), whitespace and control characters, ':' (a path).
REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./~^@{}+-]*\Z")
UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f]")


def is_git_spec(spec: str) -> bool:
    """``<git-ref>:<path>`` rather than a file: a spec with ':' and no file (nor symlink) of that name.

    A spec that is both (a committed file or symlink named ``origin/main:topology.yaml`` while ``origin/main`` is
    a commit) is refused by ``read_result``: a pull request could plant its own base that way.
    """
    return ":" in spec and not os.path.lexists(spec)


def _ambiguous(spec: str) -> bool:
    """True when ``spec`` names a file (or symlink) and its part before ':' is also a commit here."""
    if ":" not in spec or not os.path.lexists(spec):
        return False
    ref = spec.split(":", 1)[0]
    if not REF.match(ref) or ".." in ref:
        return False
    try:
        resolve_commit(ref, spec)
    except InputError:
        return False
    return True


def _git(*args: str, what: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(["git", *args], capture_output=True, timeout=GIT_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise InputError(f"cannot read {what} from git: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"cannot read {what} from git: git did not answer within {GIT_TIMEOUT} s") from None


def _last_line(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8", "replace").strip()
    return err.splitlines()[-1] if err else "git failed"


def check_ref(ref: str, spec: str) -> None:
    if not ref:
        raise InputError(f"{spec!r}: the git ref before ':' is empty; write <git-ref>:<path>, e.g. origin/main:topology.yaml")
    if ref.startswith("-"):
        raise InputError(f"{spec!r}: a git ref cannot start with '-' (it would be read as an option); "
                         "give a branch, tag or commit id")
    if ".." in ref:
        raise InputError(f"{spec!r}: {ref!r} is a range; give one branch, tag or commit id")
    if not REF.match(ref):
        raise InputError(f"{spec!r}: {ref!r} is not a git ref (allowed: letters, digits and _ . / ~ ^ @ {{ }} + -, "
                         "not starting with '-'); give a branch, tag or commit id")


def check_path(path: str, spec: str) -> str:
    if not path or UNSAFE_PATH.search(path):
        raise InputError(f"{spec!r}: the path after ':' is empty or holds control characters")
    if path.startswith("/"):
        raise InputError(f"{spec!r}: the path after ':' must be relative to the current directory, inside the repository")
    return path[2:] if path.startswith("./") else path


def resolve_commit(ref: str, spec: str) -> str:
    proc = _git("rev-parse", "--quiet", "--verify", "--end-of-options", f"{ref}^{{commit}}", what=spec)
    sha = proc.stdout.decode("ascii", "replace").strip()
    if proc.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", sha):
        raise InputError(f"cannot read {spec} from git: {ref!r} is not a commit here "
                         "(in CI, fetch it first: actions/checkout with fetch-depth: 0)")
    return sha


def read_git(spec: str) -> bytes | None:
    """The bytes of ``<ref>:<path>``; None when the path does not exist at that commit."""
    return _read_git(spec)[0]


def _read_git(spec: str) -> tuple:
    """(the bytes of ``<ref>:<path>`` or None when the path does not exist at that commit, the commit id)."""
    ref, path = spec.split(":", 1)
    check_ref(ref, spec)
    rel = check_path(path, spec)
    sha = resolve_commit(ref, spec)
    obj = f"{sha}:./{rel}"
    kind = _git("cat-file", "-t", obj, what=spec)
    if kind.returncode != 0:
        err = _last_line(kind)
        if "does not exist in" in err or "exists on disk, but not in" in err:
            return None, sha
        raise InputError(f"cannot read {spec} from git: {err}")
    if kind.stdout.strip() != b"blob":
        raise InputError(f"cannot read {spec} from git: it is a {kind.stdout.decode('ascii', 'replace').strip()}, "
                         "not a file")
    size = _git("cat-file", "-s", obj, what=spec)
    if size.returncode != 0 or int(size.stdout.strip() or 0) > MAX_BYTES:
        raise InputError(f"cannot read {spec} from git: larger than {MAX_BYTES // 1048576} MiB")
    blob = _git("cat-file", "blob", obj, what=spec)
    if blob.returncode != 0:
        raise InputError(f"cannot read {spec} from git: {_last_line(blob)}")
    return blob.stdout, sha


def repository_top(what: str) -> Path:
    """The top directory of the git repository that holds the current directory."""
    proc = _git("rev-parse", "--show-toplevel", what=what)
    top = proc.stdout.decode("utf-8", "surrogateescape").rstrip("\n")
    if proc.returncode != 0 or not top:
        raise InputError(f"cannot read {what} from git: the current directory is not in a git repository")
    return Path(top)


def read(spec: str, stack: str, root=None):
    """The validated Topology of ``spec``'s stack ``stack``, or None when it does not exist at that git ref.

    Raises InputError, with `topowire validate`'s diagnostics, when it is not valid.
    """
    result = read_result(spec, stack, root)
    return result.topology if result is not None else None


def read_at(ref: str, path: str, stack: str, root=None):
    """The check Result of ``path`` at git ``ref`` (``diff --base REF``, ``asyncapi --changes-since REF``), or None
    when it does not exist there: always from git, never from a working-tree file named ``REF:path``."""
    check_ref(ref, f"{ref}:{path}")
    if os.path.isabs(path):  # git reads <commit>:./<path> relative to the current directory, inside the repository
        path = os.path.relpath(path)
    return read_result(f"{ref}:{path}", stack, root, git=True)


def read_result(spec: str, stack: str, root=None, git: bool | None = None):
    """The check Result of ``spec`` (every environment's Topology), or None when it does not exist at that git ref.

    ``git=True``: ``spec`` is ``<ref>:<path>`` read from git, whatever the working tree holds; otherwise a spec
    that is both a file and ``<commit>:<path>`` is refused as ambiguous. The files the topology names (message
    schemas) are read from the same commit as the topology.
    """
    if git is None and _ambiguous(spec):
        raise InputError(f"{spec!r} is both a file (or symlink) in the working tree and <git-ref>:<path>: topowire "
                         "reads neither; for the version in git use --base REF, for the file write ./" + spec)
    if git or is_git_spec(spec):
        data, sha = _read_git(spec)
        if data is None:
            return None
        source = Path(spec.split(":", 1)[1])
        confine.check_root(root, source)
        tree = GitTree(sha, repository_top(spec), spec.split(":", 1)[0], _git)
        doc = load_bytes(data, spec, source, root, files=tree)
    else:
        confine.check_root(root, spec)
        doc = load_file(spec, root)
    result = check_document(doc, stack=stack)
    if not result.ok:
        raise InputError(f"{spec} is not a valid topology", tuple(result.diagnostics))
    return result
