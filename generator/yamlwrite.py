"""Write plain data as YAML with comments, every string escaped (JSON strings are YAML double-quoted scalars).

For files topowire writes from untrusted values (`topowire import`): a string from a cloud can hold anything --
newlines, '#', ': ', YAML syntax -- and must come back as the same string, never as structure or a comment.
"""

from __future__ import annotations

import json

from .escape import HIDDEN

MAX_COMMENT = 400


def _escaped(ch: str) -> str:
    """A YAML double-quoted escape of one character (YAML's ``\\U`` for those past the BMP, not a JSON pair)."""
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that reads back as ``text`` and shows every character a reader cannot
    see: JSON escapes the C0 controls, quotes and backslashes; every other character that is not printable (DEL and
    the C1 controls, which YAML refuses raw; NEL, U+2028 and U+2029, which YAML folds into a space; lone surrogates,
    which UTF-8 cannot write) or hidden (bidi overrides, zero-width and tag characters: ``escape.HIDDEN``) is a
    ``\\u`` escape."""
    out = json.dumps(text, ensure_ascii=False)
    if out.isascii() and out.isprintable():
        return out
    return "".join(ch if ch == " " or (ch.isprintable() and not HIDDEN.match(ch)) else _escaped(ch) for ch in out)


def comment(text: str) -> str:
    """One comment line's text: printable, one line, bounded."""
    text = "".join(ch if ch.isprintable() and not HIDDEN.match(ch) else " " for ch in str(text))
    return text[:MAX_COMMENT] + ("..." if len(text) > MAX_COMMENT else "")


def _scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    return _quoted(str(v))


def dump(data: dict, comments: dict | None = None, header: list | None = None) -> str:
    """``data`` (nested dicts of scalars and lists of scalars) as YAML; ``comments`` maps a key path to lines
    written above that key."""
    comments = comments or {}
    lines = [f"# {comment(h)}" if h else "#" for h in (header or [])]

    def walk(node: dict, path: tuple, depth: int):
        pad = "  " * depth
        for k, v in node.items():
            p = path + (k,)
            for c in comments.get(p, ()):
                lines.append(f"{pad}# {comment(c)}")
            key = _scalar(k) if not _plain_key(k) else k
            if isinstance(v, dict) and v:
                lines.append(f"{pad}{key}:")
                walk(v, p, depth + 1)
            elif isinstance(v, dict):
                lines.append(f"{pad}{key}: {{}}")
            else:
                lines.append(f"{pad}{key}: {_scalar(v)}")
    walk(data, (), 0)
    return "\n".join(lines) + "\n"


def _plain_key(k) -> bool:
    return isinstance(k, str) and k.replace("-", "").replace("_", "").isalnum() and k.isascii() and k[:1].isalpha() \
        and k.lower() not in _RESERVED


# Plain scalars that YAML 1.1 or 1.2 reads as a boolean or null in any case ("True", "NULL", "Yes", "OFF"): a key
# like these is quoted, or a cloud's tag keys "True" and "Yes" became one boolean key and a value was lost.
_RESERVED = frozenset(("true", "false", "null", "yes", "no", "on", "off", "y", "n"))
