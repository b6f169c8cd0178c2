"""The docs of a large topology as a small site: an index page and one page per group (``groups``).

Up to ``groups.SITE_THRESHOLD`` services the docs are one page, as before. Above it, ``pages`` returns the index
(written where ``-o`` says, e.g. docs/architecture.md) and a page per group in the directory named after it
(docs/architecture/<group>.md). The index draws one box per group and one edge per pair of groups that exchange
messages; a group page draws its services and channels in full, the other groups' channels and services it
exchanges messages with as dashed grey stubs, and holds its rows of every table of the one page: nothing is lost,
only arranged (a consumer's row is on the page of its service's group and of its channel's).
"""

from __future__ import annotations

from collections import deque
from types import MappingProxyType

from .. import escape, output
from ..escape import Escaped
from . import _environment, _finalize, diagram_section, environments, page, tables, views
from ..groups import PAGE_SERVICES, SITE_THRESHOLD, exchanges, groups, page_parts

INDEX = "index"  # the key of the index page in ``pages``' result
MAX_PAGE_BYTES = 500_000  # GitHub shows no diff of a larger file
MAX_PAGE_LINES = 20_000   # nor of a longer one


def subdirectory(index_name: str) -> str:
    """The directory the group pages go in, next to the index: ``architecture.md`` -> ``architecture``."""
    return index_name[:-3] if index_name.endswith(".md") else index_name + ".d"


def _view(topo, services: list, channels):
    """``topo`` with only ``services`` and ``channels`` (and the messages those channels carry); who publishes to
    and consumes a channel stays whole, so a queue's row still names every consumer."""
    names = sorted(channels)
    queues = {n: topo.queues[n] for n in names if n in topo.queues}
    topics = {n: topo.topics[n] for n in names if n in topo.topics}
    carried = sorted({ch.message for ch in (*queues.values(), *topics.values()) if ch.message is not None})
    return _replaced(topo, services=MappingProxyType({n: topo.services[n] for n in services}),
                     queues=MappingProxyType(queues), topics=MappingProxyType(topics),
                     messages=MappingProxyType({n: topo.messages[n] for n in carried if n in topo.messages}))


def _replaced(topo, **fields):
    """``dataclasses.replace(topo, **fields)`` without its checks and ``__init__`` (a site makes a view per page;
    Topology has no ``__post_init__``): a copy of the frozen instance's fields with ``fields`` changed."""
    view = object.__new__(type(topo))
    view.__dict__.update(topo.__dict__)
    view.__dict__.update(fields)
    return view


def _members(topo, g) -> dict:
    out = {name: ([], set()) for name in g.names}
    for s, grp in g.of_service.items():
        out[grp][0].append(s)
    for c, grp in g.of_channel.items():
        out[grp][1].add(c)
    return out


class _Links(dict):
    """A group's Markdown link from a group page (``[name](slug.md)``), escaped once for every page of a site."""

    def __init__(self, g):
        super().__init__()
        self.g = g

    def __missing__(self, grp):
        made = self[grp] = (escape.md_text(grp), escape.url(self.g.slugs[grp] + ".md"))
        return made


def _group_head(topo, name, index_link, services, channels, others: views.Others, links: _Links) -> dict:
    """What a group's page says above its tables: the other groups' channels its services use, and the groups
    whose services use its channels (``others``, as its diagrams drew them)."""
    queues = topo.queues
    title = links[name][0]
    lines = [f"Group **{title}** of {index_link} (the "
             f"index of every group): its {len(services)} service(s) and {len(channels)} channel(s) in full. "
             "A group is a team, the services' `owner`; a channel belongs to the group of its publishers."]
    if others.channels:
        shown = ", ".join(f"[{escape.md_code(ch)}]({links[grp][1]}#{'queues' if ch in queues else 'topics'}) "
                          f"of {links[grp][0]}" for ch, grp in sorted(others.channels.items()))
        lines += ["", f"Channels of other groups that its services use (dashed grey in the diagram): {shown}."]
    if others.groups:
        shown = ", ".join(f"[{links[grp][0]}]({links[grp][1]})" for grp in sorted(others.groups))
        lines += ["", f"Groups whose services use its channels (their services dashed grey): {shown}."]
    return {"title": Escaped(": " + title), "text": Escaped("\n".join(lines))}


def _overview(topo, g, members, ex) -> list:
    """The index's diagrams: one box per group, one edge per pair of groups exchanging messages, packed in
    diagrams of at most PACK_BOXES boxes (groups that exchange messages taken together, breadth first)."""
    neighbours: dict = {n: set() for n in g.names}
    for a, b in ex:
        neighbours[a].add(b)
        neighbours[b].add(a)
    order, seen = [], set()
    for start in g.names:
        if start in seen:
            continue
        seen.add(start)
        todo = deque([start])
        while todo:
            n = todo.popleft()
            order.append(n)
            for m in sorted(neighbours[n]):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
    ids = {n: f"g{i}" for i, n in enumerate(g.names)}
    place = {n: i for i, n in enumerate(order)}
    links = {}
    for (a, b), chans in ex.items():
        text = chans[0] if len(chans) == 1 else f"{len(chans)} channels"
        links[(a, b)] = views.link(ids[a], ids[b], text)
    units = []  # each group with its links to the groups before it: a link is drawn where both ends are
    for n in order:
        box = views.group_box(ids[n], n, f"{len(members[n][0])} services · {len(members[n][1])} channels")
        mine = [links[(n, m)] for m in sorted(neighbours[n]) if (n, m) in links and place[m] < place[n]]
        mine += [links[(m, n)] for m in sorted(neighbours[n]) if (m, n) in links and place[m] < place[n]]
        units.append(views.Unit((box,), tuple(mine)))
    return [views.Diagram(views.render(boxes, drawn, direction), tuple(b.name for b in boxes.values()), len(boxes))
            for boxes, drawn, direction in views.pack(units)]


def _index(topo, source, stacks, base, g, members, ex, sub: str) -> str:
    template = _environment().get_template("index.md.j2")
    rows = []
    sends_to: dict = {n: [] for n in g.names}
    gets_from: dict = {n: [] for n in g.names}
    for a, b in ex:  # sorted pairs: each list comes out sorted
        sends_to[a].append(b)
        gets_from[b].append(a)
    link = {n: f"[{escape.md_text(n)}]({escape.url(sub + '/' + g.slugs[n] + '.md')})" for n in g.names}
    code = escape.md_cell_code
    for n in g.names:
        services, channels = members[n]
        sends, gets = sends_to[n], sorted(gets_from[n])
        rows.append(f"| {link[n]} | {', '.join([code(s) for s in services]) or '—'} | "
                    f"{', '.join([code(c) for c in sorted(channels)]) or '—'} | "
                    f"{', '.join([link[b] for b in sends]) or '—'} | {', '.join([link[a] for a in gets]) or '—'} |")
    empty = _view(topo, [], set())
    envs = environments({k: _view(v, [], set()) for k, v in (stacks or {}).items()},
                        _view(base or topo, [], set()), empty)
    drawn = _overview(topo, g, members, ex)
    text = output.join(template.generate(
        t=topo, source=source, groups=len(g.names), threshold=SITE_THRESHOLD, page_services=PAGE_SERVICES, envs=envs,
        overview=diagram_section(drawn, "group(s)"), rows=Escaped("\n".join(rows)),
        uncarried=[m for m in topo.messages.values()
                   if not any(ch.message == m.name for ch in topo.channels())]), "the architecture index")
    return text.rstrip("\n") + "\n"


def pages(topo, source: str, links: dict | None, sub_links: dict | None, stacks: dict | None, base,
          index_name: str, sub_source: str | None = None) -> dict:
    """Every page of the docs of ``topo``: {INDEX: the index, "<group>.md": a group's page, ...}.

    ``source``/``links``: the topology file and the message schemas as the index names them; ``sub_source`` and
    ``sub_links`` as the group pages (one directory down) name them. ``index_name``: the index's file name."""
    whole = groups(topo)
    size = PAGE_SERVICES
    while True:  # a page past GitHub's limits (long descriptions, many stacks): smaller parts, all pages again
        out = _pages(topo, source, links, sub_links, stacks, base, index_name, sub_source, page_parts(topo, whole, size))
        if size == 1 or all(_within_github(t) for k, t in out.items() if k != INDEX):
            return out
        size = max(1, size // 2)


def _within_github(text: str) -> bool:
    """Whether a page is within GitHub's diff limits (MAX_PAGE_BYTES of UTF-8, MAX_PAGE_LINES lines)."""
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    return size <= MAX_PAGE_BYTES and (size <= MAX_PAGE_LINES or text.count("\n") <= MAX_PAGE_LINES)


def _pages(topo, source, links, sub_links, stacks, base, index_name, sub_source, g) -> dict:
    members = _members(topo, g)
    ex = exchanges(topo, g)
    sub = subdirectory(index_name)
    out = {INDEX: _index(topo, source, stacks, base, g, members, ex, sub)}
    # the output limit is on all pages together, counted as they are made: a large message example carried by a
    # channel of every group is on every group's page, and hundreds of copies must not be made before the check
    left = output.MAX_OUTPUT_CHARS - len(out[INDEX])
    boxes, cells = views.Boxes(topo), tables.Cells(_finalize)  # made once for every page
    names = _names_by_group(topo, g)
    group_links = _Links(g)
    of_service = g.of_service
    index_link = f"[{escape.md_text(topo.name)}]({escape.url('../' + index_name)})"  # on every group's page
    for name in g.names:
        services, channels = members[name]
        view = _view(topo, services, channels)
        stack_views = {k: _view(v, services, channels) for k, v in (stacks or {}).items()}
        consumers = [c for s in services for c in topo.services[s].consumes]
        ordered = [*view.queues, *view.topics]  # view.channels()' names
        consumers += [c for ch in sorted(channels) for c in topo.consumers.get(ch, ())
                      if of_service.get(c.service) != name]
        others = views.Others({}, set())
        drawn = views.diagrams(topo, services, ordered, of_service, g.of_channel, boxes, others)
        head = _group_head(topo, name, index_link, services, channels, others, group_links)
        try:
            text = page(view, sub_source or source, sub_links, stack_views,
                        _view(base or topo, services, channels) if stack_views else None,  # only environments use it
                        diagram_section(drawn), consumers, head, cells, {c: names[c].get(name, []) for c in names},
                        left)
        except output.OutputTooLarge:
            raise output.OutputTooLarge("the architecture docs (all pages)", output.MAX_OUTPUT_CHARS) from None
        out[g.slugs[name] + ".md"] = text
        left -= len(text)
    return out


def _names_by_group(topo, g) -> dict:
    """cloud -> group -> the derived names of its page, in the spec's order: a channel's names on its group's page,
    a service's (and its subscriptions') on its group's, names of neither (a namespace) on every group's page.
    From the names the rules derived for the whole topology: none is derived twice."""
    from ..clouds import derived_names

    out = {}
    for cloud in topo.targets:
        per: dict = {n: [] for n in g.names}
        for dn in derived_names(topo, cloud):
            p = dn.path
            grp = (g.of_channel.get(p[1]) if p[:1] in (("queues",), ("topics",)) else
                   g.of_service.get(p[1]) if p[:1] == ("services",) else None) if len(p) > 1 else None
            if grp is None:
                for lst in per.values():
                    lst.append(dn)
            else:
                per[grp].append(dn)
        out[cloud] = per
    return out
