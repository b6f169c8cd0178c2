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


# --- topowire's own files: the topology file, every output path, the files it scans in an output directory ---

MAX_SCANNED_BYTES = 64 * 1024 * 1024 + 1024 * 1024  # a committed output compared with --check: the output bound


class OutputRefused(InputError):
    """An output path topowire will not write (or read back): a symlink on its way, outside the repository, .git."""


def own_root(path) -> Path:
    """The directory an own file (topology, output) must stay in: the top of the git repository that holds the path
    as written (found without following links), else the directory the path as written is in."""
    lexical = Path(os.path.abspath(path))
    top = _repository_top(lexical.parent)
    return Path(os.path.realpath(top if top is not None else lexical.parent))


def _inside(path, root: Path, what: str, error):
    """The parts of ``path`` below ``root``, checked lexically and after symlinks; ``error(reason, hint)`` else."""
    lexical = Path(os.path.abspath(path))
    real = Path(os.path.realpath(lexical))
    if real != root and root not in real.parents:
        raise error(f"leads (through a symlink) out of the repository ({root})",
                    f"{what} must be a file of the repository; replace the symlink with the file itself")
    parts = real.relative_to(root).parts
    if ".git" in parts:
        raise error("leads into a .git directory, which topowire never reads or writes",
                    f"{what} must be a file of the repository, outside .git")
    return parts


def _open_dirs(root: Path, parts, create: bool = False, error=None) -> list:
    """Descriptors of ``root`` and of each directory in ``parts`` below it, opened without following a link
    (created when ``create``); the caller closes them."""
    nofollow, directory = getattr(os, "O_NOFOLLOW", 0), getattr(os, "O_DIRECTORY", 0)
    fds = [os.open(root, os.O_RDONLY | directory)]
    try:
        for part in parts:
            try:
                fds.append(os.open(part, os.O_RDONLY | directory | nofollow, dir_fd=fds[-1]))
            except FileNotFoundError:
                if not create:
                    raise
                os.mkdir(part, 0o777, dir_fd=fds[-1])
                fds.append(os.open(part, os.O_RDONLY | directory | nofollow, dir_fd=fds[-1]))
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return fds


class NotRegular(Exception):
    """An own file that is a device, a FIFO or a socket."""


class TooLarge(Exception):
    def __init__(self, size: int | None, limit: int):
        super().__init__(f"is larger than {limit // 1048576} MiB" + (f" ({size:,} bytes)" if size else ""))
        self.size, self.limit = size, limit


def _read_fd(fd: int, max_bytes: int) -> bytes:
    """The bytes of the open file ``fd``: IsADirectoryError, NotRegular or TooLarge (checked before and while
    reading) otherwise."""
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular()
    if info.st_size > max_bytes:
        raise TooLarge(info.st_size, max_bytes)
    os.set_blocking(fd, True)
    chunks, total = [], 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(None, max_bytes)
        chunks.append(chunk)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_own(path, max_bytes: int, error, root: Path | None = None) -> bytes:
    """The bytes of one of topowire's own input files (the topology file): inside ``root`` (default: its
    repository, see ``own_root``) after symlinks, not in .git, a regular file (a FIFO cannot hang the open), at
    most ``max_bytes``, opened one component at a time without following a link. ``error(reason, hint)`` builds
    the exception for a path refused; NotRegular, TooLarge and OSError (FileNotFoundError...) pass through."""
    root = own_root(path) if root is None else Path(os.path.realpath(root))
    parts = _inside(path, root, "the topology file", error)
    if not parts:
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    fds = _open_dirs(root, parts[:-1])
    try:
        try:
            fds.append(os.open(parts[-1], _READ_FLAGS, dir_fd=fds[-1]))
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.EISDIR):
                raise
            raise error(f"cannot be opened safely ({os.strerror(exc.errno) if exc.errno else exc})",
                        "pass a regular file of the repository") from None
        return _read_fd(fds[-1], max_bytes)
    finally:
        for fd in fds:
            os.close(fd)


class Output:
    """One output path of topowire (``docs -o``, ``asyncapi -o DIR/<name>``): read back and written only inside
    its repository, never through a symbolic link (at the file or at any directory on its way), never in .git.

    ``Output(path)`` checks the path (OutputRefused, exit 1); ``current()`` is the bytes on disk (None when there is
    none), read without following a link and non-blocking; ``write(text)`` writes a temporary file in the same real
    directory and renames it over the output (atomic, and a link planted after the check is replaced, not
    followed); ``remove()`` unlinks it."""

    def __init__(self, path, what: str = "output", directory: bool = False):
        self.path, self.what = Path(path), what
        lexical = Path(os.path.abspath(path))
        start = lexical if directory else lexical.parent
        top = _repository_top(start)
        if top is None:  # not in a repository: the current directory, or the nearest directory that exists
            cwd = Path(os.path.abspath(os.curdir))
            top = cwd if cwd in lexical.parents else next(d for d in (start, *start.parents) if os.path.isdir(d))
        self.root = Path(os.path.realpath(top))
        self.parts = lexical.relative_to(top).parts
        if not self.parts and not directory:
            raise self._refused("is the repository itself, not a file", "give the path of a file to write")
        if ".git" in self.parts:
            raise self._refused("is inside a .git directory, which topowire never writes",
                                "write the output outside .git")
        at = top
        for part in self.parts:  # lexically, so a link is named by where it is, not by where it leads
            at = at / part
            if at.is_symlink():
                where = "is" if at == lexical else f"is in {at.relative_to(top).as_posix()}/, which is"
                raise self._refused(f"{where} a symbolic link, which topowire never writes through (it would write "
                                    "where the link points: another file, .git/hooks, outside the repository)",
                                    "delete the link (git rm it) and run the command again")
        _inside(lexical, self.root, self.what, self._refused)

    def child(self, name: str, what: str = "output") -> "Output":
        """The Output of the file ``name`` directly in this directory's Output (a site's hundreds of pages): the
        directory's path is checked once, here only the file itself (a plain name, not a link)."""
        if not name or name in (".", "..", ".git") or "/" in name or os.sep in name or "\0" in name:
            raise OutputRefused(f"{what} {name!r} is not a file name")
        out = object.__new__(Output)
        out.path, out.what, out.root, out.parts = self.path / name, what, self.root, self.parts + (name,)
        if os.path.islink(os.path.join(self.root, *out.parts)):
            raise out._refused("is a symbolic link, which topowire never writes through (it would write where the "
                               "link points: another file, .git/hooks, outside the repository)",
                               "delete the link (git rm it) and run the command again")
        return out

    def _refused(self, reason: str, hint: str = "") -> OutputRefused:
        from .escape import terminal

        return OutputRefused(f"{self.what} {terminal(self.path)} {reason}" + (f"; {hint}" if hint else ""))

    def _cannot_write(self, exc: OSError) -> OutputRefused:
        from .escape import terminal

        return OutputRefused(f"cannot write {terminal(self.path)}: {exc.strerror or exc}")

    def current(self, max_bytes: int = MAX_SCANNED_BYTES) -> bytes | None:
        try:
            fds = _open_dirs(self.root, self.parts[:-1])
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise self._refused(f"cannot be read safely ({os.strerror(exc.errno) if exc.errno else exc})") from None
        try:
            try:
                fds.append(os.open(self.parts[-1], _READ_FLAGS, dir_fd=fds[-1]))
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise self._refused(f"cannot be read safely ({os.strerror(exc.errno) if exc.errno else exc})",
                                    "it must be a regular file (not a link, a FIFO or a device)") from None
            try:
                return _read_fd(fds[-1], max_bytes)
            except IsADirectoryError:
                raise self._refused("is a directory", "give the path of a file to write") from None
            except NotRegular:
                raise self._refused("is not a regular file (a FIFO, a device or a socket)",
                                    "delete it and run the command again") from None
            except TooLarge as exc:
                raise self._refused(f"{exc}, more than topowire ever writes", "delete it and run the command again") from None
        finally:
            for fd in fds:
                os.close(fd)

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        try:
            fds = _open_dirs(self.root, self.parts[:-1], create=True)
        except OSError as exc:
            raise self._cannot_write(exc) from None
        try:
            name, parent = self.parts[-1], fds[-1]
            try:
                info = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except FileNotFoundError:
                info = None
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise self._refused("is not a regular file (a link, a directory, a FIFO or a device)",
                                    "delete it and run the command again")
            import secrets

            tmp = f".{name}.topowire-{secrets.token_hex(6)}.tmp"  # O_EXCL: never an existing file or a link
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(tmp, flags, 0o666, dir_fd=parent)  # the umask applies, as for any new file
            try:
                with os.fdopen(fd, "wb") as fh:
                    if info is not None:  # the output keeps its mode (git records the executable bit)
                        os.fchmod(fh.fileno(), stat.S_IMODE(info.st_mode))
                    fh.write(data)
                os.rename(tmp, name, src_dir_fd=parent, dst_dir_fd=parent)
            except BaseException:
                try:
                    os.unlink(tmp, dir_fd=parent)
                except OSError:
                    pass
                raise
        except OutputRefused:
            raise
        except OSError as exc:
            raise self._cannot_write(exc) from None
        finally:
            for fd in fds:
                os.close(fd)

    def remove(self) -> None:
        fds = _open_dirs(self.root, self.parts[:-1])
        try:
            os.unlink(self.parts[-1], dir_fd=fds[-1])
        finally:
            for fd in fds:
                os.close(fd)


def scan(directory: Output, suffix: str, head: int) -> dict:
    """Name -> first ``head`` bytes of every regular file ending in ``suffix`` directly in the output directory
    ``directory`` (an ``Output`` naming a directory); links, FIFOs, devices and directories are skipped, opened
    without following a link and non-blocking (a FIFO or a link to /dev/stdin cannot hang a hook)."""
    try:
        fds = _open_dirs(directory.root, directory.parts)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    found = {}
    try:
        for name in sorted(os.listdir(fds[-1])):
            if not name.endswith(suffix):
                continue
            try:
                fd = os.open(name, _READ_FLAGS, dir_fd=fds[-1])
            except OSError:  # a symlink (ELOOP), gone, unreadable
                continue
            try:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    found[name] = os.read(fd, head)
            except OSError:
                pass
            finally:
                os.close(fd)
    finally:
        for fd in fds:
            os.close(fd)
    return found
