"""The one way topowire opens a file that a topology names: confined to a root directory.

A topology file is untrusted (it arrives in pull requests). Every path it
names -- a message's ``schema:`` file, a ``$ref`` inside such a schema --
goes through ``read`` here, which refuses:

* absolute paths, URLs and anything with a scheme, empty paths, NUL bytes;
* paths that leave the root (``..`` climbing out, or a symlink that leads
  out): the path is resolved after symlinks and must stay inside the root
  (the topology's directory, or ``--root DIR``);
* anything inside a ``.git`` directory (checkout credentials live there);
* devices, FIFOs, sockets and directories: only regular files;
* files larger than ``MAX_REFERENCED_BYTES``.

The checks are made on what is actually opened, not only on the name: the
resolved path is opened one component at a time from a descriptor of the
root with ``O_NOFOLLOW`` (a symlink swapped in after the check is refused),
the final file with ``O_NONBLOCK`` (a FIFO cannot hang the open) and checked
with ``fstat`` after the open.

No error raised here ever includes the contents of a file: only the name the
topology wrote, and why it was refused.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

from .errors import InputError

MAX_REFERENCED_BYTES = 1024 * 1024  # a message schema is a few KiB; 1 MiB is generous
ALLOWED_SUFFIXES = (".json", ".yaml", ".yml")


class PathRefused(InputError):
    """A path a topology names cannot be read; the message says why, never what the file holds."""

    def __init__(self, name: str, reason: str, hint: str = ""):
        super().__init__(f"'{name}' {reason}")
        self.name, self.reason, self.hint = name, reason, hint


def _repository_top(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` that holds a ``.git`` (a directory, or a worktree's file)."""
    for candidate in (directory, *directory.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def check_root(root, topology) -> None:
    """Refuse a ``--root`` (or stack config ``topowire:root``) that would let a topology name files outside its repository.

    ``--root`` widens where the files a topology names may be read from; it must not widen it past the
    repository that holds the topology (a schema file ``../../home/runner/.docker/config.json`` would then be
    read, and ``asyncapi`` copies message schemas into its output). Inside a git repository, the root must be
    the repository's top directory or inside it; outside one, it must hold the topology file and must not be
    the file system's root. Raises InputError (exit 1) naming both directories.
    """
    if root is None:
        return
    real_root = Path(os.path.realpath(root))
    if not real_root.is_dir():
        raise InputError(f"--root {root}: not a directory; give the directory the files a topology names must stay in")
    where = Path(os.path.realpath(Path(topology).parent if topology is not None else Path.cwd()))
    top = _repository_top(where)
    if top is not None:
        if real_root != top and top not in real_root.parents:
            raise InputError(f"--root {root}: {real_root} is outside the git repository that holds the topology "
                             f"({top}); files a topology names must stay inside its repository, so give {top} or a "
                             "directory inside it")
    elif real_root == Path(real_root.anchor) or (real_root != where and real_root not in where.parents):
        raise InputError(f"--root {root}: {real_root} must be the topology's directory ({where}) or a directory above "
                         "it, and not the file system's root")


def check_name(name: str) -> PurePosixPath:
    """The relative path ``name`` as written, or PathRefused for names that are refused before any lookup."""
    if not isinstance(name, str) or not name.strip():
        raise PathRefused(str(name), "is not a file name", "write a path relative to the topology file")
    if "\x00" in name:
        raise PathRefused(name.replace("\x00", "\\0"), "contains a NUL byte", "write a plain relative path")
    if "://" in name or name.split(":", 1)[0].lower() in ("file", "http", "https", "urn", "data", "ftp"):
        raise PathRefused(name, "is a URL: topowire never fetches anything a topology names",
                          "copy the file into the repository and write its relative path")
    if name.startswith(("/", "\\", "~")) or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        raise PathRefused(name, "is an absolute path: files a topology names must be inside the repository",
                          "write the path relative to the topology file")
    pure = PurePosixPath(name.replace("\\", "/"))
    if ".git" in pure.parts:
        raise PathRefused(name, "is inside a .git directory, which topowire never reads", "name a file of the repository")
    if pure.suffix.lower() not in ALLOWED_SUFFIXES:
        raise PathRefused(name, f"is not a JSON or YAML file (the name must end in {', '.join(ALLOWED_SUFFIXES)})",
                          "name a .json, .yaml or .yml file")
    return pure


def resolve(name: str, base: Path, root: Path) -> Path:
    """The real path of ``name`` (relative to ``base``), checked to lie inside ``root`` after symlinks."""
    pure = check_name(name)
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(Path(base) / pure))
    if target != real_root and real_root not in target.parents:
        how = "climbs out of" if ".." in pure.parts else "leads (through a symlink) out of"
        raise PathRefused(name, f"{how} the directory topowire may read ({real_root})",
                          "keep schema files inside the repository, or widen the allowed directory with --root DIR")
    rel = target.relative_to(real_root)
    if ".git" in rel.parts:
        raise PathRefused(name, "resolves into a .git directory, which topowire never reads",
                          "name a file of the repository")
    if rel.suffix.lower() not in ALLOWED_SUFFIXES:
        raise PathRefused(name, "resolves (through a symlink) to a file that is not .json, .yaml or .yml",
                          "name a .json, .yaml or .yml file")
    return target


def read(name: str, base: Path, root: Path, max_bytes: int = MAX_REFERENCED_BYTES) -> bytes:
    """The bytes of the file ``name`` (relative to ``base``), confined to ``root``; PathRefused otherwise."""
    target = resolve(name, base, root)
    real_root = Path(os.path.realpath(root))
    parts = target.relative_to(real_root).parts
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    directory = getattr(os, "O_DIRECTORY", 0)
    fds = []
    try:
        try:
            fds.append(os.open(real_root, os.O_RDONLY | directory))
            for part in parts[:-1]:
                fds.append(os.open(part, os.O_RDONLY | directory | nofollow, dir_fd=fds[-1]))
            fd = os.open(parts[-1], os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0),
                         dir_fd=fds[-1])
        except FileNotFoundError:
            raise PathRefused(name, "does not exist", "check the path: it is relative to the topology file") from None
        except IsADirectoryError:
            raise PathRefused(name, "is a directory, not a file", "name a .json, .yaml or .yml file") from None
        except OSError as exc:  # ELOOP/ENOTDIR: a symlink swapped in after the check; EACCES...
            if exc.errno == errno.ENXIO:  # a socket (or a device without a driver)
                raise PathRefused(name, "is not a regular file (a device, a FIFO or a socket)",
                                  "name a regular .json, .yaml or .yml file") from None
            raise PathRefused(name, f"cannot be opened safely ({os.strerror(exc.errno) if exc.errno else exc})",
                              "name a regular file inside the repository") from None
        fds.append(fd)
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise PathRefused(name, "is a directory, not a file", "name a .json, .yaml or .yml file")
        if not stat.S_ISREG(info.st_mode):
            raise PathRefused(name, "is not a regular file (a device, a FIFO or a socket)",
                              "name a regular .json, .yaml or .yml file")
        if info.st_size > max_bytes:
            raise PathRefused(name, f"is larger than {max_bytes // 1024} KiB ({info.st_size:,} bytes)",
                              "a message schema is a few KiB; check that this is the right file")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise PathRefused(name, f"is larger than {max_bytes // 1024} KiB",
                                  "a message schema is a few KiB; check that this is the right file")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        for fd in fds:
            os.close(fd)
