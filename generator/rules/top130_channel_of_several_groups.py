"""A channel published to by services of several groups (warning, when the docs are a site).

Above 30 services the docs are a site with a page per group (a team: the services' ``owner``; docs/format.md,
"Groups"), and a channel belongs to the group of the services that publish to it. When its publishers belong to
several groups, the channel goes to the page of the group with most of them (the first by name on a tie) and the
other groups' pages draw it as a stub: say which team owns it by giving its publishers one owner, or give each
group its own channel. The pull-request report lists every group such a channel's change touches either way.

Passing:

    queues: {jobs: {}}
    services: {api: {owner: team-a, publishes: [jobs]}, web: {owner: team-a, publishes: [jobs]},
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
    services: {api: {owner: team-a, publishes: [jobs]}, web: {owner: team-b, publishes: [jobs]},
      worker: {owner: team-b, consumes: [jobs]},
      s03: {owner: team-b}, s04: {owner: team-b}, s05: {owner: team-b}, s06: {owner: team-b},
      s07: {owner: team-b}, s08: {owner: team-b}, s09: {owner: team-b}, s10: {owner: team-b},
      s11: {owner: team-b}, s12: {owner: team-b}, s13: {owner: team-b}, s14: {owner: team-b},
      s15: {owner: team-b}, s16: {owner: team-b}, s17: {owner: team-b}, s18: {owner: team-b},
      s19: {owner: team-b}, s20: {owner: team-b}, s21: {owner: team-b}, s22: {owner: team-b},
      s23: {owner: team-b}, s24: {owner: team-b}, s25: {owner: team-b}, s26: {owner: team-b},
      s27: {owner: team-b}, s28: {owner: team-b}, s29: {owner: team-b}, s30: {owner: team-b},
      s31: {owner: team-b}}
"""

from ..diagnostics import WARNING, Finding
from ..groups import groups, is_site

CODE = "TOP130"
NAME = "channel-of-several-groups"
LEVEL = WARNING


def check(ctx):
    topo = ctx.topology
    if not is_site(topo):
        return
    g = groups(topo)
    for name, claimants in g.claimed.items():
        ch = topo.channel(name)
        shown = ", ".join(f"'{c}'" for c in claimants[:5]) + (f" and {len(claimants) - 5} more" if len(claimants) > 5 else "")
        yield Finding(CODE, LEVEL, f"services of {len(claimants)} groups publish to {ch.kind} '{name}' ({shown}): "
                      f"its docs page is group '{g.of_channel[name]}''s (most publishers), the others draw it as a stub",
                      ch.path, "give its publishers one owner, or give each group its own channel", key=True)
