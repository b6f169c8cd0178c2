"""The diff as text for a terminal, Markdown for a pull-request comment, or JSON."""

from __future__ import annotations

import json
from collections import Counter

from ..escape import html, md_cell_code, md_code, md_text, terminal
from . import diagram, owners, sections
from .budget import Rows, fit

SYMBOL = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}
ACTIONS = ("create", "update", "replace", "delete")
TITLES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}


def _counts(diff) -> dict:
    out = {}
    for cloud in diff.clouds:
        c = Counter(a.action for a in diff.actions if a.cloud == cloud)
        out[cloud] = {**{a: c.get(a, 0) for a in ACTIONS},
                      "destructive": sum(1 for a in diff.actions if a.cloud == cloud and a.destructive)}
    return out


def _env_counts(env) -> dict:
    c = Counter(a.action for a in env.actions)
    return {**{a: c.get(a, 0) for a in ACTIONS}, "destructive": len(env.destructive)}


def as_json(diff) -> str:
    out = {"base": diff.base, "base_exists": diff.base_topology is not None, "head": diff.head, "stack": diff.stack,
           "destructive": [a.as_dict() for a in diff.destructive],
           "changes": [c.as_dict() for c in diff.changes], "summary": _counts(diff),
           "actions": [a.as_dict() for a in diff.actions],
           "redeploy": [c.as_dict() for c in diff.environment], "renames": [r.as_dict() for r in diff.renames],
           "groups": owners.touched(diff) if diff.head_topology is not None else []}
    if diff.environments:
        out["environments"] = [{**e.as_dict(), "summary": _env_counts(e)} for e in diff.environments]
    return json.dumps(out, indent=2, sort_keys=True) + "\n"


def _destructive(diff) -> list:
    """(stack or None, Action) for every destructive action: ``--stack``'s, then every other environment's."""
    if not diff.environments:
        return [(None, a) for a in diff.destructive]
    rows = [(diff.stack, a) for a in diff.destructive]
    rows += [(e.label, a) for e in diff.environments if e.stack != diff.stack for a in e.destructive]
    return rows


def _env_text(diff) -> list:
    if not diff.environments:
        return []
    lines = ["", "Per environment (each stack with its own settings and names):"]
    for e in diff.environments:
        c = _env_counts(e)
        if not e.changes and not e.actions:
            lines.append(f"  {e.label}: no changes")
            continue
        lines.append(f"  {e.label}: {len(e.changes)} change(s); " + ", ".join(f"{c[a]} to {a}" for a in ACTIONS) +
                     (f" ({c['destructive']} destructive)" if c["destructive"] else ""))
        lines += [f"    {SYMBOL[ch.op]} {ch.subject}" + (f": {ch.detail}" if ch.detail else "") for ch in e.changes]
        lines += [f"    !! {TITLES[a.cloud]:<5} {a.action} {a.kind} {a.name}: {a.reason}" for a in e.destructive]
    return lines


def text(diff) -> str:
    lines = [terminal(f"topowire diff {diff.base} -> {diff.head}" + (f" (stack {diff.stack})" if diff.environments else "")),
             ""]
    if diff.base_topology is None:
        lines += [terminal(f"NOTE: {diff.base} does not exist, so the base is empty and everything below is new. "
                           "If that path or ref is a typo, fix it: a wrong base hides every deletion."), ""]
    lines += sections.rename_text(diff)
    rows = _destructive(diff)
    if rows:
        lines.append(f"DESTRUCTIVE: {len(rows)} change(s) may lose messages")
        for stack, a in rows:
            where = f"[{stack}] " if stack else ""
            lines.append(terminal(f"  !! {where}{TITLES[a.cloud]:<5} {a.action} {a.kind} {a.name} ({a.subject}): "
                                  f"{a.reason}"))
        lines.append("")
    if not diff.changes and not diff.actions and not any(e.changes or e.actions for e in diff.environments):
        lines.append("No changes.")
        return "\n".join(lines) + "\n"
    lines.append("Changes:")
    lines += [terminal(f"  {SYMBOL[c.op]} {c.subject}" + (f": {c.detail}" if c.detail else "")) for c in diff.changes] \
        or ["  none"]
    lines.append("")
    touched = owners.touched(diff) if diff.head_topology is not None else []
    if touched:
        lines += [terminal("Groups (owners) touched: " + ", ".join(touched)), ""]
    lines += sections.redeploy_text(diff)
    for cloud, c in _counts(diff).items():
        lines.append(f"{TITLES[cloud]}: " + ", ".join(f"{c[a]} to {a}" for a in ACTIONS) +
                     (f" ({c['destructive']} destructive)" if c["destructive"] else ""))
        for a in diff.actions:
            if a.cloud == cloud:
                mark = "!!" if a.destructive else "  "
                lines.append(terminal(f"  {mark} {a.action:<7} {a.kind}  {a.name}  ({a.reason})"))
    lines += [terminal(line) for line in _env_text(diff)]
    return "\n".join(lines) + "\n"


def _left_out(n: int, what: str) -> str:
    return (f"… and {n} more {what}, left out to keep this comment short: `topowire diff` (or the `full.md` of the "
            "run's topology-diff artifact) lists them all")


def _change_rows(changes, priority: int, none: list = ()) -> Rows:
    """A change list's lines (``- **op** subject: detail``, or ``none`` without changes), cut with a "left out"
    line."""
    return Rows([f"- **{c.op}** {md_text(c.subject)}" + (f": {md_text(c.detail)}" if c.detail else "")
                 for c in changes] or list(none), lambda n: "- " + _left_out(n, "change(s)"), priority)


def _action_rows(actions, priority: int, cloud_in_kind: bool = False) -> Rows:
    """A resource table's rows (Action | Resource | Name | Why), cut with a "left out" row."""
    return Rows([f"| {'**' + a.action + '**' if a.destructive else a.action} | "
                 f"{TITLES[a.cloud] + ' ' if cloud_in_kind else ''}{md_text(a.kind)} | {md_cell_code(a.name)} | "
                 f"{md_text(a.reason)} |" for a in actions],
                lambda n: f"| … | | | {_left_out(n, 'resource change(s)')} |", priority)


def _rename_markdown(diff) -> list:
    """The did-you-mean-to-rename warning with its suggestions as ``Rows`` (kept right after the destructive
    changes): 50 a kind of names up to 63 characters are some 50,000 bytes, the whole comment's budget."""
    lines = sections.rename_markdown(diff)
    if not lines:
        return lines
    return lines[:3] + [Rows(lines[3:-1], lambda n: "> - " + _left_out(n, "rename suggestion(s)"), 1)] + lines[-1:]


def _redeploy_markdown(diff) -> list:
    """The services-to-redeploy section with its table's rows as ``Rows``: a rename of the prefix changes every
    service's variables on every cloud, hundreds of rows that alone would be over the comment's limit."""
    lines = sections.redeploy_markdown(diff)
    if not lines:
        return lines
    head = lines.index("| --- | --- | --- |") + 1
    return lines[:head] + [Rows(lines[head:], lambda n: f"| … | | {_left_out(n, 'variable change(s)')} |", 3)]


def markdown(diff, max_bytes: int | None = None, contracts: list | None = None) -> str:
    """The pull-request comment; over ``max_bytes``, long lists are cut (destructive changes last) and say so.

    ``contracts`` (generator/diff/contracts.py's parts) ends the comment, inside the same budget: ``max_bytes``
    bounds everything the comment carries. When the fixed lines alone are over it, the end of the comment is cut
    at a line, after the destructive changes, which are always kept.
    """
    body = _markdown(diff, max_bytes, contracts or [])
    return _clip(body, max_bytes)


CLIPPED = ("… the rest of this report is left out to keep this comment under {limit:,} bytes: `topowire diff` (or the "
           "`full.md` of the run's topology-diff artifact) has it all")


def _clip(parts: tuple, max_bytes: int | None) -> str:
    """The comment's lines as text; over ``max_bytes``, cut after the last whole line that fits (never among the
    first ``keep`` lines: the heading and the destructive changes), an open ``<details>`` closed, and a line
    saying so."""
    lines, keep = parts
    text = "\n".join(lines) + "\n"
    if max_bytes is None or len(text.encode("utf-8")) <= max_bytes:
        return text
    close = ["", "</details>"]  # the comment's <details> blocks are never nested: one may be open at the cut
    note = ["", CLIPPED.format(limit=max_bytes)]
    room = max_bytes - sum(len(x.encode("utf-8")) + 1 for x in close + note)
    out, size = [], 0
    for i, line in enumerate(lines):
        n = len(line.encode("utf-8")) + 1
        if i >= keep and size + n > room:
            break
        out.append(line)
        size += n
    if sum(x.count("<details>") - x.count("</details>") for x in out) > 0:
        out += close
    return "\n".join(out + note) + "\n"


def _markdown(diff, max_bytes: int | None, contracts: list) -> tuple:
    """(the comment's lines, how many of the first lines are never cut: up to the end of the destructive list)."""
    out = [f"### topowire diff: {md_code(diff.base)} → {md_code(diff.head)}", ""]
    if diff.base_topology is None:
        out += ["> [!NOTE]", f"> {md_code(diff.base)} does not exist, so the base is empty and everything below is "
                "new. If that path or ref is a typo, fix it: a wrong base hides every deletion.", ""]
    out += _rename_markdown(diff)
    rows = _destructive(diff)
    if rows:
        out += ["> [!CAUTION]", f"> **{len(rows)} destructive change(s)**: these delete or replace "
                "resources that may hold messages, or cut how long they keep them. Drain them first, or use "
                "`renamed_from` for a rename.", ">"]
        out.append(Rows([f"> - {'stack ' + md_text(stack) + ', ' if stack else ''}**{TITLES[a.cloud]}** {a.action} "
                         f"{md_text(a.kind)} {md_code(a.name)} ({md_text(a.subject)}): {md_text(a.reason)}"
                         for stack, a in rows], lambda n: "> - " + _left_out(n, "destructive change(s)"), 0))
        out.append("")
    elif not diff.changes and not diff.actions and not any(e.changes or e.actions for e in diff.environments):
        out += ["No changes to the topology.", ""]
        if contracts:
            out += contracts
        lines = fit(out, max_bytes)
        return (lines[:-1] if not contracts and lines and lines[-1] == "" else lines), len(lines)
    else:
        out += ["No destructive change: nothing that may hold messages is deleted, replaced or kept shorter.", ""]
    out += ["| Cloud | Create | Update | Replace | Delete | Destructive |", "| --- | --- | --- | --- | --- | --- |"]
    for cloud, c in _counts(diff).items():
        out.append(f"| {TITLES[cloud]} | {c['create']} | {c['update']} | {c['replace']} | {c['delete']} | "
                   f"{'**' + str(c['destructive']) + '**' if c['destructive'] else 0} |")
    out += ["", "#### Changes", ""]
    out.append(_change_rows(diff.changes, 2, none=["- none"]))
    touched = owners.touched(diff) if diff.head_topology is not None else []
    if touched:  # code spans: a name like @org/team is shown, never a mention
        out += ["", "Groups (owners) this change touches: " + ", ".join(md_code(g) for g in touched) + "."]
    out += _redeploy_markdown(diff)
    if diff.head_topology is not None:
        out += ["", "#### Topology after the change", "",
                Rows(["\n".join(diagram.markdown(diff))], lambda n: "The diagram is left out to keep this comment "
                     "short: `topowire docs` draws the topology.", 4, whole=True)]
    for cloud in diff.clouds:
        acts = [a for a in diff.actions if a.cloud == cloud]
        if not acts:
            continue
        out += ["", f"<details><summary>{TITLES[cloud]}: {len(acts)} resource change(s)</summary>", "",
                "| Action | Resource | Name | Why |", "| --- | --- | --- | --- |"]
        out.append(_action_rows(acts, 5))
        out += ["", "</details>"]
    out += _env_markdown(diff)
    if contracts:
        out += [""] + contracts
    lines = fit(out, max_bytes)
    return lines, _after_destructive(lines)


def _after_destructive(lines: list) -> int:
    """How many first lines hold the heading, the notes and the destructive list (the lines never cut)."""
    for i, line in enumerate(lines):
        if line.startswith("| Cloud | Create |"):
            return i
    return len(lines)


def _env_markdown(diff) -> list:
    if not diff.environments:
        return []
    out = ["", "#### Per environment", "", "Each stack with its own settings and physical names.", "",
           "| Stack | Changes | Create | Update | Replace | Delete | Destructive |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for e in diff.environments:
        c = _env_counts(e)
        out.append(f"| {md_text(e.label)} | {len(e.changes)} | {c['create']} | {c['update']} | {c['replace']} | "
                   f"{c['delete']} | {'**' + str(c['destructive']) + '**' if c['destructive'] else 0} |")
    for e in diff.environments:
        if not e.changes and not e.actions:
            continue
        out += ["", f"<details><summary>{html(e.label)}: {len(e.changes)} change(s), {len(e.actions)} resource "
                f"change(s)</summary>", ""]
        out.append(_change_rows(e.changes, 6))
        out += ["", "| Action | Resource | Name | Why |", "| --- | --- | --- | --- |"]
        out.append(_action_rows(e.actions, 7, cloud_in_kind=True))
        out += ["", "</details>"]
    return out


FORMATS = {"text": text, "markdown": markdown, "json": as_json}
