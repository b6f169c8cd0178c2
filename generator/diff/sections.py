"""The report's sections for renames to suggest and services to redeploy (text and Markdown)."""

from __future__ import annotations

from ..escape import md_text, terminal
from .environment import redeploy

TITLES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}


def rename_text(diff) -> list:
    if not diff.renames:
        return []
    return ["Did you mean to rename?"] + [terminal(f"  ? {r.text()}") for r in diff.renames] + [""]


def rename_markdown(diff) -> list:
    if not diff.renames:
        return []
    return ["> [!WARNING]", "> **Did you mean to rename?**", ">"] + [f"> - {_md(r.text())}" for r in diff.renames] + [""]


def redeploy_text(diff) -> list:
    groups = redeploy(diff.environment)
    if not groups:
        return []
    lines = [f"Services that must be redeployed ({len(groups)}): their environment changes"]
    for service, by_cloud in groups.items():
        lines.append(f"  {service}:")
        for cloud, changes in by_cloud.items():
            lines += [terminal(f"    {TITLES[cloud]:<5} {c.text()}") for c in changes]
    return lines + [""]


def redeploy_markdown(diff) -> list:
    groups = redeploy(diff.environment)
    if not groups:
        return []
    out = ["", f"#### Services that must be redeployed ({len(groups)})", "",
           "Their environment changes: deploy them with the new values.", "",
           "| Service | Cloud | Change |", "| --- | --- | --- |"]
    for service, by_cloud in groups.items():
        for cloud, changes in by_cloud.items():
            out += [f"| {_md(service)} | {TITLES[cloud]} | {_md(c.text())} |" for c in changes]
    return out


def _md(text: str) -> str:
    """Plain text in a table cell or a quote (generator/escape.py, the one escaping module)."""
    return md_text(text)
