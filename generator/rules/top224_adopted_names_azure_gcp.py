"""An adopted Azure or GCP name (``adopt.azure``, ``adopt.gcp``) cannot be the resource it claims to keep.

``adopt.azure`` keeps a Service Bus queue, topic or subscription that already runs; ``adopt.gcp`` a Pub/Sub
topic, subscription or dead-letter topic; `pulumi up` imports them by ids that hold where they run, so
``accounts.azure`` (subscription, resource group, namespace) or ``accounts.gcp`` (project) must say it. The names
are checked like derived ones (TOP202, TOP112, TOP208); this rule checks what only an adopted name can get
wrong: ``subscriptions`` name the topic's consumers, a ``dead_letter`` needs a dead-letter channel, and the
account is there. An adopted Azure role assignment (``role_assignments.<service>.send|receive``, a subscription's
``role_assignment``) is of a service that names its principal (``identity.azure_principal_id``: the assignment is
that principal's) and does what it says on the channel, and no assignment that `pulumi up` imports (of the role
topowire assigns) is adopted twice.

Passing:

    accounts: {gcp: {project: shop-prod}}
    queues: {jobs: {adopt: {gcp: {name: legacy-jobs, subscription: legacy-jobs}}}}

Failing:

    queues: {jobs: {adopt: {gcp: {name: legacy-jobs, subscription: legacy-jobs}}}}
"""

from ..clouds.azure.imports import ROLE_FOR
from ..diagnostics import ERROR, Finding

CODE = "TOP224"
NAME = "adopted-names-azure-gcp"
LEVEL = ERROR
ACCOUNTS = {"azure": 'add accounts: {azure: {subscription: <GUID>, resource_group: <group>, namespace: <namespace>}} '
                     "(or per environment)",
            "gcp": "add accounts: {gcp: {project: <project id>}} (or per environment)"}
WHAT = {"azure": "subscription, resource group and namespace: their import ids are ARM ids that hold them",
        "gcp": "project: their import ids are projects/<project>/... paths"}


def check(ctx):
    topo = ctx.topology
    for cloud in ("azure", "gcp"):
        first = None
        for ch in topo.channels():
            a = ch.adopt.get(cloud)
            if a is None:
                continue
            first = first or a.path
            dead = a.dead_letter if ch.kind == "queue" else None
            if dead and not ch.settings.dead_letter.enabled:
                yield Finding(CODE, LEVEL, f"queue '{ch.name}' adopts dead-letter topic '{dead}' but has "
                              "dead_letter: false", a.path + ("dead_letter",),
                              f"remove adopt.{cloud}.dead_letter, or turn dead_letter on")
            if ch.kind != "topic":
                continue
            consumers = {c.service: c for c in topo.consumers.get(ch.name, ())}
            for service, sub in a.subscriptions.items():
                spath = a.path + ("subscriptions", service)
                if service not in consumers:
                    yield Finding(CODE, LEVEL, f"topic '{ch.name}' adopts a subscription of service '{service}', "
                                  "which does not consume it", spath,
                                  f"add '{ch.name}' to the consumes of '{service}'", key=True)
                elif sub.get("dead_letter") and not consumers[service].settings.dead_letter.enabled:
                    yield Finding(CODE, LEVEL, f"consumer '{service}' of topic '{ch.name}' adopts dead-letter topic "
                                  f"'{sub['dead_letter']}' but has dead_letter: false", spath + ("dead_letter",),
                                  f"remove adopt.{cloud}.subscriptions.{service}.dead_letter, or turn dead_letter on")
        if cloud == "azure":
            yield from _role_assignments(topo)
        if first is not None and not topo.accounts.get(cloud) and cloud in ctx.clouds:
            yield Finding(CODE, LEVEL, f"adopted {cloud.upper() if cloud == 'gcp' else 'Azure'} names need "
                          f"accounts.{cloud} ({WHAT[cloud]})", first, ACCOUNTS[cloud])


def _role_assignments(topo):
    seen = {}
    for ch in topo.channels():
        a = ch.adopt.get("azure")
        if a is None:
            continue
        found = [(svc, role, live, a.path + ("role_assignments", svc, role))
                 for svc, roles in a.role_assignments.items() for role, live in sorted(roles.items())]
        found += [(svc, "receive", sub["role_assignment"], a.path + ("subscriptions", svc, "role_assignment"))
                  for svc, sub in a.subscriptions.items() if sub.get("role_assignment")]
        for svc, role, live, path in found:
            service = topo.services.get(svc)
            if service is None:
                yield Finding(CODE, LEVEL, f"{ch.kind} '{ch.name}' adopts a role assignment of service '{svc}', which "
                              "is not a service of this file", path[:-1], "remove it, or add the service", key=True)
                continue
            does = ({r.channel for r in service.publishes} if role == "send" else
                    {c.channel for c in service.consumes})
            if ch.name not in does:
                verb = "publish to" if role == "send" else "consume"
                yield Finding(CODE, LEVEL, f"{ch.kind} '{ch.name}' adopts a {role} role assignment of service "
                              f"'{svc}', which does not {verb} it", path,
                              f"add '{ch.name}' to the {'publishes' if role == 'send' else 'consumes'} of "
                              f"'{svc}', or remove the assignment", key=True)
                continue
            if not service.identity.azure_principal_id:
                yield Finding(CODE, LEVEL, f"{ch.kind} '{ch.name}' adopts role assignment {live.get('name')} of "
                              f"service '{svc}', which names no principal: topowire would create a new identity "
                              "for it, and the assignment belongs to the principal that runs", path,
                              f"set services.{svc}.identity.azure_principal_id to the assignment's principal, or "
                              "remove the assignment")
                continue
            name = str(live.get("name", "")).lower()
            if str(live.get("role", "")).lower() != ROLE_FOR[role]:
                continue  # not imported (another role is another assignment): the plan creates topowire's beside it
            if name in seen:
                yield Finding(CODE, LEVEL, f"role assignment {name} is adopted twice (also at "
                              f"{'.'.join(seen[name])}): one Azure resource cannot be imported by two", path,
                              "keep it where the service and role it grants are")
            else:
                seen[name] = tuple(str(p) for p in path)
