"""Services without an owner (warning, when the docs are a site).

Above 30 services the docs are a site with a page per group, a team: each service's ``owner``, or the topology's
``owner`` for a service without one (docs/format.md, "Groups"). A service with neither goes to a page of its own,
"(no owner)", that no team reviews, and the pull-request report names no team for its changes. One warning per
file, naming the first few.

Passing:

    queues: {jobs: {}}
    services: {api: {owner: team-a, publishes: [jobs]},
      worker: {owner: team-b, consumes: [jobs]},
      s03: {owner: team-b}, s04: {owner: team-b}, s05: {owner: team-b}, s06: {owner: team-b},
      s07: {owner: team-b}, s08: {owner: team-b}, s09: {owner: team-b}, s10: {owner: team-b},
      s11: {owner: team-b}, s12: {owner: team-b}, s13: {owner: team-b}, s14: {owner: team-b},
      s15: {owner: team-b}, s16: {owner: team-b}, s17: {owner: team-b}, s18: {owner: team-b},
      s19: {owner: team-b}, s20: {owner: team-b}, s21: {owner: team-b}, s22: {owner: team-b},
      s23: {owner: team-b}, s24: {owner: team-b}, s25: {owner: team-b}, s26: {owner: team-b},
      s27: {owner: team-b}, s28: {owner: team-b}, s29: {owner: team-b}, s30: {owner: team-b},
      s31: {owner: team-b}}

Failing:

    queues: {jobs: {}}
    services: {api: {owner: team-a, publishes: [jobs]},
      worker: {owner: team-b, consumes: [jobs]},
      s03: {}, s04: {}, s05: {}, s06: {}, s07: {}, s08: {}, s09: {}, s10: {}, s11: {}, s12: {}, s13: {},
      s14: {}, s15: {}, s16: {}, s17: {}, s18: {}, s19: {}, s20: {}, s21: {}, s22: {}, s23: {}, s24: {},
      s25: {}, s26: {}, s27: {}, s28: {}, s29: {}, s30: {}, s31: {}}
"""

from ..diagnostics import WARNING, Finding
from ..groups import is_site

CODE = "TOP131"
NAME = "service-without-owner"
LEVEL = WARNING


def check(ctx):
    topo = ctx.topology
    if not is_site(topo) or topo.owner:
        return
    lonely = [s for s in topo.services.values() if not s.owner]
    if not lonely:
        return
    shown = ", ".join(f"'{s.name}'" for s in lonely[:5]) + (f" and {len(lonely) - 5} more" if len(lonely) > 5 else "")
    yield Finding(CODE, LEVEL, f"{len(lonely)} service(s) have no owner, and the topology sets none: {shown} go to "
                  "the docs page '(no owner)', and changes to them name no team to review",
                  lonely[0].path, "set 'owner' on each service (its team), or a top-level 'owner' for the rest",
                  key=True)
