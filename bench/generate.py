"""Deterministic synthetic topologies for the benchmarks: N services, about N channels.

A third of the channels are topics; every service publishes to one or two
channels and consumes one or two; every fourth topic consumer filters.
"""

from __future__ import annotations

import sys


AZURE_MAX_SERVICES = 1000
ENVIRONMENTS = ["environments:", "  dev: {defaults: {retention: 1d, protect: false}, tags: {env: dev}}",
                "  staging: {tags: {env: staging}}", "  prod: {defaults: {retention: 14d}, tags: {env: prod}}"]


def topology(services: int, broken: str = "", environments: bool = False) -> str:
    """``broken``: "" (valid), "reference" (every service also publishes to a misspelt channel, a
    different one each: thousands of "did you mean" look-ups) or "schema" (every service has a
    misspelt key, which the JSON Schema rejects). ``environments``: three stacks, each with its own
    settings (every store's retention or protection differs between them) and tags."""
    channels = max(3, services)
    kinds = ["topic" if i % 3 == 0 else "queue" for i in range(channels)]
    names = [f"{'t' if k == 'topic' else 'q'}-{i:05d}" for i, k in enumerate(kinds)]
    out = ["version: 1", "name: bench", f"description: synthetic topology with {services} services",
           # Past 1,000 services Azure is left out: each service gets its own managed identity and role assignments
           # per entity, and one Azure subscription holds at most 4,000 role assignments (TOP210): such a file is
           # refused on Azure, which is right, and would measure nothing
           f"targets: [{'aws, azure, gcp' if services <= AZURE_MAX_SERVICES else 'aws, gcp'}]", "tags: {cost-center: bench}",
           "defaults: {visibility_timeout: 1m, retention: 4d, max_receive_count: 5}", "queues:"]
    for i, k in enumerate(kinds):
        if k == "queue":
            out.append(f"  {names[i]}: {{description: queue {i}{', fifo: true' if i % 7 == 1 else ''}}}")
    out.append("topics:")
    for i, k in enumerate(kinds):
        if k == "topic":
            out.append(f"  {names[i]}: {{description: topic {i}}}")
    out.append("services:")
    consumed_queues = set()
    for s in range(services):
        pubs = sorted({names[(s * 2) % channels], names[(s * 5 + 1) % channels]})
        if broken == "reference":
            typo = names[(s * 11 + 3) % channels]
            pubs.append(typo[:2] + typo[3:] + "x")  # one character dropped, one added: q-00042 -> q-0042x
        key = "descripton" if broken == "schema" else "description"
        out += [f"  svc-{s:05d}:", f"    {key}: service {s}", f"    publishes: [{', '.join(pubs)}]", "    consumes:"]
        for c in sorted({names[(s * 3 + 1) % channels], names[(s * 7 + 2) % channels]}):
            if c.startswith("q-"):
                out.append(f"      {c}: {{processing_time: 20s}}" if c not in consumed_queues else f"      {c}:")
                consumed_queues.add(c)
            elif s % 4 == 0:
                out.append(f"      {c}: {{filter: {{status: [ok, failed], region: [eu]}}}}")
            else:
                out.append(f"      {c}:")
    if environments:
        out += ENVIRONMENTS
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(topology(int(sys.argv[1]), *sys.argv[2:3]))
