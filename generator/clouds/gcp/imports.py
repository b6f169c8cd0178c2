"""The Pulumi import ids of what a stack adopts on Pub/Sub, and the inputs an adopted resource keeps live.

Pure Python (the program and `drift` use it). pulumi-gcp imports a topic as ``projects/{{project}}/topics/{{name}}``
and a subscription as ``projects/{{project}}/subscriptions/{{name}}`` (pulumi_gcp/pubsub/topic.py and
subscription.py, "Import"); ``accounts.gcp.project`` says the project.
"""

from __future__ import annotations

import re

from . import spec

# a user-managed service account email, as clouds/gcp/principals.py takes one; \Z: JSON Schema's '$' lets a final
# newline through, and an import id is space-delimited
_EMAIL = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]{1,200}\.iam\.gserviceaccount\.com\Z")

# What the format cannot state, or the program sets only on what it creates: an adopted resource keeps its live
# value (ignoreChanges sends the imported one). enableMessageOrdering replaces a subscription (the program's
# IMMUTABLE): kept, so adoption never replaces one; a filter is kept unless the file states one.
TOPIC_KEPT = ("labels", "messageRetentionDuration", "messageStoragePolicy", "kmsKeyName", "schemaSettings",
              "ingestionDataSourceSettings", "messageTransforms")
SUBSCRIPTION_KEPT = ("labels", "retryPolicy", "expirationPolicy", "enableExactlyOnceDelivery", "pushConfig",
                     "bigqueryConfig", "cloudStorageConfig", "retainAckedMessages", "enableMessageOrdering",
                     "messageTransforms")
DLQ_SUBSCRIPTION_KEPT = SUBSCRIPTION_KEPT + ("ackDeadlineSeconds", "filter", "deadLetterPolicy")


def project(topo) -> str | None:
    acc = topo.accounts.get(spec.CLOUD)
    return acc["project"] if acc else None


def topic_path(project_id: str, topic_id: str) -> str:
    return f"projects/{project_id}/topics/{topic_id}"


def subscription_path(project_id: str, sub_id: str) -> str:
    return f"projects/{project_id}/subscriptions/{sub_id}"


def _adopted(channel):
    return channel.adopt.get(spec.CLOUD)


def adopted_store(channel, service: str | None) -> dict:
    """{"name", "dead_letter"} a queue (service None) or a topic consumer keeps, each may be missing."""
    a = _adopted(channel)
    if not a:
        return {}
    if service is None:
        return {k: v for k, v in (("name", a.subscription), ("dead_letter", a.dead_letter)) if v}
    return dict(a.subscriptions.get(service) or {})


def topic_import_id(topo, channel) -> str | None:
    a, p = _adopted(channel), project(topo)
    return topic_path(p, spec.topic_id(topo, channel)) if a and a.name and p else None


def store_import_ids(topo, channel, service: str | None, sub_id: str) -> tuple:
    """(subscription, dead-letter topic, dead-letter subscription) import ids, each None unless adopted."""
    kept, p = adopted_store(channel, service), project(topo)
    if not p:
        return None, None, None
    dlq = kept.get("dead_letter")
    return (subscription_path(p, sub_id) if kept.get("name") else None,
            topic_path(p, dlq) if dlq else None, subscription_path(p, dlq) if dlq else None)


def dead_letter_id(topo, channel, service: str | None, sub_id: str) -> str:
    """The dead-letter topic (and keeping subscription) id: the adopted one, else ``<sub>-dlq``."""
    return spec.store_dead_letter_id(channel, service, sub_id)


def subscription_kept(flt) -> tuple:
    return SUBSCRIPTION_KEPT if flt else SUBSCRIPTION_KEPT + ("filter",)


def _member_id(resource: str, role: str, email: str) -> str:
    """pulumi-gcp's (the Google provider's) IAM member import id: ``<resource> <role> <member>``, space-delimited
    (pulumi_gcp/pubsub/topic_iam_member.py "Import"; terraform-provider-google tpgiamresource/resource_iam_member.go
    ``iamMemberImport``: three fields for an unconditional member)."""
    return f"{resource} {role} serviceAccount:{email}"


def _importable(email) -> bool:
    return isinstance(email, str) and bool(_EMAIL.match(email))


def publisher_import_id(topo, channel, email: str | None) -> str | None:
    """The import id of ``email``'s roles/pubsub.publisher member on the channel's topic when ``adopt.gcp.publishers``
    says it exists (and the topic is adopted), else None: the program creates it."""
    a, p = _adopted(channel), project(topo)
    if not (a and a.name and p and _importable(email)) or email not in a.publishers:
        return None
    return _member_id(topic_path(p, spec.topic_id(topo, channel)), spec.PUBLISHER, email)


def subscriber_import_id(topo, channel, service: str | None, email: str | None, sub_id: str) -> str | None:
    """The import id of ``email``'s roles/pubsub.subscriber member on subscription ``sub_id`` (a queue's: ``service``
    None) when ``adopt.gcp.subscribers`` (or ``subscriptions.<service>.subscribers``) says it exists, else None."""
    a, p = _adopted(channel), project(topo)
    if not (a and p and _importable(email)):
        return None
    kept = adopted_store(channel, service)
    members = a.subscribers if service is None else tuple(kept.get("subscribers") or ())
    if not kept.get("name") or email not in members:
        return None
    return _member_id(subscription_path(p, sub_id), spec.SUBSCRIBER, email)
