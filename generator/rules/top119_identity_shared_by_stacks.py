"""Two stacks of one file grant the same identity: one stack's credential reaches the other's messages.

A service's ``identity`` (an AWS role, an Azure principal, a GCP service
account) is granted send and receive rights on that stack's queues and
topics. When two stacks use the same identity, a workload of one of them
(``dev``) can read and send the other's (``prod``) messages. Give each stack
its own identity in its environment:
``environments.<stack>.services.<service>.identity`` (key by key over the
service's own). The stacks compared are those ``environments`` lists, and
``dev`` (the file as written) when it does not list it, as for TOP116. Only
the clouds checked count; GCP service accounts that topowire creates are
per stack already.

Passing:

    queues: {jobs: {}}
    services:
      api:
        publishes: [jobs]
        identity: {aws_role: api-dev}
    environments:
      dev: {}
      prod:
        services:
          api: {identity: {aws_role: api-prod}}

Failing:

    queues: {jobs: {}}
    services:
      api:
        publishes: [jobs]
        identity: {aws_role: api}
    environments:
      dev: {}
      prod: {}
"""

from .. import words
from ..diagnostics import WARNING, Finding
from ..model import DEFAULT_STACK, IDENTITY_FIELDS
from ..clouds.aws import spec as aws_spec

CODE = "TOP119"
NAME = "identity-shared-by-stacks"
LEVEL = WARNING

CLOUD_OF = dict(zip(IDENTITY_FIELDS, ("aws", "azure", "gcp")))
WHAT = {"aws_role": "AWS role", "azure_principal_id": "Azure principal", "gcp_service_account": "GCP service account"}


def stacks_of(ctx) -> dict:
    """Every stack the file deploys: its environments, and ``dev`` as written when they do not list it."""
    out = dict(ctx.stacks)
    if out and DEFAULT_STACK not in out:
        out[DEFAULT_STACK] = ctx.topology
    return out


def identity_key(name: str, value: str) -> str:
    """What makes two identities the same one: IAM role names ignore case and a role ARN names a role by its
    name; principal ids and account emails ignore case."""
    if name == "aws_role":
        return aws_spec.role_name(value).lower()
    return value.lower()


def grants(service) -> bool:
    """Whether topowire grants the service anything (it publishes or consumes)."""
    return bool(service.publishes or service.consumes)


def check(ctx):
    if ctx.environment is not None:
        return  # compares the stacks with each other, once
    stacks = stacks_of(ctx)
    if len(stacks) < 2:
        return
    uses: dict = {}  # (field, key) -> [(stack, service, path, value)]
    for stack, topo in sorted(stacks.items()):
        for s in topo.services.values():
            if not grants(s):
                continue
            for name in IDENTITY_FIELDS:
                value = getattr(s.identity, name)
                if value and CLOUD_OF[name] in ctx.clouds:
                    path = s.identity.origin(name, s.path + ("identity", name))
                    uses.setdefault((name, identity_key(name, value)), []).append((stack, s.name, path, value))
    for (name, _key), found in sorted(uses.items()):
        names = sorted({stack for stack, *_ in found})
        if len(names) < 2:
            continue
        services = sorted({svc for _s, svc, _p, _v in found})
        who = f"service '{services[0]}'" if len(services) == 1 else \
            "services " + ", ".join(f"'{svc}' in stack '{stack}'" for stack, svc, _p, _v in found[:6]) + \
            (f" and {len(found) - 6} more" if len(found) > 6 else "")
        for path in sorted({p for _s, _svc, p, _v in found}):
            value = next(v for _s, _svc, p, v in found if p == path)
            service = next(svc for _s, svc, p, _v in found if p == path)
            yield Finding(CODE, LEVEL, f"stacks {words.listing(names)} grant the same {WHAT[name]} '{value}' "
                          f"({who}) rights on their own queues and topics: a credential of one stack can read and "
                          "send the other stacks' messages", path,
                          f"give each stack its own: environments.<stack>.services.{service}.identity.{name}")
