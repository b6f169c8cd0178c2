"""Organisation-shaped synthetic topologies: services in teams of six by ``owner``, most traffic inside a team,
one consumer edge in five crossing to another team (issue 27's shape, for the docs site and its diagrams).

Each service publishes to a channel of its own (queues and topics alternating); a queue is consumed by the next
service of the team, a topic by two; every fifth consumer edge goes to a service of another team instead.
Deterministic: the same N gives the same text.
"""

from __future__ import annotations

import sys

TEAM = 6


def topology(services: int, targets: str = "aws") -> str:
    """``targets``: the file's ``targets`` list, e.g. "aws" or "aws, azure, gcp"."""
    teams = max(1, (services + TEAM - 1) // TEAM)
    names = [f"svc-{i:05d}" for i in range(services)]
    team_of = [i // TEAM for i in range(services)]
    channel = [f"{'t' if i % 2 else 'q'}-{i:05d}" for i in range(services)]
    consumes: dict = {n: [] for n in names}
    edge = 0
    for i in range(services):
        t, first = team_of[i], team_of[i] * TEAM
        size = min(TEAM, services - first)
        readers = [first + (i - first + 1) % size] if i % 2 == 0 else \
            [first + (i - first + 1) % size, first + (i - first + 2) % size]
        for r in dict.fromkeys(readers):
            edge += 1
            if edge % 5 == 0 and teams > 1:  # one in five crosses to another team
                other = (t * 7 + 3 + edge) % teams
                other = other if other != t else (t + 1) % teams
                r = other * TEAM + (edge % min(TEAM, services - other * TEAM))
            if r != i and channel[i] not in consumes[names[r]]:
                consumes[names[r]].append(channel[i])
    taken = {q for c in consumes.values() for q in c if q.startswith("q-")}
    out = ["version: 1", "name: org", f"description: {services} services in teams of {TEAM}",
           f"targets: [{targets}]", "defaults: {max_receive_count: 5}", "queues:"]
    out += [f"  {c}: {{}}" for i, c in enumerate(channel) if c.startswith("q-")]
    out.append("topics:")
    out += [f"  {c}: {{}}" for c in channel if c.startswith("t-")]
    out.append("services:")
    seen_queues: set = set()
    for i, n in enumerate(names):
        out += [f"  {n}:", f"    owner: team-{team_of[i]:04d}", f"    publishes: [{channel[i]}]"]
        mine = []
        for c in consumes[n]:
            if c.startswith("q-"):
                if c in seen_queues:
                    continue
                seen_queues.add(c)
                mine.append(f"      {c}:")
            elif i % 4 == 0:
                mine.append(f"      {c}: {{filter: {{status: [ok, failed]}}}}")
            else:
                mine.append(f"      {c}:")
        if mine:
            out += ["    consumes:"] + mine
    del taken
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(topology(int(sys.argv[1]), *sys.argv[2:3]))
