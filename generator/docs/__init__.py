"""Markdown + Mermaid architecture docs of a topology (Jinja2 templates).

Deterministic: the same topology renders byte-identical text. The docs know
nothing of Pulumi; derived cloud names come from the per-cloud specs.
"""

from __future__ import annotations

import json

import jinja2

from ..clouds import spec
from ..units import duration_text, size_text
from .mermaid import filter_text, flowchart


def _md(value) -> str:
    """Text safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _code(value) -> str:
    return f"`{value}`" if value not in (None, "") else ""


def _dead_letter(settings) -> str:
    dl = settings.dead_letter
    if not dl.enabled:
        return "off"
    return f"after {dl.max_receive_count} receives, kept {duration_text(dl.retention)}"


def _encryption(enc) -> str:
    return {"managed": "cloud-managed", "none": "**none**"}.get(enc.mode, f"KMS `{enc.kms_key}`")


def _json(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "docs/templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(md=_md, code=_code, dur=duration_text, size=size_text, dead_letter=_dead_letter,
                       encryption=_encryption, tojson=_json, filter_text=filter_text)
    return env


def cloud_names(topo) -> list[dict]:
    rows = []
    for cloud in topo.targets:
        mod = spec(cloud)
        seen = set()
        for dn in mod.derived_names(topo):
            if (dn.kind, dn.name) in seen:
                continue
            seen.add((dn.kind, dn.name))
            rows.append({"cloud": mod.TITLE, "kind": dn.kind, "name": dn.name})
    return rows


def render(topo, source: str, links: dict | None = None) -> str:
    """The architecture Markdown of ``topo``.

    ``source`` is how the page names the YAML file; ``links`` maps a message
    name to the href of its schema file as seen from the page.
    """
    template = _environment().get_template("architecture.md.j2")
    subscriptions = [c for c in topo.all_consumers() if c.kind == "topic"]
    subscriptions.sort(key=lambda c: (c.channel, c.service))
    consumers = sorted(topo.all_consumers(), key=lambda c: (c.service, c.channel))
    long_gcp = []
    if "gcp" in topo.targets:
        from ..clouds import gcp_spec

        long_gcp = [{"c": c, "env": gcp_spec.max_lease_env(c.channel), "settings": gcp_spec.lease_settings(c.processing_time),
                     "beyond_default": c.processing_time > gcp_spec.LEASE_EXTENSION_DEFAULT}
                    for c in sorted(gcp_spec.long_processing(topo), key=lambda c: (c.service, c.channel))]
    text = template.render(t=topo, source=source, diagram=flowchart(topo), subscriptions=subscriptions,
                           consumers=consumers, long_gcp=long_gcp,
                           cloud_names=cloud_names(topo), links=links or {})
    return text.rstrip("\n") + "\n"
