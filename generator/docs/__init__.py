"""Markdown + Mermaid architecture docs of a topology (Jinja2 templates).

Deterministic: the same topology renders byte-identical text. The docs know
nothing of Pulumi; derived cloud names come from the per-cloud specs.
"""

from __future__ import annotations

import functools
import itertools
import json

import jinja2

from .. import escape, output
from ..clouds import derived_names, spec
from ..clouds.gcp import spec as gcp_spec
from ..escape import Escaped
from ..units import duration_text, size_text
from . import tables
from . import views


def _dead_letter(settings) -> str:
    dl = settings.dead_letter
    if not dl.enabled:
        return "off"
    return f"after {dl.max_receive_count} receives, kept {duration_text(dl.retention)}"


def _encryption(enc) -> Escaped:
    if enc.mode in ("managed", "none"):
        return Escaped({"managed": "cloud-managed", "none": "**none**"}[enc.mode])
    return Escaped("KMS " + escape.md_cell_code(enc.kms_key))


def _json(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def _finalize(value):
    """Every ``{{ }}`` prints through here: a string not escaped by a filter is escaped as Markdown text."""
    if isinstance(value, Escaped):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"a template printed {value!r}: say what it means in words")
    if isinstance(value, (int, float)):
        return value
    return escape.md_text(value)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The templates' environment, made once per process (a site renders hundreds of pages from it)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "docs/templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates are the package's: no stat of each one per page of a site
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
    )
    env.filters.update(md=escape.md_text, code=escape.md_cell_code, inline_code=escape.md_code,
                       fence=escape.md_fence, url=escape.url, html_comment=escape.html_comment,
                       dur=duration_text, tojson=_json)  # the large tables' cells: tables.py
    return env


def _setting_text(field: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return ("on" if value else "off") if field == "dead_letter" else ("yes" if value else "no")
    if field in ("visibility_timeout", "retention", "delay", "dead_letter_retention", "processing_time"):
        return duration_text(int(value))
    if field == "max_message_size":
        return size_text(int(value))
    return str(value)


def _flat_settings(topo) -> dict:
    """Every setting an environment can change, as (subject, setting) -> text, in a stable order."""
    from ..clouds import settings_view

    out = {("stack", "prefix"): topo.prefix}
    out.update({("tags", k): v for k, v in topo.tags.items()})
    out[("clouds", "azure sku")] = topo.clouds.azure_sku
    for cloud, key in (("aws", "alarm_topic"), ("azure", "action_group"), ("gcp", "notification_channels")):
        targets = topo.clouds.targets(cloud)
        out[("clouds", f"{cloud} {key}")] = ", ".join(targets) if targets else \
            "none" if topo.clouds.notifies_no_one_on_purpose(cloud) else "—"

    texts: dict = {}  # a store's settings -> their texts: most stores share a few combinations

    def store(subject, st):
        view = settings_view(st) + (("dead_letter_retention", st.dead_letter.retention), ("protect", st.protect))
        shown = texts.get(view)
        if shown is None:
            shown = texts[view] = [(field, _setting_text(field, value)) for field, value in view]
        for field, text in shown:
            out[(subject, field)] = text

    if topo.queues or topo.topics:  # what every store and consumer below that sets nothing of its own has
        store("defaults", topo.defaults)
        out[("defaults", "processing_time")] = _setting_text("processing_time", topo.defaults_processing_time)
    for q in topo.queues.values():
        store(f"queue {q.name}", q.settings)
    for t in topo.topics.values():
        out[(f"topic {t.name}", "encryption")] = t.encryption.kms_key or t.encryption.mode
        for c in topo.consumers.get(t.name, ()):
            store(f"subscription {t.name}/{c.service}", c.settings)
    for ch in topo.channels():  # processing_time is the consumer's own (or the defaults'), whatever the channel
        for c in topo.consumers.get(ch.name, ()):
            out[(f"consumer {ch.name}/{c.service}", "processing_time")] = _setting_text("processing_time",
                                                                                        c.processing_time)
    for s in topo.services.values():  # who it runs as, per stack (environments.<stack>.services.<name>.identity)
        for field in ("aws_role", "azure_principal_id", "gcp_service_account"):
            out[(f"service {s.name}", field)] = getattr(s.identity, field) or "—"
    return out


# The settings table's groups, in this order: a tag or cloud setting that only an environment sets comes with
# the others, not after every store. The groups after ``defaults`` are what follows the defaults row.
_SUBJECTS = {"stack": 0, "tags": 1, "clouds": 2, "defaults": 3, "queue": 4, "topic": 5, "subscription": 6,
             "consumer": 7, "service": 8}


def _subject_rank(key: tuple) -> int:
    return _SUBJECTS[key[0].split(" ", 1)[0]]


def _listed(key: tuple, values: tuple, table: dict) -> bool:
    """Whether the settings that differ have a row for ``key`` (subject, setting): its values differ between
    the stacks, or, for a queue's, topic's, subscription's or consumer's setting, they are not those of a listed
    ``defaults`` row. A store without a row of its own therefore has the defaults row's values, and a change
    of ``defaults`` is one row rather than one per store."""
    varies = values.count(values[0]) != len(values)
    subject, setting = key
    defaults = table.get(("defaults", setting)) if _subject_rank(key) > _SUBJECTS["defaults"] else None
    if defaults is None:
        return varies
    return values != defaults and (varies or defaults.count(defaults[0]) != len(defaults))


def environments(stacks: dict, base, page=None, cells: tables.Cells | None = None) -> dict | None:
    """The Environments section: settings that differ between stacks, and every stack's physical names.

    ``stacks`` are the declared environments' Topologies, ``base`` the file as
    written (what unlisted stacks deploy), ``page`` the stack the page shows. The
    names cover every declared stack, the default stack and the page's own stack.
    ``cells``: the page's escaped cells, shared with its other tables. None when
    there are no environments.
    """
    if not stacks:
        return None
    names = sorted(stacks)
    setting_cols = [("unlisted stacks", base)] + [(n, stacks[n]) for n in names]
    flats = [_flat_settings(t) for _, t in setting_cols]
    flats[0][("stack", "prefix")] = f"{base.name}-<stack>"
    # in groups (a stable sort: each group keeps its own order)
    keys = sorted(dict.fromkeys(itertools.chain.from_iterable(flats)), key=_subject_rank)
    table = dict(zip(keys, zip(*[[f.get(k, "—") for k in keys] for f in flats])))
    differ = [{"subject": k[0], "setting": k[1], "values": list(values)}
              for k, values in table.items() if _listed(k, values, table)]
    name_cols = [(n, stacks[n]) for n in names]
    unlisted = {t.stack: t for t in (base, page or base) if t.stack not in stacks}  # the default stack, this page's
    name_cols[:0] = [(f"{name} (unlisted)", t) for name, t in unlisted.items()]
    rows = []
    for cloud in base.targets:
        mod = spec(cloud)
        per_stack = [derived_names(t, cloud) for _, t in name_cols]  # what the rules derived for each stack
        first = per_stack[0]
        columns = [[dn.name for dn in p[:len(first)]] + ["—"] * (len(first) - len(p)) for p in per_stack]
        seen = set()
        for dn, values in zip(first, zip(*columns)):
            if (dn.kind, values) in seen:
                continue
            seen.add((dn.kind, values))
            rows.append({"cloud": mod.TITLE, "kind": dn.kind, "names": values})
    shortened = []
    if "gcp" in base.targets:
        for label, t in name_cols:
            shortened += [{"stack": label, "service": s, "full": full, "id": short}
                          for s, full, short in gcp_spec.shortened_accounts(t)]
    cells = cells if cells is not None else tables.Cells(_finalize)
    return {"setting_columns": [c for c, _ in setting_cols], "settings": differ,
            "defaults_differ": any(r["subject"] == "defaults" for r in differ),
            "setting_rows": tables.environment_settings(differ, cells),
            "name_columns": [c for c, _ in name_cols], "name_rows": tables.environment_names(rows, cells),
            "shortened": shortened}


def diagram(topo) -> Escaped:
    """The Diagram section's body of the one page: every service and channel, in as many diagrams as it takes to
    keep each readable (``views``: at most 60 boxes, about 2,000 px wide)."""
    from ..groups import service_group

    by_team = sorted(topo.services.values(), key=lambda s: service_group(topo, s))  # a team's services together
    return diagram_section(views.diagrams(topo, [s.name for s in by_team], [c.name for c in topo.channels()]))


def diagram_section(drawn: list, what: str = "service(s)") -> Escaped:
    """One Mermaid block, or several, each introduced by the services it draws in full."""
    if len(drawn) <= 1:
        return escape.md_fence(drawn[0].text, "mermaid") if drawn else Escaped("")
    out = [f"Drawn in {len(drawn)} diagrams of at most {views.PACK_BOXES} boxes each, so that each stays readable; "
           "channels joined through a service share a diagram while they fit, and a service with channels in "
           "several diagrams is drawn in each."]
    for i, d in enumerate(drawn, 1):
        names = ", ".join(escape.md_code(n) for n in d.names)
        out += ["", f"### Diagram {i} of {len(drawn)}", "", f"Draws {what} {names}." if names else
                "Draws channels only.", "", escape.md_fence(d.text, "mermaid")]
    return Escaped("\n".join(out))


def _table_rows(topo, subscriptions, consumers, cells: tables.Cells, names=None) -> dict:
    """The large tables' rows, written in Python (tables.py) exactly as the template's loops wrote them."""
    return {"services": tables.services(topo, cells),
            "queues": tables.queues(topo, cells, _dead_letter, _encryption),
            "topics": tables.topics(topo, cells, _encryption),
            "consumers": tables.consumers(consumers, cells, _dead_letter),
            "dead_letters": tables.dead_letters(topo, subscriptions, cells),
            "cloud_names": tables.cloud_names(topo, cells, names)}


def render(topo, source: str, links: dict | None = None, stacks: dict | None = None, base=None) -> str:
    """The architecture Markdown of ``topo`` (one stack's Topology), as one page.

    ``source`` is how the page names the YAML file; ``links`` maps a message
    name to the href of its schema file as seen from the page. ``stacks``
    (every declared environment's Topology) and ``base`` (the file as
    written) add the Environments section. ``site.pages`` splits a large topology over several pages.
    """
    return page(topo, source, links, stacks, base, diagram(topo))


def page(topo, source: str, links, stacks, base, drawn, consumers=None, head=None, cells=None, names=None,
         limit: int | None = None) -> str:
    """One page of the architecture docs: ``topo``'s services and channels (the whole topology, or a group's view
    of it, ``site``), its Diagram section ``drawn``; ``consumers``: the consumers its tables list (default: those
    of its services); ``head``: what a group page says above its tables; ``cells``: escaped cells shared with
    other pages; ``names``: cloud -> the derived names its cloud names table lists (default: all of ``topo``'s);
    ``limit``: the characters it may have (default: the output limit; a site passes what its pages have left)."""
    template = _environment().get_template("architecture.md.j2")
    if consumers is None:
        consumers = topo.all_consumers()
    subscriptions = [c for c in consumers if c.kind == "topic" and c.channel in topo.topics]
    subscriptions.sort(key=lambda c: (c.channel, c.service))
    consumers = sorted(consumers, key=lambda c: (c.service, c.channel))
    long_gcp = []
    if "gcp" in topo.targets:
        long_gcp = [{"c": c, "env": gcp_spec.max_lease_env(c.channel), "settings": gcp_spec.lease_settings(c.processing_time),
                     "beyond_default": c.processing_time > gcp_spec.LEASE_EXTENSION_DEFAULT}
                    for c in sorted(gcp_spec.long_processing(topo), key=lambda c: (c.service, c.channel))]
    carriers: dict = {}  # message -> the channels that carry it (one pass, not one per message)
    for ch in topo.channels():
        if ch.message is not None:
            carriers.setdefault(ch.message, []).append(ch)
    if cells is None:  # each distinct cell of the page escaped once, whichever table prints it
        cells = tables.Cells(_finalize)
    text = output.join(template.generate(t=topo, source=source, diagram=drawn, legend=Escaped(views.LEGEND),
                           long_gcp=long_gcp, carriers=carriers, head=head,
                           rows=_table_rows(topo, subscriptions, consumers, cells, names), links=links or {},
                           envs=environments(stacks or {}, base or topo, topo, cells),
                           shortened=[{"stack": topo.stack, "service": s, "full": full, "id": short}
                                      for s, full, short in gcp_spec.shortened_accounts(topo)]
                           if "gcp" in topo.targets else []),
                       "the architecture docs", limit)
    if text.endswith("\n") and not text.endswith("\n\n"):  # as it usually does: no copy of a large page
        return text
    return text.rstrip("\n") + "\n"
