"""Each side of a diff: a file, or ``<git-ref>:<path>`` read with ``git show``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..check import check_document
from ..errors import InputError
from ..loader import load_bytes, load_file


def is_git_spec(spec: str) -> bool:
    return ":" in spec and not os.path.exists(spec)


def read(spec: str):
    """The validated Topology of ``spec``, or None when it does not exist at that git ref (a new file).

    Raises InputError, with `topowire validate`'s diagnostics, when it is not valid.
    """
    if is_git_spec(spec):
        ref, path = spec.split(":", 1)
        rel = path if path.startswith(("./", "../", "/")) else f"./{path}"
        proc = subprocess.run(["git", "show", f"{ref}:{rel}"], capture_output=True, timeout=60)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()
            if "does not exist in" in err or "exists on disk, but not in" in err:
                return None
            raise InputError(f"cannot read {spec} from git: {err.splitlines()[-1] if err else 'git show failed'}")
        doc = load_bytes(proc.stdout, spec, Path(path))
    else:
        doc = load_file(spec)
    result = check_document(doc)
    if not result.ok:
        raise InputError(f"{spec} is not a valid topology", tuple(result.diagnostics))
    return result.topology
