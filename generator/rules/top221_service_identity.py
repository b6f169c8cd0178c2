"""What a service without an identity for a cloud gets there (info: never fails validate).

A service's rights are granted to the identity it runs as. When the file
names none for a cloud, what happens differs by cloud, and ``validate``
says it for each such service: on AWS, topowire creates the service's IAM
policy but attaches it to no role (it never guesses one), so the service can
do nothing until the policy, exported as ``services.<name>.policy_arn``, is
attached to the role it runs as, or ``identity.aws_role`` names that role.
On Azure, role assignments are made only for ``identity.azure_principal_id``
and the namespace takes no SAS keys (local auth is off unless stack config
``localAuth``): a service without a principal can do nothing there. (GCP
creates a service account for such a service: nothing to say.) Past twenty
such services on a cloud, the first ten are told one by one and one more info
counts and names the rest, so a platform of thousands reads a dozen lines.

Passing:

    queues: {jobs: {}}
    services:
      api:
        publishes: [jobs]
        identity: {aws_role: api-task, azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000002}

Failing:

    targets: [aws]
    queues: {jobs: {}}
    services:
      api: {publishes: [jobs]}
"""

from ..clouds import spec
from ..diagnostics import INFO, Finding

CODE = "TOP221"
NAME = "service-identity"
LEVEL = INFO
SHOWN = 10  # past twice this many on a cloud, this many are told one by one and one more info counts the rest


def check(ctx):
    for cloud in ctx.clouds:
        note = getattr(spec(cloud), "identity_note", None)
        if note is None:
            continue
        found = [(s, f) for s in ctx.topology.services.values() for f in (note(ctx.topology, s),) if f]
        told = found if len(found) <= 2 * SHOWN else found[:SHOWN]
        for s, (message, hint) in told:
            yield Finding(CODE, LEVEL, message, s.path, hint, key=True)
        rest = [s for s, _f in found[len(told):]]
        if rest:  # a platform of thousands of services gets a dozen lines, not thousands
            names = ", ".join(f"'{s.name}'" for s in rest[:SHOWN]) + (f" and {len(rest) - SHOWN} more"
                                                                       if len(rest) > SHOWN else "")
            yield Finding(CODE, LEVEL, f"on {spec(cloud).TITLE}, {len(rest)} more service(s) get the same as the "
                          f"{SHOWN} above (no identity for {spec(cloud).TITLE} in the file): {names}", rest[0].path,
                          found[0][1][1].replace(f"'{found[0][0].name}'", "<service>").replace(
                              found[0][0].name, "<service>"), key=True)
