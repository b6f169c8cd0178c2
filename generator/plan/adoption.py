"""What the first `pulumi up` of a plan that adopts existing resources adds or changes, each marked harmless or not.

A resource with an import id (``PlannedResource.import_id``) is adopted: Pulumi reads it and takes it over with no
change (its inputs equal the live attributes; the inputs the format cannot state are in ``ignore_changes`` and keep
their live value). Everything else in such a plan is created by the first `pulumi up`; this module says what each
type of creation does to what runs.
"""

from __future__ import annotations

from dataclasses import dataclass

# type -> (harmless, what creating it does next to adopted resources)
EFFECTS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": (True, "a new alarm on a dead-letter queue: it only reads metrics"),
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (
        True, "sets which queues may dead-letter into the DLQ: its own source queue only"),
    "aws:iam/policy:Policy": (True, "a new managed policy: it grants nothing until attached"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
        True, "attaches the service's least-privilege policy to its role: adds rights, removes none"),
    "aws:sqs/queuePolicy:QueuePolicy": (
        False, "sets the queue's access policy, replacing the one it has: topowire's denies requests without TLS and "
               "lets only its topic send; review the live policy (aws sqs get-queue-attributes --attribute-names "
               "Policy) for other grants first"),
    "aws:sns/topicPolicy:TopicPolicy": (
        False, "sets the topic's access policy, replacing the one it has: topowire's keeps the owner's rights and "
               "denies requests without TLS; review the live policy for cross-account publishers first"),
    "aws:sqs/queue:Queue": (True, "a new, empty queue: nothing that runs uses it yet"),
    "aws:sns/topic:Topic": (True, "a new topic: nothing that runs publishes to it yet"),
    "aws:sns/topicSubscription:TopicSubscription": (
        False, "a new subscription: if one already delivers to this queue, each message arrives twice; adopt it "
               "(adopt.aws.subscriptions.<service>.arn) instead"),
    "azure-native:monitor:MetricAlert": (True, "a new alert on dead-lettered messages: it only reads metrics"),
    "azure-native:authorization:RoleAssignment": (
        True, "grants the service's Data Sender / Receiver role on exactly its entities: adds rights, removes none"),
    "azure-native:managedidentity:UserAssignedIdentity": (
        True, "a new identity for a service the file names no principal for (identity.azure_principal_id): it holds "
              "only its own role assignments until the service's compute runs as it (AZURE_CLIENT_ID)"),
    "azure-native:servicebus:Queue": (True, "a new, empty queue: nothing that runs uses it yet"),
    "azure-native:servicebus:Topic": (True, "a new topic: nothing that runs publishes to it yet"),
    "azure-native:servicebus:Subscription": (
        True, "a new subscription: it receives copies of what the topic gets from now on; nothing reads it yet"),
    "azure-native:servicebus:DefaultRule": (True, "the $Default rule of a new subscription"),
    "gcp:pubsub/topic:Topic": (True, "a new topic: nothing that runs publishes to it yet"),
    "gcp:pubsub/subscription:Subscription": (
        True, "a new subscription: it receives what the topic gets from now on; nothing reads it yet"),
    "gcp:pubsub/topicIAMMember:TopicIAMMember": (
        True, "adds one member to the topic's IAM policy (a merge: a no-op if it is there): removes none"),
    "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember": (
        True, "adds one member to the subscription's IAM policy (a merge: a no-op if it is there): removes none"),
    "gcp:serviceaccount/account:Account": (True, "a new service account: it holds only what topowire grants it"),
    "gcp:projects/serviceIdentity:ServiceIdentity": (True, "makes sure the project's Pub/Sub service agent exists"),
    "gcp:monitoring/alertPolicy:AlertPolicy": (True, "a new alert policy: it only reads metrics"),
}
UNKNOWN = (False, "a resource topowire has no note for: review it")


@dataclass(frozen=True)
class Change:
    resource: str  # the Pulumi name
    type: str
    action: str  # "import" | "create"
    harmless: bool
    note: str

    def as_dict(self) -> dict:
        return {"resource": self.resource, "type": self.type, "action": self.action, "harmless": self.harmless,
                "note": self.note}


def adopts(plan) -> bool:
    return any(r.import_id for r in plan.resources)


def resource_notes(plan, root=None) -> dict:
    """Pulumi name -> (harmless, note) for created resources whose effect depends on what the file adopts, beyond
    their type: on Azure, a role assignment beside a live one of another role, or one Azure may refuse (409
    RoleAssignmentExists, clouds/azure/imports.assignment_notes). Reads the topology again, only then."""
    if plan.cloud != "azure" or not adopts(plan) or not any(
            r.type == "azure-native:authorization:RoleAssignment" and not r.import_id for r in plan.resources):
        return {}
    from ..check import load_topology
    from ..clouds.azure import imports

    topo, _warnings = load_topology(plan.file, clouds=("azure",), warnings=False, stack=plan.stack, root=root)
    return imports.assignment_notes(topo)


def first_up(plan, notes: dict | None = None) -> list:
    """Every custom resource of ``plan``, imported or created, sorted by name; [] when nothing is adopted.
    ``notes`` (``resource_notes``) says more than the type of some created resources."""
    if not adopts(plan):
        return []
    notes = notes or {}
    out = []
    for r in plan.resources:
        if not r.custom or r.type.startswith("pulumi:"):
            continue
        if r.import_id:
            kept = ", ".join(r.ignore_changes)
            out.append(Change(r.name, r.type, "import", True,
                              "adopted with no change" + (f"; keeps the live {kept}" if kept else "")))
        else:
            harmless, note = notes.get(r.name) or EFFECTS.get(r.type, UNKNOWN)
            out.append(Change(r.name, r.type, "create", harmless, note))
    return sorted(out, key=lambda c: (c.action, not c.harmless, c.resource))


def text(changes: list) -> list:
    """Lines for the text plan."""
    if not changes:
        return []
    imported = sum(1 for c in changes if c.action == "import")
    review = [c for c in changes if not c.harmless]
    lines = ["", f"First `pulumi up`: {imported} resources adopted with no change (never replaced), "
                 f"{len(changes) - imported} created, {len(review)} to review:"]
    for c in changes:
        if c.action == "create":
            mark = "harmless" if c.harmless else "REVIEW"
            lines.append(f"  + {c.resource} ({c.type}) [{mark}]: {c.note}")
    return lines
