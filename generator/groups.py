"""Groups: the teams of a topology, the unit its docs site is split by (docs/format.md, "Groups").

A service belongs to the group of its ``owner`` (the topology's ``owner`` when it sets none, else
``UNOWNED``). A channel has no owner of its own: it belongs to the group of the services that publish to it
(the group with most of its publishers, the first by name on a tie), or, without publishers, to the group of
its consumers (likewise), or, with neither, to ``UNOWNED``. Rules TOP130 and TOP131 say when that is ambiguous.

Everything here is deterministic (sorted) and works on names only: owners are free text (untrusted), and their
file names (``slug``) are made of ``[a-z0-9-]`` only, bounded in length, unique per topology.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

UNOWNED = "(no owner)"
# Up to this many services a topology's docs are one page (as before); above it, an index and a page per group.
SITE_THRESHOLD = 30
MAX_SLUG = 48
# A site's page holds at most this many services (a larger group is split into parts): with their channels,
# consumers and cloud names, well within GitHub's 500 KB and 20,000 lines per file.
PAGE_SERVICES = 100


def service_group(topo, service) -> str:
    return service.owner or topo.owner or UNOWNED


def _pick(counter: Counter) -> str:
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


class Groups(NamedTuple):
    of_service: dict   # service name -> group
    of_channel: dict   # channel name -> group
    names: list        # every group, sorted
    slugs: dict        # group -> file name stem
    claimed: dict      # channel -> the groups its publishers belong to, when more than one


def groups(topo, of_service: dict | None = None) -> Groups:
    """The groups of ``topo`` (``of_service``: service -> group, when not their owners: a site's page parts)."""
    if of_service is None:
        of_service = {s.name: service_group(topo, s) for s in topo.services.values()}
    of_channel, claimed = {}, {}
    publishers, consumers = topo.publishers, topo.consumers
    for ch in topo.channels():
        mine = [of_service[r.service] for r in publishers.get(ch.name, ()) if r.service in of_service]
        if mine and mine.count(mine[0]) == len(mine):  # the common case: one group publishes
            of_channel[ch.name] = mine[0]
            continue
        pubs = Counter(mine)
        if len(pubs) > 1:
            claimed[ch.name] = sorted(pubs)
        if not pubs:
            pubs = Counter(of_service[c.service] for c in consumers.get(ch.name, ()) if c.service in of_service)
        of_channel[ch.name] = _pick(pubs) if pubs else UNOWNED
    names = sorted(set(of_service.values()) | set(of_channel.values()))
    return Groups(of_service, of_channel, names, slugs(names), claimed)


def slugs(names) -> dict:
    """A file name stem per group: lower case ``[a-z0-9-]``, at most MAX_SLUG characters, never ``index``; a stem
    two groups would share, or an empty one, gets the first 8 hex digits of the sha256 of the group's name."""
    import hashlib  # here: only a site's file names need it (a small topology's validate never loads it)

    base = {}
    for n in names:
        s = re.sub(r"[^a-z0-9]+", "-", n.lower()).strip("-")[:MAX_SLUG].strip("-")
        base[n] = s
    count = Counter(base.values())
    out = {}
    for n, s in base.items():
        if not s or count[s] > 1 or s in ("index", "unowned") and n != UNOWNED:
            s = ((s[:MAX_SLUG - 9] + "-") if s else "group-") + hashlib.sha256(n.encode("utf-8")).hexdigest()[:8]
        out[n] = "unowned" if n == UNOWNED else s
    return out


def page_parts(topo, g: Groups, size: int = PAGE_SERVICES) -> Groups:
    """The groups as a site's pages hold them: a group of more than ``size`` services is split into parts of
    ``size`` services (in the file's order), named ``<group> (part i of n)``; a channel goes to the part of most
    of its publishers, as to a group."""
    members: dict = {}
    for s, grp in g.of_service.items():
        members.setdefault(grp, []).append(s)
    if all(len(m) <= size for m in members.values()):
        return g
    of_service = {}
    for grp, names in members.items():
        n = -(-len(names) // size)
        for i, s in enumerate(names):
            of_service[s] = grp if n == 1 else f"{grp} (part {i // size + 1} of {n})"
    return groups(topo, of_service)


def is_site(topo) -> bool:
    """Whether the docs of ``topo`` are a site (an index and one page per group) rather than one page."""
    return len(topo.services) > SITE_THRESHOLD


def exchanges(topo, g: Groups) -> dict:
    """(group a, group b) -> the sorted channels through which a sends to b (a != b): a service of a publishes to
    a channel of b, or a channel of a is consumed by a service of b."""
    out: dict = {}
    for s in topo.services.values():
        mine = g.of_service[s.name]
        for r in s.publishes:
            other = g.of_channel.get(r.channel)
            if other is not None and other != mine:
                out.setdefault((mine, other), set()).add(r.channel)
        for c in s.consumes:
            other = g.of_channel.get(c.channel)
            if other is not None and other != mine:
                out.setdefault((other, mine), set()).add(c.channel)
    return {k: sorted(v) for k, v in sorted(out.items())}
