"""Load topology.yaml into plain data plus the line and column of every node.

Built on PyYAML's event stream (the C parser, libyaml, where available), with a
small iterative composer of our own instead of PyYAML's recursive one, so that:

* every value and every mapping key keeps its 1-based line and column;
* duplicate keys are errors (plain loaders silently keep the last one);
* anchors and aliases are allowed but their expansion is counted -- in nodes
  and in characters of scalars and keys -- so an alias bomb ("billion
  laughs", nested, through merge keys ``<<``, or of long strings) or a
  recursive alias stops at once;
* nesting depth is bounded, so 10,000-deep input is an error, not a crash;
* scalars follow YAML 1.2's core schema, and plain scalars that YAML 1.1 tools
  (PyYAML, many CI systems) would read differently -- ``yes``, ``on``, ``010``,
  ``1:30`` -- are errors that ask to quote them, so every tool agrees;
* empty files, non-mapping roots, several documents, non-UTF-8 or binary bytes
  and oversized files all get a clean diagnostic.

Nothing here prints; failures raise ``InputError`` carrying diagnostics.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

import yaml

from .diagnostics import ERROR, Diagnostic, Locator, Mark
from .errors import InputError

try:  # libyaml is an order of magnitude faster; fall back when it is missing.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 2_000_000
# The expanded document (aliases replaced by what they name) holds at most this many characters of scalars
# and keys: a 2.5 KB file of aliases to long strings otherwise expands to gigabytes.
MAX_EXPANDED_CHARS = 32 * 1024 * 1024
MAX_INT_CHARS = 100  # longest integer scalar (digits, sign and 0x/0o prefix)

# Codes of the problems found while reading the file (docs/rules.md lists them).
LOAD_CODES = {
    "TOP001": ("yaml-syntax", "The file is not well-formed YAML."),
    "TOP002": ("duplicate-key", "A key appears twice in one mapping."),
    "TOP003": ("alias-expansion", "An alias is undefined, recursive, or expands past the node or size budget."),
    "TOP004": ("nesting-too-deep", f"Nesting deeper than {MAX_DEPTH} levels."),
    "TOP005": ("ambiguous-scalar", "A plain scalar that YAML 1.1 and YAML 1.2 tools read differently."),
    "TOP006": ("encoding", "The file is not UTF-8 text."),
    "TOP007": ("document-shape", "Empty file, several documents, a non-mapping root or a non-string key."),
    "TOP008": ("file-too-large", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MiB."),
    "TOP009": ("unreadable-file", "The file does not exist or cannot be read."),
}

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
# What YAML 1.1 loaders (PyYAML, yaml-language-server in 1.1 mode...) read as
# something else than YAML 1.2 does.
_YAML11_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")
_SPECIAL_WORDS = frozenset(
    ["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]
    + [w for b in ("yes", "no", "on", "off") for w in (b, b.capitalize(), b.upper())]
)
_YAML11_NUM = re.compile(r"^[-+]?(?:0[0-9_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9]+(?:_[0-9]+)+)$")


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: its data and where each node was."""

    data: dict
    file: str
    source: FsPath | None
    values: dict
    keys: dict
    root: FsPath | None = None  # the directory files it names must stay in (None: the file's own directory)
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # work shared by every build of it
    # where the files it names are read: None, the working tree (confine.read); or an object with confine.read's
    # signature, e.g. the git commit the document itself comes from (generator/diff/gittree.py)
    files: object = field(default=None, compare=False, repr=False)

    def locator(self) -> Locator:
        return Locator(self.file, self.values, self.keys)


class _Fail(Exception):
    def __init__(self, code: str, message: str, mark: Mark, hint: str):
        self.code, self.message, self.mark, self.hint = code, message, mark, hint


def _mark(m) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def load_file(path: str | FsPath, confine_root: str | FsPath | None = None) -> Document:
    """The topology file at ``path``, read with the same confinement as the files it names (confine.read_own): a
    regular file of its repository (a symlink leading out of it or into .git is refused, and so are FIFOs and
    devices), at most MAX_BYTES, opened without following a link."""
    from . import confine

    p = FsPath(path)
    shown = str(path)

    def refused(reason: str, hint: str = "") -> InputError:
        return _error(shown, "TOP009", reason, hint or "pass the path of a topology.yaml")

    try:
        data = confine.read_own(p, MAX_BYTES, refused)
    except FileNotFoundError:
        raise _error(shown, "TOP009", "file not found", "pass the path of a topology.yaml") from None
    except IsADirectoryError:
        raise _error(shown, "TOP009", "is a directory, not a file", "pass the path of a topology.yaml") from None
    except confine.NotRegular:
        raise _error(shown, "TOP009", "is not a regular file (a device or a pipe?)",
                     "pass the path of a topology.yaml") from None
    except confine.TooLarge as exc:
        size = f"file is {exc.size / 1048576:.1f} MiB" if exc.size else "file grew while read: it is over the limit"
        raise _error(shown, "TOP008", f"{size}; topowire reads at most {MAX_BYTES // 1048576} MiB",
                     "split the topology or check that this is the right file") from None
    except OSError as exc:
        raise _error(shown, "TOP009", f"cannot read: {exc.strerror}", "") from None
    return load_bytes(data, str(path), p, confine_root)


def load_bytes(data: bytes | str, file: str = "<string>", source: FsPath | None = None,
               confine_root: str | FsPath | None = None, files=None) -> Document:
    text = data if isinstance(data, str) else _decode(data, file)
    if len(text) > MAX_BYTES:
        raise _error(file, "TOP008", f"input is larger than {MAX_BYTES // 1048576} MiB", "")
    try:
        root, values, keys = _Composer(text).compose()
    except _Fail as f:
        raise InputError(f.message, (Diagnostic(file, f.mark.line, f.mark.col, ERROR, f.code, f.message, f.hint),)) from None
    except _Many as m:
        diags = tuple(Diagnostic(file, f.mark.line, f.mark.col, ERROR, f.code, f.message, f.hint) for f in m.fails)
        raise InputError(diags[0].message, diags) from None
    return Document(root, file, source, values, keys, FsPath(confine_root) if confine_root is not None else None,
                    files=files)


def _error(file: str, code: str, message: str, hint: str, line: int = 1, col: int = 1) -> InputError:
    return InputError(message, (Diagnostic(file, line, col, ERROR, code, message, hint),))


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _error(file, "TOP006", "starts with a UTF-16 byte-order mark but is not valid UTF-16",
                         "save the file as UTF-8") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _position(data, nul)
        raise _error(file, "TOP006", "binary data: the file contains NUL bytes",
                     "topology files are UTF-8 text; check that this is the right file", line, col)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        raise _error(file, "TOP006", f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot start a character here",
                     "save the file as UTF-8 (most editors: 'Save with encoding')", line, col) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


class _Many(Exception):
    def __init__(self, fails):
        self.fails = fails


_MISSING = object()


class _Frame:
    __slots__ = ("kind", "value", "path", "key", "key_mark", "anchor", "size", "chars", "merges", "explicit")

    def __init__(self, kind, value, path, anchor):
        self.kind = kind
        self.value = value
        self.path = path
        self.key = _MISSING
        self.key_mark = None
        self.anchor = anchor
        self.size = 1
        self.chars = 0
        self.merges = None
        self.explicit = None


class _Composer:
    def __init__(self, text: str):
        self.text = text
        self.values: dict = {}
        self.keys: dict = {}
        self.anchors: dict = {}  # name -> (value, size, chars)
        self.open_anchors: set = set()
        self.expanded = 0
        self.chars = 0  # characters of every scalar and key of the expanded document
        self.soft: list[_Fail] = []  # problems that do not stop reading

    def compose(self):
        root = None
        docs = 0
        stack: list[_Frame] = []
        values, keys = self.values, self.keys
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start, map_end, seq_end = (yaml.MappingStartEvent, yaml.SequenceStartEvent,
                                                  yaml.MappingEndEvent, yaml.SequenceEndEvent)
        loader = None
        try:
            loader = _EventLoader(self.text)
            # The parser's events one by one (what yaml.parse yields, without a generator around each);
            # a type test per event, most frequent first: most events are scalars.
            for ev in iter(loader.get_event, None):
                kind = type(ev)
                if kind is scalar_event:
                    value = ev.value
                    chars = len(value)
                    if ev.tag is None and ev.implicit[0]:
                        if not (value[:1].isalpha() and value not in _SPECIAL_WORDS):
                            value = self._plain(value, ev)
                    elif ev.tag is not None:
                        value = self._scalar(ev)
                    self.chars += chars
                    if self.chars > MAX_EXPANDED_CHARS:
                        self._count_chars(0, ev)
                    if ev.anchor:
                        self.anchors[ev.anchor] = (value, 1, chars)
                    if not stack:
                        root = value
                        values[()] = _mark(ev.start_mark)
                        continue
                    top = stack[-1]
                    top.chars += chars
                    if top.kind == "map":
                        if top.key is _MISSING:
                            if type(value) is str and value != "<<" and value not in top.explicit:
                                # the common key: a new name (what _set_key does for it, inline)
                                mark = ev.start_mark
                                mark = Mark(mark.line + 1, mark.column + 1)
                                top.explicit.add(value)
                                top.key, top.key_mark = value, mark
                                keys.setdefault(top.path + (value,), mark)
                            else:
                                self._set_key(top, value, ev)
                            continue
                        mark = ev.start_mark
                        values[top.path + (top.key,)] = Mark(mark.line + 1, mark.column + 1)
                        top.size += 1
                        if top.key == "<<":
                            self._add(stack, value)
                        else:
                            top.value[top.key] = value
                            top.key = _MISSING
                        continue
                    mark = ev.start_mark
                    values[top.path + (len(top.value),)] = Mark(mark.line + 1, mark.column + 1)
                    top.size += 1
                    top.value.append(value)
                    continue
                if kind is map_start or kind is seq_start:
                    is_map = kind is map_start
                    self._check_tag(ev, "map" if is_map else "seq")
                    if len(stack) >= MAX_DEPTH:
                        raise _Fail("TOP004", f"nesting is deeper than {MAX_DEPTH} levels", _mark(ev.start_mark),
                                    "a topology is a few levels deep; check for runaway brackets or indentation")
                    path = self._child_path(stack, ev)
                    frame = _Frame("map" if is_map else "seq", {} if is_map else [], path, ev.anchor)
                    if is_map:
                        frame.explicit = set()
                    if ev.anchor:
                        self.open_anchors.add(ev.anchor)
                    values[path] = _mark(ev.start_mark)
                    stack.append(frame)
                    continue
                if kind is map_end or kind is seq_end:
                    frame = stack.pop()
                    if frame.merges:
                        self._apply_merges(frame)
                    if frame.anchor:
                        self.open_anchors.discard(frame.anchor)
                        self.anchors[frame.anchor] = (frame.value, frame.size, frame.chars)
                    if stack:
                        stack[-1].size += frame.size
                        stack[-1].chars += frame.chars
                        self._add(stack, frame.value)
                    else:
                        root = frame.value
                    continue
                if kind is alias_event:
                    value, size, chars = self._alias(ev)  # never the root: no anchor can come before it
                    top = stack[-1]
                    top.chars += chars
                    if top.kind == "map" and top.key is _MISSING:
                        raise _Fail("TOP007", "an alias cannot be used as a mapping key", _mark(ev.start_mark),
                                    "write the key out")
                    path = top.path + ((top.key,) if top.kind == "map" else (len(top.value),))
                    values[path] = _mark(ev.start_mark)
                    top.size += size
                    self._add(stack, value)
                    continue
                if kind is yaml.DocumentStartEvent:
                    docs += 1
                    if docs > 1:
                        raise _Fail("TOP007", "the file holds more than one YAML document", _mark(ev.start_mark),
                                    "remove the '---' separator: one topology per file")
                # stream start and end, document end: nothing to do
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if "maximum nesting depth" in (exc.problem or ""):
                # libyaml 0.2.5 as bundled by PyYAML >= 6.0.4 stops at its own depth limit, in its scanner,
                # before our count of levels sees the events: the same finding as ours.
                raise _Fail("TOP004", f"nesting is deeper than {MAX_DEPTH} levels", _mark(mark) if mark else Mark(1, 1),
                            "a topology is a few levels deep; check for runaway brackets or indentation") from None
            message = _syntax_message(exc)
            if mark is not None and _char_at(self.text, mark) == "\t":
                message = "invalid YAML: a tab character cannot be used for indentation"
            raise _Fail("TOP001", message, _mark(mark) if mark else Mark(1, 1), _syntax_hint(exc, self.text)) from None
        except yaml.YAMLError as exc:  # reader errors (control characters) have no problem_mark
            mark = Mark(1, 1)
            pos = getattr(exc, "position", None)
            if isinstance(pos, int):
                mark = Mark(self.text.count("\n", 0, pos) + 1, pos - (self.text.rfind("\n", 0, pos) + 1) + 1)
            raise _Fail("TOP006", f"unacceptable character in the file: {getattr(exc, 'reason', exc)}", mark,
                        "topology files are printable UTF-8 text; remove control characters") from None
        finally:
            if loader is not None:
                loader.dispose()
        if self.soft:
            raise _Many(self.soft)
        if root is None:
            raise _Fail("TOP007", "the file is empty", Mark(1, 1),
                        "start with 'version: 1' and 'name: <your-platform>'")
        if not isinstance(root, dict):
            kind = "a list" if isinstance(root, list) else f"a single value ({_describe(root)})"
            raise _Fail("TOP007", f"the top level must be a mapping of keys (version, name, queues...), found {kind}",
                        self.values[()], "see docs/format.md for the shape of topology.yaml")
        return root, self.values, self.keys

    # -- helpers ---------------------------------------------------------

    def _child_path(self, stack, ev):
        if not stack:
            return ()
        top = stack[-1]
        if top.kind == "map":
            if top.key is _MISSING:
                raise _Fail("TOP007", "a mapping or list cannot be used as a mapping key", _mark(ev.start_mark),
                            "keys are plain names; check for a stray '?' or '[' before the ':'")
            return top.path + (top.key,)
        return top.path + (len(top.value),)

    def _set_key(self, frame, key, ev):
        mark = _mark(ev.start_mark)
        if key == "<<" and ev.implicit[0]:
            frame.key, frame.key_mark = "<<", mark
            return
        if not isinstance(key, str):
            raise _Fail("TOP007", f"mapping key {ev.value!r} is read as {_describe(key)}, not as a name", mark,
                        f"quote the key: \"{ev.value}\"")
        if key in frame.explicit:
            first = self.keys[frame.path + (key,)]  # recorded when the key first came
            self.soft.append(_Fail("TOP002", f"duplicate key '{key}' (first at line {first.line}, column {first.col})",
                                   mark,
                                   "each key may appear once per mapping; merge the two entries"))
        frame.explicit.add(key)
        frame.key, frame.key_mark = key, mark
        self.keys.setdefault(frame.path + (key,), mark)

    def _add(self, stack, value):
        top = stack[-1]
        if top.kind == "seq":
            top.value.append(value)
            return
        if top.key == "<<":
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(i, dict) for i in items):
                raise _Fail("TOP007", "a merge key '<<' needs a mapping or a list of mappings", top.key_mark,
                            "write '<<: *anchor' where the anchor names a mapping")
            top.merges = (top.merges or []) + [(i, top.key_mark) for i in items]
        else:
            top.value[top.key] = value
        top.key = _MISSING

    def _apply_merges(self, frame):
        for merged, mark in frame.merges:
            for k, v in merged.items():
                if k not in frame.value:
                    frame.value[k] = v
                    self.keys.setdefault(frame.path + (k,), mark)
                    self.values.setdefault(frame.path + (k,), mark)

    def _alias(self, ev):
        name = ev.anchor
        if name in self.open_anchors:
            raise _Fail("TOP003", f"alias '*{name}' refers to a node that contains it (recursive alias)",
                        _mark(ev.start_mark), "an alias must refer to a finished node")
        if name not in self.anchors:
            raise _Fail("TOP003", f"alias '*{name}' has no anchor '&{name}' before it", _mark(ev.start_mark),
                        "define the anchor before using it")
        value, size, chars = self.anchors[name]
        self.expanded += size
        if self.expanded > MAX_NODES:
            raise _Fail("TOP003", f"aliases expand to more than {MAX_NODES:,} nodes", _mark(ev.start_mark),
                        "this looks like an alias bomb; write the values out or use fewer nested aliases")
        self._count_chars(chars, ev)
        return value, size, chars

    def _count_chars(self, chars, ev):
        self.chars += chars
        if self.chars > MAX_EXPANDED_CHARS:
            raise _Fail("TOP003", f"the document expands (aliases replaced by what they name) to more than "
                        f"{MAX_EXPANDED_CHARS // 1048576} MiB of text, topowire's limit", _mark(ev.start_mark),
                        "this looks like an alias bomb; write the values out or alias fewer long strings")

    def _check_tag(self, ev, kind):
        tag = ev.tag
        if tag in (None, "!") or tag == _TAG + kind:
            return
        raise _Fail("TOP001", f"unsupported tag {tag!r}", _mark(ev.start_mark),
                    "remove the tag: topology files use plain YAML")

    def _scalar(self, ev):
        value, tag = ev.value, ev.tag
        if tag in (None, "!"):
            if not ev.implicit[0]:  # quoted or block scalar: always a string
                return value
            return self._plain(value, ev)
        if tag == _TAG + "str":
            return value
        try:
            if tag == _TAG + "int":
                self._int_size(value, ev)
                return int(value, 0)
            if tag == _TAG + "float":
                return float(value)
            if tag == _TAG + "bool" and value in _BOOL:
                return _BOOL[value]
            if tag == _TAG + "null" and _NULL.match(value):
                return None
        except ValueError:
            pass
        raise _Fail("TOP001", f"cannot read {value!r} with tag {tag!r}", _mark(ev.start_mark),
                    "remove the tag: topology files use plain YAML")

    @staticmethod
    def _int_size(value, ev):
        # Python refuses to print (or, in base 10, even read) integers over 4,300 digits, and
        # nothing in a topology or a message example needs more than a few dozen.
        if len(value) > MAX_INT_CHARS:
            raise _Fail("TOP001", f"an integer of {len(value)} characters; topowire reads integers of "
                        f"at most {MAX_INT_CHARS}", _mark(ev.start_mark),
                        "quote it if you mean text, or write a smaller number")

    def _plain(self, value, ev):
        # (compose() keeps the plain names and text, most scalars, from coming here at all)
        if _NULL.match(value):
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.match(value):
            self._int_size(value, ev)
            return int(value)
        if _YAML11_BOOL.match(value) or _YAML11_NUM.match(value):
            what = "a boolean" if _YAML11_BOOL.match(value) else "a number"
            self.soft.append(_Fail("TOP005", f"'{value}' is {what} to YAML 1.1 tools but a string to YAML 1.2",
                                   _mark(ev.start_mark),
                                   f"quote it (\"{value}\") if you mean text"
                                   + (", or write true/false" if what == "a boolean" else ", or write the plain number")))
            return value
        if _OCT.match(value):
            self._int_size(value, ev)
            return int(value[2:], 8)
        if _HEX.match(value):
            self._int_size(value, ev)
            return int(value[2:], 16)
        if _FLOAT.match(value):
            return float(value)
        if _INF.match(value):
            return -math.inf if value.startswith("-") else math.inf
        if _NAN.match(value):
            return math.nan
        return value


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)


def _char_at(text: str, mark) -> str:
    lines = text.splitlines()  # YAML's line breaks: \n, \r\n and a lone \r (and NEL, LS, PS) all count
    return lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else ""


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "invalid YAML").strip()
    if exc.context:
        return f"invalid YAML: {problem} ({exc.context.strip()})"
    return f"invalid YAML: {problem}"


def _syntax_hint(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or ""
    mark = exc.problem_mark
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][:mark.column + 1]:
        return "YAML indentation must use spaces, not tabs"  # a tab at or before the error
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or check the indentation of this line"
    if "could not find expected ':'" in problem:
        return "each entry of a mapping is 'key: value'; check the line above for a missing ':'"
    if "did not find expected" in problem or "expected <block end>" in problem:
        return "check the indentation: siblings must start in the same column"
    return "fix the YAML syntax at this position"
