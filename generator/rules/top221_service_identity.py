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
creates a service account for such a service: nothing to say.)

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


def check(ctx):
    for cloud in ctx.clouds:
        note = getattr(spec(cloud), "identity_note", None)
        if note is None:
            continue
        for s in ctx.topology.services.values():
            found = note(ctx.topology, s)
            if found:
                yield Finding(CODE, LEVEL, found[0], s.path, found[1], key=True)
