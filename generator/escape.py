"""Every user string, escaped for the one place it is printed.

A topology arrives in pull requests from anyone, and what topowire prints from it is read by reviewers:
the architecture docs (Markdown + Mermaid), the diff posted as a PR comment, GitHub annotations, the
terminal. One function per context; each returns text that cannot open a new element there (no image,
link, HTML, heading, table row, fence, @mention, math, Mermaid directive, workflow command...).

==================  =====================================================================
``md_text``         Markdown inline text: paragraphs, headings, list items, table cells
``md_code``         an inline code span in running text
``md_cell_code``    an inline code span inside a table cell (pipes escaped too)
``md_fence``        a fenced code block (a fence longer than any backtick run inside)
``html``            HTML text or a quoted attribute value
``html_comment``    text inside ``<!-- ... -->``
``url``             a relative link destination
``mermaid_label``   the inside of a quoted Mermaid label (``"..."``)
``annotation_data`` / ``annotation_property``  GitHub workflow commands (the actions toolkit's rules)
``terminal``        one line of terminal or CI-log text: no control characters, no line breaks
==================  =====================================================================

The values are ``Escaped`` (a ``str``): the Jinja templates escape every other string as ``md_text``
(``finalize``), so a value printed without a filter is still safe.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse


class Escaped(str):
    """Text already escaped for its context; templates print it as is."""


# Line breaks in every form str.splitlines() knows, and other control characters.
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Markdown punctuation that can start an inline element anywhere in a line (CommonMark + GFM):
# code, emphasis, links and images, autolinks and HTML, tables, strikethrough, entities, math.
_MD_INLINE = set("\\`*_[]<>!|~&$")
# ... and what opens a block at the start of a line: headings, lists, quotes, thematic breaks, setext.
_MD_LINE_START = re.compile(r"^(?:[#+\-=]|(\d{1,9})([.)]))")
_WORD_JOINER = "\u2060"  # after '@': GitHub does not turn '@name' into a mention, and it shows nothing


# Characters a reader cannot see, or that reorder how the rest of a line is shown ("Trojan Source"): every
# format character (Unicode category Cf: bidi overrides and isolates, zero-width space and joiners, word joiner,
# BOM, tag characters U+E0000..E007F) and every other default-ignorable code point (variation selectors, Hangul
# fillers, U+E0000..E0FFF). A filter `order` -> `order<U+200B>` would otherwise read `[order] -> [order]`.
# Written as ranges (Unicode 15; tests/reliability/test_invisible.py checks them against unicodedata), so that
# start-up does not walk the code space.
HIDDEN = re.compile("[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
                    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
                    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
                    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
                    "\ud800-\udfff]")  # lone surrogates: the bytes of a file name that is not UTF-8 (surrogateescape)
_BIDI = HIDDEN  # the name of old: bidi controls are among the hidden characters


def name(ch: str) -> str:
    """How a hidden character is shown to a person: ``<U+200B>``."""
    return f"<U+{ord(ch):04X}>"


def _visible(text: str) -> str:
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return HIDDEN.sub(lambda m: name(m.group()), text)


def _one_line(value) -> str:
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():  # the common case: no break, control or bidi character
        return text
    return _visible(_BREAKS.sub(" ", text))


_MD_ESCAPE = re.compile("[" + re.escape("".join(sorted(_MD_INLINE))) + "@]")


def _md_escape(m) -> str:
    return "@" + _WORD_JOINER if m.group() == "@" else "\\" + m.group()


# Text that md_text leaves as it is: a letter first (no block can start), then letters, digits, '-' and inner
# spaces (nothing to escape, nothing to strip). Most names and settings are like this.
_MD_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 -]*[A-Za-z0-9-])?")


def md_text(value) -> Escaped:
    """Markdown inline text on one line; safe in a paragraph, a heading or a table cell."""
    if isinstance(value, str) and _MD_PLAIN.fullmatch(value):
        return Escaped(value)
    text = _MD_ESCAPE.sub(_md_escape, _one_line(value)).strip()
    m = _MD_LINE_START.match(text)
    if m:
        text = (m.group(1) + "\\" + text[len(m.group(1)):]) if m.group(1) else "\\" + text
    return Escaped(text)


def _code(text: str) -> str:
    if not text:
        return ""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_code(value) -> Escaped:
    """An inline code span in running text (not in a table): shows the value verbatim, on one line."""
    return Escaped(_code(_one_line(value)))


# A code span of this needs no padding, a one-backtick fence and no escaped pipe: most cloud names.
_CODE_PLAIN = re.compile(r"[!-_a-{}~](?:[ !-_a-{}~]*[!-_a-{}~])?")  # printable ASCII but '`' and '|'


def md_cell_code(value) -> Escaped:
    """An inline code span inside a GFM table cell: a pipe ends the cell even in code, so it is escaped."""
    if isinstance(value, str) and _CODE_PLAIN.fullmatch(value):
        return Escaped(f"`{value}`")
    return Escaped(_code(_one_line(value)).replace("|", "\\|"))


# Many names at once, joined by newlines: each needs nothing but the backticks (no space, '`' or '|' anywhere).
_CODES_PLAIN = re.compile(r"[!-_a-{}~]+(?:\n[!-_a-{}~]+)*")


def md_cell_codes(values: list) -> list:
    """``md_cell_code`` of each string in ``values``, checked in one pass: the tens of thousands of cloud names
    of a large topology's docs need nothing but their backticks."""
    joined = "\n".join(values)
    if values and joined.count("\n") == len(values) - 1 and _CODES_PLAIN.fullmatch(joined):  # no value has one
        return [f"`{v}`" for v in values]
    return [str(md_cell_code(v)) for v in values]


def md_fence(value, info: str = "") -> Escaped:
    """A fenced code block of ``value``; no line inside can close it."""
    text = "" if value is None else str(value)
    if not (text.isascii() and text.replace("\n", "").isprintable()):  # else nothing to show or change
        text = _visible(text.replace("\r\n", "\n").replace("\r", "\n"))
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0) if "`" in text else 0
    fence = "`" * max(3, longest + 1)
    if not re.fullmatch(r"[A-Za-z0-9_+-]*", info):
        raise ValueError(f"not a fence info string: {info!r}")
    return Escaped(f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}")


def html(value) -> Escaped:
    """HTML text or a double- or single-quoted attribute value, on one line."""
    import html as _html  # here: only the pages that print HTML need it (start-up time)

    return Escaped(_html.escape(_one_line(value), quote=True))


def html_comment(value) -> Escaped:
    """Text inside an HTML comment: it can neither close the comment nor open another."""
    return Escaped(html(value).replace("--", "-&#45;"))  # '<' is already '&lt;': no '<!--' either


def url(value) -> Escaped:
    """A relative link destination: percent-encoded, never a scheme (javascript:, http:) nor another host."""
    text = _one_line(value)
    if text.startswith("/"):
        text = "." + text  # '//host/x' would be another host; './/host/x' is a path
    return Escaped(urllib.parse.quote(text, safe="/._-~"))


_MERMAID_PLAIN = re.compile(r"[ !$'-;=?-_a-~]*")  # printable ASCII but # % & " < > `: nothing to replace


def mermaid_label(value) -> Escaped:
    """The inside of a quoted Mermaid label: one line; quotes, angle brackets, '&', '#', '%' and backticks as
    entities (a '%%{init}%%' directive, an HTML tag or a Markdown string cannot start)."""
    if isinstance(value, str) and _MERMAID_PLAIN.fullmatch(value):
        return Escaped(value)
    escaped = _one_line(value).replace("#", "#35;")  # first: Mermaid writes entities as #name;
    # '%': Mermaid reads a %%{init: ...}%% directive anywhere in the text, even inside a quoted label.
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;"), ("%", "#37;")):
        escaped = escaped.replace(char, entity)
    return Escaped(escaped)


# Characters a reader cannot see or that move others: controls (ANSI escapes), line and paragraph separators,
# and format characters (Cf: bidi overrides and isolates, zero-width space/joiners, word joiner, BOM).
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs")


def _escape_code(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in _INVISIBLE or bool(HIDDEN.match(ch))


def _shown(text: str, keep: str = "") -> str:
    """Every invisible character except those in ``keep`` as a \\uXXXX (\\UXXXXXXXX) escape."""
    return "".join(_escape_code(ch) if ch not in keep and _hidden(ch) else ch for ch in text)


def annotation_data(value) -> str:
    """The message of a GitHub workflow command (``::error ...::<data>``), as @actions/core escapes it; bidi and
    zero-width characters shown as escapes (they would reorder or hide what the reviewer reads)."""
    return _shown(str(value), keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotation_property(value) -> str:
    """A property value of a workflow command (``file=``, ``title=``), as @actions/core escapes it."""
    return annotation_data(value).replace(":", "%3A").replace(",", "%2C")


def terminal(value) -> str:
    """One line for a terminal or a CI log: line breaks and control characters (ANSI escapes) made visible,
    so no line can start with '::' (a GitHub workflow command) or move the cursor."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():  # the common case: no break, tab, control or format character
        return text
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append(" ")
        elif _hidden(ch):
            out.append(_escape_code(ch))
        else:
            out.append(ch)
    return "".join(out)
