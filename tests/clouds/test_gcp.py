"""The Google Pub/Sub program under Pulumi's mock engine, point by point."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CASES, EXAMPLES, ROOT
from generator.check import load_topology
from generator.clouds.gcp.mock import PROJECT, PROJECT_NUMBER
from generator.plan import engine

FILES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "gcp" / "full.yaml"]
TOPIC, SUB = "gcp:pubsub/topic:Topic", "gcp:pubsub/subscription:Subscription"
AGENT = f"serviceAccount:service-{PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com"


@lru_cache(maxsize=None)
def plan_of(path):
    return engine.run(str(path), "gcp")


def topo_of(path):
    return load_topology(path)[0]


def _id(topo, *parts):
    """The naming docs/gcp.md documents, written here (not taken from gcp_spec): ``<prefix>-<channel>[-<service>]``."""
    return "-".join((topo.prefix, *parts))


def _account(topo, service):
    """``<prefix>-<service>`` when it has 6..30 characters (the fixtures' do; shortening is tested apart)."""
    full = _id(topo, topo.deployed(service))
    assert 6 <= len(full) <= 30, full
    return full


def _filter(flt):
    """The Pub/Sub filter of the fixtures' filters, written here: attributes.k = "v", OR within, AND across."""
    def q(v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    parts = [" OR ".join(f"attributes.{a} = {q(v)}" for v in values) for a, values in flt]
    return " AND ".join(p if len(values) == 1 else f"({p})" for p, (_, values) in zip(parts, flt))


def stores(topo):
    """(subscription id, topic id, settings, fifo, filter) of every subscription the topology needs."""
    out = []
    for q in topo.queues.values():
        out.append((_id(topo, q.deployed_name), _id(topo, q.deployed_name), q.settings, q.fifo, None))
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            out.append((_id(topo, t.deployed_name, topo.deployed(c.service)), _id(topo, t.deployed_name), c.settings,
                        t.fifo, c.filter))
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_subscriptions_carry_their_settings(path):
    plan, topo = plan_of(path), topo_of(path)
    subs = {r.inputs["name"]: r for r in plan.by_type(SUB)}
    for sub_id, topic_id, s, fifo, flt in stores(topo):
        r = subs[sub_id]
        i = r.inputs
        assert i["topic"] == f"projects/{PROJECT}/topics/{topic_id}"
        assert i["ackDeadlineSeconds"] == min(max(s.visibility_timeout, 10), 600)
        assert i["messageRetentionDuration"] == f"{s.retention}s"
        assert i.get("enableMessageOrdering", False) is fifo
        assert i["retryPolicy"] == {"minimumBackoff": "10s", "maximumBackoff": "600s"}
        assert i["expirationPolicy"] == {"ttl": ""}          # never deleted for inactivity
        assert i.get("filter") == (_filter(flt) if flt else None)
        assert r.protect == s.protect
        if s.dead_letter.enabled:
            dlq = f"{sub_id}-dlq"
            assert i["deadLetterPolicy"] == {"deadLetterTopic": f"projects/{PROJECT}/topics/{dlq}",
                                             "maxDeliveryAttempts": min(max(s.dead_letter.max_receive_count, 5), 100)}
            keep = subs[dlq].inputs      # without a subscription on it, a dead-letter topic drops messages
            assert keep["topic"] == f"projects/{PROJECT}/topics/{dlq}"
            assert keep["messageRetentionDuration"] == f"{min(s.dead_letter.retention, 31 * 86400)}s"
            assert keep["expirationPolicy"] == {"ttl": ""}
        else:
            assert "deadLetterPolicy" not in i


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_queue_is_a_topic_with_exactly_one_subscription(path):
    plan, topo = plan_of(path), topo_of(path)
    per_topic = {}
    for r in plan.by_type(SUB):
        per_topic.setdefault(r.inputs["topic"].rsplit("/", 1)[1], []).append(r.inputs["name"])
    for q in topo.queues.values():
        assert per_topic[_id(topo, q.deployed_name)] == [_id(topo, q.deployed_name)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_service_agent_holds_both_grants_for_every_dead_letter(path):
    plan, topo = plan_of(path), topo_of(path)
    topic_grants = {(r.inputs["topic"], r.inputs["role"]) for r in plan.by_type("gcp:pubsub/topicIAMMember:TopicIAMMember")
                    if r.inputs["member"] == AGENT}
    sub_grants = {(r.inputs["subscription"], r.inputs["role"])
                  for r in plan.by_type("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
                  if r.inputs["member"] == AGENT}
    want_topics = {(f"{sub}-dlq", "roles/pubsub.publisher") for sub, _, s, _, _ in stores(topo) if s.dead_letter.enabled}
    want_subs = {(sub, "roles/pubsub.subscriber") for sub, _, s, _, _ in stores(topo) if s.dead_letter.enabled}
    assert topic_grants == want_topics and sub_grants == want_subs


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_service_agent_is_ensured_before_any_grant_to_it(path):
    plan, topo = plan_of(path), topo_of(path)
    identities = plan.by_type("gcp:projects/serviceIdentity:ServiceIdentity")
    grants = [r for t in ("gcp:pubsub/topicIAMMember:TopicIAMMember",
                          "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
              for r in plan.by_type(t) if r.inputs["member"] == AGENT]
    if not any(s.dead_letter.enabled for _, _, s, _, _ in stores(topo)):
        assert identities == [] and grants == []
        return
    [identity] = identities
    assert identity.inputs == {"project": "topowire-plan", "service": "pubsub.googleapis.com"} and not identity.protect
    assert identity.outputs["email"] == "service-482905166730@gcp-sa-pubsub.iam.gserviceaccount.com"
    assert grants and all(g.explicit_depends_on == [identity.urn] and identity.urn in g.depends_on for g in grants)
    # the service accounts' own grants do not wait for it
    others = [r for r in plan.by_type("gcp:pubsub/topicIAMMember:TopicIAMMember") if r.inputs["member"] != AGENT]
    assert others and all(r.explicit_depends_on == [] and not any("serviceIdentity" in u for u in r.depends_on) for r in others)


def test_service_agent_identity_written_out():
    plan = plan_of(CASES / "gcp" / "full.yaml")
    [identity] = plan.by_type("gcp:projects/serviceIdentity:ServiceIdentity")
    assert identity.urn == ("urn:pulumi:dev::topowire::topowire:gcp:Topology$"
                            "gcp:projects/serviceIdentity:ServiceIdentity::media-pubsub-agent")
    [grant] = [r for r in plan.by_type("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
               if r.name == "transcode-agent-subscriber"]
    assert grant.explicit_depends_on == [identity.urn] and grant.inputs["subscription"] == "media-dev-transcode"


def test_long_processing_puts_the_maximum_lease_extension_in_the_environment():
    out = plan_of(CASES / "gcp" / "full.yaml").outputs
    assert out["services"]["transcoder"]["env"]["TRANSCODE_MAX_LEASE_SECONDS"] == "900"
    assert not [k for s in out["services"].values() for k in s["env"]
                if k.endswith("_MAX_LEASE_SECONDS") and k != "TRANSCODE_MAX_LEASE_SECONDS"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_service_accounts_get_exactly_their_topics_and_subscriptions(path):
    plan, topo = plan_of(path), topo_of(path)
    accounts = {r.inputs["accountId"]: r.outputs["email"] for r in plan.by_type("gcp:serviceaccount/account:Account")}
    got = {(r.inputs["member"], r.inputs["role"], r.inputs.get("topic") or r.inputs.get("subscription"))
           for t in ("gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
           for r in plan.by_type(t) if r.inputs["member"] != AGENT}
    want = set()
    for s in topo.services.values():
        email = s.identity.gcp_service_account or accounts[_account(topo, s.name)]
        member = f"serviceAccount:{email}"
        for r in s.publishes:
            want.add((member, "roles/pubsub.publisher", _id(topo, topo.channel(r.channel).deployed_name)))
        for c in s.consumes:
            sub = _id(topo, topo.queues[c.channel].deployed_name) if c.kind == "queue" else \
                _id(topo, topo.topics[c.channel].deployed_name, s.deployed_name)
            want.add((member, "roles/pubsub.subscriber", sub))
            if (topo.queues[c.channel].settings if c.kind == "queue" else c.settings).dead_letter.enabled:
                # it is given <CH>_DLQ_SUBSCRIPTION: it may pull and acknowledge its dead letters there
                want.add((member, "roles/pubsub.subscriber", sub + "-dlq"))
    assert got == want
    created = {_account(topo, s.name) for s in topo.services.values() if not s.identity.gcp_service_account}
    assert set(accounts) == created and all(6 <= len(a) <= 30 for a in accounts)


def test_filters_and_ordering_replace_the_subscription_explicitly():
    plan = plan_of(CASES / "gcp" / "full.yaml")
    from generator.clouds.gcp import program as gcp

    assert gcp.IMMUTABLE == ["filter", "enableMessageOrdering"]
    [indexer] = [r for r in plan.by_type(SUB) if r.inputs["name"] == "media-dev-uploads-indexer"]
    assert indexer.inputs["filter"] == ('(attributes.kind = "video" OR attributes.kind = "say \\"hi\\"") AND '
                                        'attributes.region = "eu"')
    assert indexer.inputs["enableMessageOrdering"] is True


def test_labels_follow_gcp_rules():
    plan = plan_of(CASES / "gcp" / "full.yaml")
    for r in plan.by_type(TOPIC) + plan.by_type(SUB):
        assert r.inputs["labels"] == {"cost-center": "42", "team": "video_platform"}


def test_dead_letter_alert_policy():
    plan = plan_of(ROOT / "topology.yaml")
    [alert] = plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy")
    flt = alert.inputs["conditions"][0]["conditionThreshold"]["filter"]
    assert "num_undelivered_messages" in flt and '"ai-platform-dev-inference-requests-dlq"' in flt
    assert alert.inputs["conditions"][0]["conditionThreshold"]["comparison"] == "COMPARISON_GT"


def test_outputs_and_environment():
    out = plan_of(ROOT / "topology.yaml").outputs
    env = out["services"]["gpu-worker"]["env"]
    assert env == {
        "AUDIT_EVENTS_TOPIC": f"projects/{PROJECT}/topics/ai-platform-dev-audit-events",
        "GOOGLE_CLOUD_PROJECT": PROJECT,
        "INFERENCE_REQUESTS_DLQ_SUBSCRIPTION": f"projects/{PROJECT}/subscriptions/ai-platform-dev-inference-requests-dlq",
        "INFERENCE_REQUESTS_SUBSCRIPTION": f"projects/{PROJECT}/subscriptions/ai-platform-dev-inference-requests",
        "INFERENCE_RESULTS_TOPIC": f"projects/{PROJECT}/topics/ai-platform-dev-inference-results",
        # inference-requests offloads prompts above 256 KiB: the stack's bucket and the channel's prefix
        "INFERENCE_REQUESTS_PAYLOAD_BUCKET": "ai-platform-dev-payloads",
        "INFERENCE_REQUESTS_PAYLOAD_PREFIX": "inference-requests/",
        "INFERENCE_REQUESTS_PAYLOAD_THRESHOLD": "262144",
    }
    # stack dev runs as dev's own account (environments.dev.services.gpu-worker.identity)
    assert out["services"]["gpu-worker"]["service_account"] == "gpu-worker@ai-platform-dev.iam.gserviceaccount.com"
    assert out["services"]["embedder"]["service_account"] == f"ai-platform-dev-embedder@{PROJECT}.iam.gserviceaccount.com"


# tests/cases/gcp/full.yaml, written out: subscription -> (topic, ackDeadlineSeconds, retention, ordering,
# maxDeliveryAttempts or None, protect)
GCP_FULL = {
    "media-dev-thumbnails": ("media-dev-thumbnails", 10, "345600s", None, None, True),           # 5s raised to 10s
    "media-dev-transcode": ("media-dev-transcode", 600, "2678400s", None, 5, True),              # 20m to 600s; 3 to 5
    "media-dev-transcode-dlq": ("media-dev-transcode-dlq", 600, "2678400s", None, None, True),
    "media-dev-uploads-indexer": ("media-dev-uploads", 30, "345600s", True, 5, True),
    "media-dev-uploads-indexer-dlq": ("media-dev-uploads-indexer-dlq", 30, "1209600s", None, None, True),
    "media-dev-uploads-thumbnailer": ("media-dev-uploads", 30, "345600s", True, 5, True),
    "media-dev-uploads-thumbnailer-dlq": ("media-dev-uploads-thumbnailer-dlq", 30, "1209600s", None, None, True),
}


def test_full_fixture_subscriptions_written_out():
    plan = plan_of(CASES / "gcp" / "full.yaml")
    subs = {r.inputs["name"]: r for r in plan.by_type(SUB)}
    assert sorted(subs) == sorted(GCP_FULL)
    for name, (topic, ack, retention, ordering, attempts, protect) in GCP_FULL.items():
        r, i = subs[name], subs[name].inputs
        dl = i.get("deadLetterPolicy")
        got = (i["topic"], i["ackDeadlineSeconds"], i["messageRetentionDuration"], i.get("enableMessageOrdering"),
               dl and dl["maxDeliveryAttempts"], r.protect)
        assert got == (f"projects/{PROJECT}/topics/{topic}", ack, retention, ordering, attempts, protect), name
        assert i.get("retainAckedMessages") in (None, False), name
    assert sorted(r.inputs["accountId"] for r in plan.by_type("gcp:serviceaccount/account:Account")) == \
        ["media-dev-indexer", "media-dev-thumbnailer", "media-dev-transcoder"]
    assert sorted(r.inputs["name"] for r in plan.by_type(TOPIC)) == [
        "media-dev-thumbnails", "media-dev-transcode", "media-dev-transcode-dlq", "media-dev-uploads",
        "media-dev-uploads-indexer-dlq", "media-dev-uploads-thumbnailer-dlq"]


def test_dead_letter_alert_channels_and_switch():
    path = str(CASES / "gcp" / "full.yaml")
    chans = "projects/p/notificationChannels/1, projects/p/notificationChannels/2"
    [alert] = engine.run(path, "gcp", config={"notificationChannels": chans}).by_type(
        "gcp:monitoring/alertPolicy:AlertPolicy")
    assert alert.inputs["notificationChannels"] == ["projects/p/notificationChannels/1",
                                                    "projects/p/notificationChannels/2"]
    assert engine.run(path, "gcp", config={"alerts": "false"}).by_type("gcp:monitoring/alertPolicy:AlertPolicy") == []
    [default] = plan_of(CASES / "gcp" / "full.yaml").by_type("gcp:monitoring/alertPolicy:AlertPolicy")
    assert "notificationChannels" not in default.inputs


def test_subscriptions_are_replaced_old_first_and_never_keep_acked_messages():
    for r in plan_of(CASES / "gcp" / "full.yaml").by_type(SUB):
        assert r.inputs["retainAckedMessages"] is False, r.name
        # fixed names: a replaced subscription (filter, ordering) must be deleted first
        assert r.delete_before_replace is (not r.name.endswith("-dlq-subscription")), r.name
