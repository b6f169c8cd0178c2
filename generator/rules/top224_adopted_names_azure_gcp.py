"""An adopted Azure or GCP name (``adopt.azure``, ``adopt.gcp``) cannot be the resource it claims to keep.

``adopt.azure`` keeps a Service Bus queue, topic or subscription that already runs; ``adopt.gcp`` a Pub/Sub
topic, subscription or dead-letter topic; `pulumi up` imports them by ids that hold where they run, so
``accounts.azure`` (subscription, resource group, namespace) or ``accounts.gcp`` (project) must say it. The names
are checked like derived ones (TOP202, TOP112, TOP208); this rule checks what only an adopted name can get
wrong: ``subscriptions`` name the topic's consumers, a ``dead_letter`` needs a dead-letter channel, and the
account is there.

Passing:

    accounts: {gcp: {project: shop-prod}}
    queues: {jobs: {adopt: {gcp: {name: legacy-jobs, subscription: legacy-jobs}}}}

Failing:

    queues: {jobs: {adopt: {gcp: {name: legacy-jobs, subscription: legacy-jobs}}}}
"""

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
        if first is not None and not topo.accounts.get(cloud) and cloud in ctx.clouds:
            yield Finding(CODE, LEVEL, f"adopted {cloud.upper() if cloud == 'gcp' else 'Azure'} names need "
                          f"accounts.{cloud} ({WHAT[cloud]})", first, ACCOUNTS[cloud])
