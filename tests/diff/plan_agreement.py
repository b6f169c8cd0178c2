"""What a plan changes, resource by resource, against what `topowire diff` says it changes (helper of
test_plan_agreement.py): the plans of base and head under the mock engine, compared input by input."""

from __future__ import annotations

from generator.check import load_topology
from generator.diff import impact
from generator.plan import engine

TYPES = {
    "aws": {"SQS queue": "aws:sqs/queue:Queue", "SQS dead-letter queue": "aws:sqs/queue:Queue",
            "SNS topic": "aws:sns/topic:Topic", "SNS topic policy": "aws:sns/topicPolicy:TopicPolicy",
            "SNS subscription": "aws:sns/topicSubscription:TopicSubscription", "IAM policy": "aws:iam/policy:Policy",
            "SQS queue policy": "aws:sqs/queuePolicy:QueuePolicy",
            "SQS redrive-allow policy": "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
            "CloudWatch alarm": "aws:cloudwatch/metricAlarm:MetricAlarm",
            "IAM role policy attachment": "aws:iam/rolePolicyAttachment:RolePolicyAttachment"},
    "azure": {"Service Bus namespace": "azure-native:servicebus:Namespace",
              "Service Bus queue": "azure-native:servicebus:Queue", "Service Bus topic": "azure-native:servicebus:Topic",
              "Service Bus subscription": "azure-native:servicebus:Subscription",
              "Service Bus filter rule": "azure-native:servicebus:DefaultRule",
              "Azure Monitor metric alert": "azure-native:monitor:MetricAlert",
              "role assignment": "azure-native:authorization:RoleAssignment",
              "managed identity": "azure-native:managedidentity:UserAssignedIdentity"},
    "gcp": {"Pub/Sub subscription": "gcp:pubsub/subscription:Subscription",
            "Pub/Sub dead-letter subscription": "gcp:pubsub/subscription:Subscription",
            "Pub/Sub topic": "gcp:pubsub/topic:Topic", "Pub/Sub dead-letter topic": "gcp:pubsub/topic:Topic",
            "IAM member": ("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
                           "gcp:pubsub/topicIAMMember:TopicIAMMember"),
            "Cloud Monitoring alert policy": "gcp:monitoring/alertPolicy:AlertPolicy"},
}


def changed_resources(base_path, head_path, cloud) -> dict:
    """URN -> (type, the resource's string inputs) for every resource a deployment of head over base touches."""
    a = {r.urn: r for r in engine.run(str(base_path), cloud).resources}
    b = {r.urn: r for r in engine.run(str(head_path), cloud).resources}
    out = {}
    for urn in a.keys() | b.keys():
        r = b.get(urn) or a[urn]
        if urn not in a or urn not in b or a[urn].inputs != b[urn].inputs:
            names = {v for x in (a.get(urn), b.get(urn)) if x for v in x.inputs.values() if isinstance(v, str)}
            out[urn] = (r.type, names | {r.name})
    return out


def _matches(name: str, names: set) -> bool:
    """Whether an action's name is one of a resource's names: its inputs (a URL or ARN ending in it), or for the
    names diff joins -- 'topic -> queue' (an SNS subscription), 'subscription: member' (a GCP IAM member) -- a part."""
    parts = {name, *name.split(" -> "), name.split(": ")[0]}
    if " may " in name:  # an Azure role assignment, 'svc may receive on orders': its description says it, with the
        svc, _, rest = name.partition(" may ")  # kind of entity ('topowire: svc may receive on queue-orders')
        role, _, entity = rest.partition(" on ")
        if any(v.startswith(f"topowire: {svc} may {role} on ") and v.endswith("-" + entity) for v in names):
            return True
    if "/" in name and all(p in names for p in name.split("/") if p != "$Default"):  # topic/subscription/rule
        return True
    return any(p in names or any(v.endswith("/" + p) or v.endswith(":" + p) for v in names) for p in parts)


def _is(kind_types, typ: str) -> bool:
    return typ == kind_types or (isinstance(kind_types, tuple) and typ in kind_types)


def disagreement(base_path, head_path, cloud) -> tuple:
    """(resources the plan changes that the diff does not list, actions the diff lists that the plan does not
    have), for the resource types the diff knows on ``cloud``."""
    base, _ = load_topology(str(base_path), warnings=False)
    head, _ = load_topology(str(head_path), warnings=False)
    _, actions = impact.all_actions(base, head)
    actions = [a for a in actions if a.cloud == cloud]
    types = TYPES[cloud]
    known = {t for v in types.values() for t in (v if isinstance(v, tuple) else (v,))}
    changed = {u: v for u, v in changed_resources(base_path, head_path, cloud).items() if v[0] in known}
    missing = sorted(f"{t} {u.rsplit('::', 1)[-1]}" for u, (t, names) in changed.items()
                     if not any(_is(types.get(a.kind), t) and _matches(a.name, names) for a in actions))
    # A dependent that follows a replaced resource (a GCP grant on a replaced subscription) keeps its inputs: the mock
    # engine cannot show a replacement cascade, which comes from the provider (docs/<cloud>.md cites it).
    extra = sorted(f"{a.action} {a.kind} {a.name}" for a in actions if "which is replaced" not in a.reason
                   and not any(_is(types.get(a.kind), t) and _matches(a.name, names) for t, names in changed.values()))
    return missing, extra
