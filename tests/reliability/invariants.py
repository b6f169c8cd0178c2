"""Properties every plan must have, whatever the topology: consistency, security, no message lost.

Used by test_properties.py (generated topologies) and test_guarantees.py (the repository's files).
"""

from __future__ import annotations

import json
import re

from generator.clouds.aws import spec as aws_spec
from generator.clouds.azure import spec as azure_spec
from generator.clouds.gcp import spec as gcp_spec
from generator.clouds.gcp.mock import PROJECT_NUMBER

AWS_ACTIONS = {"sqs:SendMessage", "sns:Publish", "sqs:ReceiveMessage", "sqs:DeleteMessage",
               "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "kms:Decrypt", "kms:GenerateDataKey"}
AZURE_ROLES = {azure_spec.SENDER_ROLE, azure_spec.RECEIVER_ROLE}
GCP_ROLES = {gcp_spec.PUBLISHER, gcp_spec.SUBSCRIBER}
# The claim-check storage of large payloads: object rights only, never a bucket's or an account's own.
S3_PAYLOAD_ACTIONS = {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
AZURE_BLOB_ROLES = {azure_spec.BLOB_CONTRIBUTOR_ROLE, azure_spec.BLOB_READER_ROLE}
GCP_OBJECT_ROLES = {gcp_spec.OBJECT_CREATOR, gcp_spec.OBJECT_USER, gcp_spec.OBJECT_VIEWER}
AGENT = f"serviceAccount:service-{PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com"
SECRETS = re.compile(r"AccountKey=|SharedAccessKey|-----BEGIN|aws_secret_access_key|AKIA[0-9A-Z]{16}|"
                     r"\"privateKey\"|password", re.I)


def consistent(plan, topo) -> None:
    """Every consumer has its queue or subscription; every enabled DLQ exists and keeps messages;
    names are unique and within the cloud's limits."""
    {"aws": _aws, "azure": _azure, "gcp": _gcp}[plan.cloud](plan, topo)
    key = {"aws:sqs/queue:Queue": "name", "aws:sns/topic:Topic": "name", "azure-native:servicebus:Queue": "queueName",
           "azure-native:servicebus:Topic": "topicName", "gcp:pubsub/topic:Topic": "name",
           "gcp:pubsub/subscription:Subscription": "name"}
    names = [(r.type, r.inputs[key[r.type]]) for r in plan.resources if r.type in key]
    names += [(r.type, r.inputs["topicName"], r.inputs["subscriptionName"])
              for r in plan.by_type("azure-native:servicebus:Subscription")]
    assert len(names) == len(set(names)), "duplicate physical names"


def _aws(plan, topo):
    queues = {r.inputs["name"]: r.inputs for r in plan.by_type("aws:sqs/queue:Queue")}
    subs = {r.inputs["endpoint"]: r.inputs for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription")}
    arn = {r.inputs["name"]: r.outputs["arn"] for r in plan.by_type("aws:sqs/queue:Queue")}
    stores = [(aws_spec.queue_name(topo, q), q.settings) for q in topo.queues.values()]
    for c in topo.all_consumers():
        if c.kind == "topic":
            name = aws_spec.subscription_queue_name(topo, topo.topics[c.channel], c.service)
            stores.append((name, c.settings))
            assert arn[name] in subs, f"no SNS subscription feeds {name}"
            # what SNS cannot deliver goes to the subscription's DLQ, never dropped
            assert json.loads(subs[arn[name]]["redrivePolicy"]) == {"deadLetterTargetArn": arn[aws_spec.dlq_name(name)]}
    for name, s in stores:
        assert name in queues and len(name) <= 80
        if s.dead_letter.enabled:
            dlq = queues[aws_spec.dlq_name(name)]
            assert dlq["messageRetentionSeconds"] >= queues[name]["messageRetentionSeconds"]
            assert json.loads(queues[name]["redrivePolicy"])["deadLetterTargetArn"] == arn[aws_spec.dlq_name(name)]


def _azure(plan, topo):
    queues = {r.inputs["queueName"] for r in plan.by_type("azure-native:servicebus:Queue")}
    subs = {(r.inputs["topicName"], r.inputs["subscriptionName"]) for r in plan.by_type("azure-native:servicebus:Subscription")}
    for q in topo.queues.values():
        assert azure_spec.entity_name(topo, q) in queues
    for c in topo.all_consumers():
        if c.kind == "topic":
            key = (azure_spec.entity_name(topo, topo.topics[c.channel]), azure_spec.subscription_name(topo, c.service))
            assert key in subs and len(key[1]) <= 50
    # Service Bus always dead-letters after maxDeliveryCount: dead_letter: false retries as long as Azure allows
    entities = {r.inputs.get("queueName") or (r.inputs["topicName"], r.inputs["subscriptionName"]): r.inputs
                for r in plan.by_type("azure-native:servicebus:Queue") + plan.by_type("azure-native:servicebus:Subscription")}
    stores = [(azure_spec.entity_name(topo, q), q.settings) for q in topo.queues.values()]
    stores += [((azure_spec.entity_name(topo, topo.topics[c.channel]), azure_spec.subscription_name(topo, c.service)),
                c.settings) for c in topo.all_consumers() if c.kind == "topic"]
    for key, s in stores:
        want = s.dead_letter.max_receive_count if s.dead_letter.enabled else azure_spec.DELIVERY_MAX
        assert entities[key]["maxDeliveryCount"] == want, key
    # to or from Premium is a new namespace: the program replaces it, as diff says
    for r in plan.by_type("azure-native:servicebus:Namespace"):
        assert r.replace_on_changes == ["sku.capacity"] and r.delete_before_replace
        assert ("capacity" in r.inputs["sku"]) is (r.inputs["sku"]["tier"] == "Premium")


def _gcp(plan, topo):
    subs = {r.inputs["name"]: r.inputs for r in plan.by_type("gcp:pubsub/subscription:Subscription")}
    topics = {r.inputs["name"] for r in plan.by_type("gcp:pubsub/topic:Topic")}
    grants = {(r.inputs.get("topic") or r.inputs.get("subscription"), r.inputs["role"], r.inputs["member"])
              for t in ("gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
              for r in plan.by_type(t)}
    stores = [(gcp_spec.queue_subscription_id(topo, q), q.settings) for q in topo.queues.values()]
    stores += [(gcp_spec.topic_subscription_id(topo, topo.topics[c.channel], c.service), c.settings)
               for c in topo.all_consumers() if c.kind == "topic"]
    for sub, s in stores:
        assert sub in subs and 3 <= len(sub) <= 255
        if s.dead_letter.enabled:
            dlq = gcp_spec.dead_letter_id(sub)
            assert dlq in topics and dlq in subs, f"{dlq} has no subscription: Pub/Sub would drop its messages"
            assert _seconds(subs[dlq]["messageRetentionDuration"]) >= _seconds(subs[sub]["messageRetentionDuration"])
            assert (dlq, gcp_spec.PUBLISHER, AGENT) in grants and (sub, gcp_spec.SUBSCRIBER, AGENT) in grants
    # fifo: ordering and exactly-once delivery on the subscription itself
    for sub, fifo in [(gcp_spec.queue_subscription_id(topo, q), q.fifo) for q in topo.queues.values()] + \
            [(gcp_spec.topic_subscription_id(topo, topo.topics[c.channel], c.service), topo.topics[c.channel].fifo)
             for c in topo.all_consumers() if c.kind == "topic"]:
        assert bool(subs[sub].get("enableExactlyOnceDelivery")) is fifo is bool(subs[sub].get("enableMessageOrdering"))
    # every dead-letter alert fits alert.proto: filters of at most 2,048 characters, one to six conditions, and
    # every dead-letter subscription named exactly once
    named = []
    for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy"):
        assert 1 <= len(r.inputs["conditions"]) <= 6, r.name
        for c in r.inputs["conditions"]:
            flt = c["conditionThreshold"]["filter"]
            assert len(flt) <= 2048, r.name
            named += re.findall(r'"([^"]+)"', flt.partition("one_of(")[2])
    dlqs = sorted(gcp_spec.dead_letter_id(sub) for sub, s in stores if s.dead_letter.enabled)
    assert sorted(named) == (dlqs if plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy") else []), named


def _seconds(text: str) -> int:
    return int(text.rstrip("s"))


def secure(plan, topo) -> None:
    """Least privilege, TLS only, encrypted by default, no secret exported."""
    if plan.cloud == "aws":
        for r in plan.by_type("aws:iam/policy:Policy"):
            for st in json.loads(r.inputs["policy"])["Statement"]:
                assert st["Effect"] == "Allow"
                if set(st["Action"]) & S3_PAYLOAD_ACTIONS:
                    # one channel's prefix of one payload bucket: arn:aws:s3:::<bucket>/<channel>/*, nothing wider
                    assert set(st["Action"]) <= S3_PAYLOAD_ACTIONS, st
                    prefixes = {f"arn:aws:s3:::{loc[0]}/{loc[1]}*" for c in _offloading(topo)
                                for loc in [aws_spec.payload_location(topo, c)]}
                    assert set(st["Resource"]) <= prefixes, (st, prefixes)
                    continue
                assert set(st["Action"]) <= AWS_ACTIONS
                assert not [x for x in st["Action"] + st["Resource"] if "*" in x], st
        for r in plan.by_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
            assert all(r.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                      "restrictPublicBuckets")), r.name
        for r in plan.by_type("aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
            assert r.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced", r.name
        for r in plan.by_type("aws:s3/bucketPolicy:BucketPolicy"):
            assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                       for s in json.loads(r.inputs["policy"])["Statement"]), r.name
        buckets = plan.by_type("aws:s3/bucket:Bucket")
        assert len(buckets) == len(aws_spec.payload_buckets(topo))
        for kind in ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketPolicy:BucketPolicy",
                     "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"):
            assert len(plan.by_type(kind)) == len(buckets), kind
        for r in plan.by_type("aws:sqs/queuePolicy:QueuePolicy"):
            statements = json.loads(r.inputs["policy"])["Statement"]
            assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                       for s in statements)
            for s in statements:
                if s["Effect"] == "Allow":
                    assert s["Principal"] == {"Service": "sns.amazonaws.com"} and "aws:SourceArn" in str(s["Condition"])
        stores, topics = store_settings(plan.cloud, topo), _aws_topic_encryption(topo)
        for r in plan.by_type("aws:sqs/queue:Queue"):
            enc = stores[r.inputs["name"]].encryption  # this queue's own entity decides, not any other
            if enc.mode == "none":
                assert not r.inputs.get("sqsManagedSseEnabled") and not r.inputs.get("kmsMasterKeyId"), r.name
            elif enc.mode == "kms":
                assert r.inputs.get("kmsMasterKeyId") == enc.kms_key, f"{r.name} is not encrypted with {enc.kms_key}"
            else:
                assert r.inputs.get("sqsManagedSseEnabled") is True, f"{r.name} is not encrypted"
        for r in plan.by_type("aws:sns/topic:Topic"):
            enc = topics[r.inputs["name"]]
            if enc.mode == "none":
                assert not r.inputs.get("kmsMasterKeyId"), r.name
            else:
                assert r.inputs.get("kmsMasterKeyId"), f"{r.name} is not encrypted"
                assert enc.mode != "kms" or r.inputs["kmsMasterKeyId"] == enc.kms_key, r.name
        topic_policies = {p.inputs["arn"]: json.loads(p.inputs["policy"])["Statement"]
                          for p in plan.by_type("aws:sns/topicPolicy:TopicPolicy")}
        for r in plan.by_type("aws:sns/topic:Topic"):
            statements = topic_policies[r.outputs["arn"]]
            assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                       for s in statements)
            # the policy replaces SNS's default: the owner's account keeps its rights
            assert any(s["Sid"] == "__default_statement_ID" and s["Effect"] == "Allow" for s in statements)
    elif plan.cloud == "azure":
        [ns] = plan.by_type("azure-native:servicebus:Namespace")
        assert ns.inputs["minimumTlsVersion"] == "1.2" and ns.inputs["disableLocalAuth"] is True
        assert not [r for r in plan.resources if "AuthorizationRule" in r.type]
        for r in plan.by_type("azure-native:authorization:RoleAssignment"):
            role, scope = r.inputs["roleDefinitionId"].rsplit("/", 1)[1], r.inputs["scope"]
            if role in AZURE_BLOB_ROLES:  # one channel's payload container, never the account
                assert "/providers/Microsoft.Storage/storageAccounts/" in scope and "/containers/" in scope, scope
                continue
            assert role in AZURE_ROLES
            # an entity, never the namespace or anything wider
            assert "/providers/Microsoft.ServiceBus/namespaces/" in scope and ("/queues/" in scope or "/topics/" in scope)
        for r in plan.by_type("azure-native:storage:StorageAccount"):
            assert r.inputs["enableHttpsTrafficOnly"] is True and r.inputs["minimumTlsVersion"] == "TLS1_2"
            assert r.inputs["allowBlobPublicAccess"] is False and r.inputs["allowSharedKeyAccess"] is False
        for r in plan.by_type("azure-native:storage:BlobContainer"):
            assert r.inputs.get("publicAccess", "None") == "None", r.name
    else:
        for t in ("gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember"):
            for r in plan.by_type(t):
                assert r.inputs["role"] in GCP_ROLES
        assert not [r for r in plan.resources if "projectIam" in r.type or "ProjectIam" in r.type]
        for r in plan.by_type("gcp:storage/bucketIAMMember:BucketIAMMember"):  # objects under one prefix only
            assert r.inputs["role"] in GCP_OBJECT_ROLES
            assert r.inputs["condition"]["expression"].startswith('resource.name.startsWith("projects/_/buckets/')
        for r in plan.by_type("gcp:storage/bucket:Bucket"):
            assert r.inputs["uniformBucketLevelAccess"] is True and r.inputs["publicAccessPrevention"] == "enforced"
    assert not SECRETS.search(json.dumps(plan.outputs)), "a secret in the stack outputs"


def _offloading(topo) -> list:
    from generator.payloads import offloading

    return offloading(topo)


def store_settings(cloud: str, topo) -> dict:
    """Physical name of every store of messages (queue, subscription, dead-letter queue) -> the Settings of
    the entity it belongs to, through the cloud's own naming functions. Azure subscriptions are keyed by
    ``(topicName, subscriptionName)``. A dead-letter store has its source's settings."""
    out = {}
    if cloud == "aws":
        for q in topo.queues.values():
            out[aws_spec.queue_name(topo, q)] = q.settings
        out.update({aws_spec.dlq_name(n): s for n, s in list(out.items()) if s.dead_letter.enabled})
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                name = aws_spec.subscription_queue_name(topo, t, c.service)
                out[name] = out[aws_spec.dlq_name(name)] = c.settings  # SNS's DLQ exists even without dead_letter
    elif cloud == "azure":
        for q in topo.queues.values():
            out[azure_spec.entity_name(topo, q)] = q.settings
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                out[(azure_spec.entity_name(topo, t), azure_spec.subscription_name(topo, c.service))] = c.settings
    else:
        for q in topo.queues.values():
            out[gcp_spec.queue_subscription_id(topo, q)] = q.settings
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                out[gcp_spec.topic_subscription_id(topo, t, c.service)] = c.settings
        out.update({gcp_spec.dead_letter_id(n): s for n, s in list(out.items()) if s.dead_letter.enabled})
    return out


def _aws_topic_encryption(topo) -> dict:
    return {aws_spec.topic_name(topo, t): t.encryption for t in topo.topics.values()}


def protected_by_default(plan, topo) -> None:
    """Whatever holds messages is protected exactly when its own entity says so (protect: true by default):
    one ``protect: false`` elsewhere in the file changes nothing for the others."""
    stores = store_settings(plan.cloud, topo)
    holding = {"aws:sqs/queue:Queue": lambda i: i["name"], "azure-native:servicebus:Queue": lambda i: i["queueName"],
               "azure-native:servicebus:Subscription": lambda i: (i["topicName"], i["subscriptionName"]),
               "gcp:pubsub/subscription:Subscription": lambda i: i["name"]}
    seen = 0
    for r in plan.resources:
        if r.type in holding:
            key = holding[r.type](r.inputs)
            assert key in stores, f"{r.type} {r.name}: no entity of the topology owns {key}"
            assert r.protect is stores[key].protect, \
                f"{r.type} {r.name} protect={r.protect}, its entity says protect: {stores[key].protect}"
            seen += 1
    assert seen >= len(stores), "a store of messages of the topology is missing from the plan"


RECEIVE = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


def granted_and_notified(plan, topo) -> None:
    """Issue 29: what a plan grants and where its alarms go are the stack's own.

    - every queue URL, dead-letter queue URL or subscription a service is given in its environment, it may
      receive from (and delete from) under its own identity;
    - the identities granted are exactly the stack's (``environments.<stack>.services.<name>.identity`` over
      the service's), and a service without an AWS role gets its policy attached to no role;
    - every dead-letter alarm notifies the file's target for the stack (``clouds.<cloud>`` of its environment
      over the top-level ones), or nobody when the file says ``none``;
    - no queue SNS delivers to is encrypted with an AWS managed key (SNS could never use it).
    """
    {"aws": _aws_granted, "azure": _azure_granted, "gcp": _gcp_granted}[plan.cloud](plan, topo)


def _aws_granted(plan, topo):
    arn = {r.inputs["name"]: r.outputs["arn"] for r in plan.by_type("aws:sqs/queue:Queue")}
    policies = {r.inputs["name"]: (r.outputs["arn"], json.loads(r.inputs["policy"])["Statement"])
                for r in plan.by_type("aws:iam/policy:Policy")}
    attached = {(r.inputs["role"], r.inputs["policyArn"])
                for r in plan.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    for s in topo.services.values():
        env = plan.outputs["services"][s.name]["env"]
        name = aws_spec.policy_name(topo, s.name)
        urls = [v for k, v in env.items() if k.endswith(("_QUEUE_URL", "_DLQ_URL"))
                and (k.endswith("_DLQ_URL") or any(c.channel.upper().replace("-", "_") + "_QUEUE_URL" == k
                                                   for c in s.consumes))]
        for url in urls:
            queue = arn[url.rsplit("/", 1)[1]]
            actions = {a for st in policies[name][1] if queue in st["Resource"] for a in st["Action"]}
            assert RECEIVE <= actions, f"service '{s.name}' is given {url} but may not receive from it: {actions}"
        # its access policy and its large payloads' policy: attached to the stack's role, or to none
        for own in (name, aws_spec.payload_policy_name(topo, s.name)):
            if own in policies:
                role = s.identity.aws_role
                want = {(aws_spec.role_name(role), policies[own][0])} if role else set()
                assert {a for a in attached if a[1] == policies[own][0]} == want, \
                    f"service '{s.name}': its policy {own} is attached to {attached}, the stack's role is {role}"
    target = topo.clouds.aws_alarm_topic
    for r in plan.by_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        assert r.inputs.get("alarmActions") == ([target] if target else None), f"{r.name} notifies the wrong target"
    fed = {r.inputs["endpoint"] for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription")}
    fed |= {json.loads(r.inputs["redrivePolicy"])["deadLetterTargetArn"]
            for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription")}
    for r in plan.by_type("aws:sqs/queue:Queue"):
        if r.outputs["arn"] in fed:
            assert not aws_spec.aws_managed_key(r.inputs.get("kmsMasterKeyId") or ""), \
                f"{r.name}: SNS cannot deliver to a queue encrypted with an AWS managed key"


def _azure_granted(plan, topo):
    principals = {r.inputs["principalId"] for r in plan.by_type("azure-native:authorization:RoleAssignment")}
    created = {r.inputs["resourceName"]: r.outputs
               for r in plan.by_type("azure-native:managedidentity:UserAssignedIdentity")}
    want = set()
    for s in topo.services.values():
        out = plan.outputs["services"][s.name]
        if s.identity.azure_principal_id:  # the stack's given principal; nothing created
            assert "identity" not in out and "AZURE_CLIENT_ID" not in out["env"], s.name
            principal = s.identity.azure_principal_id
        else:  # local auth is off: without an identity of its own the service could do nothing
            identity = created[f"{topo.prefix}-{s.deployed_name}"]
            assert out["identity"]["principal_id"] == identity["principalId"], s.name
            assert out["env"]["AZURE_CLIENT_ID"] == identity["clientId"], s.name
            principal = identity["principalId"]
        if s.publishes or s.consumes:
            want.add(principal)
    assert principals == want, principals
    # a receiver's role on its queue or subscription covers its dead-letter sub-queue ($DeadLetterQueue is part
    # of the entity, not an ARM resource of its own): no dead-letter variable needs a grant of its own
    for s in topo.services.values():
        assert not [k for k in plan.outputs["services"][s.name]["env"] if "DLQ" in k or "DEAD" in k]
    group = topo.clouds.azure_action_group
    for r in plan.by_type("azure-native:monitor:MetricAlert"):
        assert r.inputs.get("actions") == ([{"actionGroupId": group}] if group else None), r.name


def _gcp_granted(plan, topo):
    members = {(r.inputs["subscription"], r.inputs["member"])
               for r in plan.by_type("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")}
    for s in topo.services.values():
        out = plan.outputs["services"][s.name]
        if s.identity.gcp_service_account:
            assert out["service_account"] == s.identity.gcp_service_account, s.name
        member = f"serviceAccount:{out['service_account']}"
        for key, value in out["env"].items():
            if key.endswith("_SUBSCRIPTION"):  # <CH>_SUBSCRIPTION and <CH>_DLQ_SUBSCRIPTION
                assert (value.rsplit("/", 1)[1], member) in members, f"service '{s.name}' may not read {value}"
    channels = list(topo.clouds.gcp_notification_channels) or None
    for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy"):
        assert r.inputs.get("notificationChannels") == channels, r.name
