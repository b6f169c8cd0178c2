"""The diff as text for a terminal, Markdown for a pull-request comment, or JSON."""

from __future__ import annotations

import json
from collections import Counter

from ..docs.mermaid import flowchart, label, node_id
from ..escape import html, md_cell_code, md_code, md_fence, md_text, terminal
from . import sections

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
           "redeploy": [c.as_dict() for c in diff.environment], "renames": [r.as_dict() for r in diff.renames]}
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


def markdown(diff) -> str:
    out = [f"### topowire diff: {md_code(diff.base)} → {md_code(diff.head)}", ""]
    if diff.base_topology is None:
        out += ["> [!NOTE]", f"> {md_code(diff.base)} does not exist, so the base is empty and everything below is "
                "new. If that path or ref is a typo, fix it: a wrong base hides every deletion.", ""]
    out += sections.rename_markdown(diff)
    rows = _destructive(diff)
    if rows:
        out += ["> [!CAUTION]", f"> **{len(rows)} destructive change(s)**: these delete or replace "
                "resources that may hold messages, or cut how long they keep them. Drain them first, or use "
                "`renamed_from` for a rename.", ">"]
        out += [f"> - {'stack ' + md_text(stack) + ', ' if stack else ''}**{TITLES[a.cloud]}** {a.action} "
                f"{md_text(a.kind)} {md_code(a.name)} ({md_text(a.subject)}): {md_text(a.reason)}" for stack, a in rows]
        out.append("")
    elif not diff.changes and not diff.actions and not any(e.changes or e.actions for e in diff.environments):
        out += ["No changes to the topology.", ""]
        return "\n".join(out)
    else:
        out += ["No destructive change: nothing that may hold messages is deleted, replaced or kept shorter.", ""]
    out += ["| Cloud | Create | Update | Replace | Delete | Destructive |", "| --- | --- | --- | --- | --- | --- |"]
    for cloud, c in _counts(diff).items():
        out.append(f"| {TITLES[cloud]} | {c['create']} | {c['update']} | {c['replace']} | {c['delete']} | "
                   f"{'**' + str(c['destructive']) + '**' if c['destructive'] else 0} |")
    out += ["", "#### Changes", ""]
    out += [f"- **{c.op}** {md_text(c.subject)}" + (f": {md_text(c.detail)}" if c.detail else "")
            for c in diff.changes] or ["- none"]
    out += sections.redeploy_markdown(diff)
    if diff.head_topology is not None:
        out += ["", "#### Topology after the change", "", md_fence(diagram(diff), "mermaid"),
                "", "Green: added; orange: changed; red, dashed: removed."]
    for cloud in diff.clouds:
        acts = [a for a in diff.actions if a.cloud == cloud]
        if not acts:
            continue
        out += ["", f"<details><summary>{TITLES[cloud]}: {len(acts)} resource change(s)</summary>", "",
                "| Action | Resource | Name | Why |", "| --- | --- | --- | --- |"]
        out += [f"| {'**' + a.action + '**' if a.destructive else a.action} | {md_text(a.kind)} | "
                f"{md_cell_code(a.name)} | {md_text(a.reason)} |" for a in acts]
        out += ["", "</details>"]
    out += _env_markdown(diff)
    return "\n".join(out) + "\n"


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
        out += [f"- **{ch.op}** {md_text(ch.subject)}" + (f": {md_text(ch.detail)}" if ch.detail else "")
                for ch in e.changes]
        out += ["", "| Action | Resource | Name | Why |", "| --- | --- | --- | --- |"]
        out += [f"| {'**' + a.action + '**' if a.destructive else a.action} | {TITLES[a.cloud]} {md_text(a.kind)} | "
                f"{md_cell_code(a.name)} | {md_text(a.reason)} |" for a in e.actions]
        out += ["", "</details>"]
    return out


def _subject_nodes(diff) -> dict:
    """Mermaid node id -> added/changed/removed, from the semantic changes.

    A consumer's change marks its service; a detail on an existing element (a setting, a rename) marks it
    changed; a bare added/removed marks the element itself.
    """
    marks: dict = {}
    for c in diff.changes:
        kind, _, rest = c.subject.partition(" '")
        prefix = {"queue": "q", "topic": "t", "service": "svc", "consumer": "svc"}.get(kind)
        if prefix is None:
            continue
        op = "changed" if kind == "consumer" or c.detail or c.op == "renamed" else c.op
        nid = node_id(prefix, rest.split("'", 1)[0])
        if marks.get(nid) not in ("added", "removed"):
            marks[nid] = op
    return marks


def diagram(diff) -> str:
    """The Mermaid flowchart of HEAD, with added, changed and removed elements styled apart."""
    head, base = diff.head_topology, diff.base_topology
    lines = flowchart(head).rstrip("\n").split("\n")
    marks = _subject_nodes(diff)
    if base is not None:
        kept_channels = {c.deployed_name for c in head.channels()}  # one set, not a scan per removed channel
        kept_services = {h.deployed_name for h in head.services.values()}
        for ch in base.channels():
            if head.channel(ch.name) is None and ch.deployed_name not in kept_channels:
                nid = node_id("q" if ch.kind == "queue" else "t", ch.name)
                shape = f'[("{label(ch.name)[1:-1]}<br/>removed {ch.kind}")]' if ch.kind == "queue" else \
                    f'{{{{"{label(ch.name)[1:-1]}<br/>removed topic"}}}}'
                lines.append(f"  {nid}{shape}")
                marks[nid] = "removed"
        for s in base.services.values():
            if s.name not in head.services and s.deployed_name not in kept_services:
                nid = node_id("svc", s.name)
                lines.append(f'  {nid}["{label(s.name)[1:-1]}<br/>removed"]')
                marks[nid] = "removed"
    lines += ["  classDef added fill:#e6f4ea,stroke:#188038,stroke-width:3px",
              "  classDef changed fill:#fef7e0,stroke:#e37400,stroke-width:3px",
              "  classDef removed fill:#fce8e6,stroke:#d93025,stroke-width:3px,stroke-dasharray: 6 4"]
    for op in ("added", "changed", "removed"):
        ids = sorted(n for n, o in marks.items() if o == op)
        if ids:
            lines.append(f"  class {','.join(ids)} {op}")
    return "\n".join(lines) + "\n"


FORMATS = {"text": text, "markdown": markdown, "json": as_json}
