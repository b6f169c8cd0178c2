"""Issue #17 item 9: Pulumi names are unique for every combination of targets; nothing is silently dropped.

Names are drawn from a few hyphenated pieces so that joined names (`<topic>-<service>`, role assignments, IAM
members) meet as often as possible. Whenever validation accepts a file, every cloud's plan registers each resource
under its own URN, with one component per queue, topic, subscription and service.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HEADER, run_cli

from generator import rules
from generator.check import check_document
from generator.loader import load_bytes
from generator.plan import engine

PIECES = ["ab", "cd", "ee", "ab-cd", "cd-ee", "ab-cd-ee", "send", "queue-ab", "publisher-ab"]
TOKENS = {"aws": "topowire:aws", "azure": "topowire:azure", "gcp": "topowire:gcp"}


@st.composite
def colliding_topologies(draw):
    names = draw(st.lists(st.sampled_from(PIECES), min_size=2, max_size=6, unique=True))
    split = draw(st.integers(1, len(names) - 1))
    channels = names[:split]
    queues = [c for c in channels if draw(st.booleans())]
    topics = [c for c in channels if c not in queues]
    services = {}
    for s in draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=4, unique=True)):
        svc = {}
        pubs = draw(st.lists(st.sampled_from(channels), unique=True, max_size=2))
        subs = draw(st.lists(st.sampled_from(channels), unique=True, max_size=3))
        if pubs:
            svc["publishes"] = pubs
        if subs:
            svc["consumes"] = subs
        if draw(st.booleans()):
            svc["identity"] = {"azure_principal_id": "00000000-0000-0000-0000-00000000000" + str(len(services))}
        services[s] = svc
    return {"version": 1, "name": "pnames",
            "targets": draw(st.lists(st.sampled_from(["aws", "azure", "gcp"]), min_size=1, unique=True)),
            "queues": {q: {} for q in queues}, "topics": {t: {} for t in topics}, "services": services}


def expected_components(topo) -> dict:
    subscriptions = sum(1 for c in topo.all_consumers() if c.kind == "topic")
    return {"Queue": len(topo.queues), "Topic": len(topo.topics), "Subscription": subscriptions,
            "ServiceAccess": len(topo.services)}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(colliding_topologies())
def test_accepted_topologies_plan_every_resource_under_its_own_urn(tmp_path, doc):
    text = yaml.safe_dump(doc, sort_keys=True)
    result = check_document(load_bytes(text, "gen.yaml"))
    errors = {d.code for d in result.diagnostics if d.level == "error"}
    assert errors <= {"TOP102", "TOP110", "TOP111", "TOP112", "TOP118"}, result.diagnostics
    if errors:
        return
    path = tmp_path / "gen.yaml"
    path.write_text(text)
    topo = result.topology
    for cloud in topo.targets:
        plan = engine.run(str(path), cloud)
        urns = [r.urn for r in plan.resources]
        assert len(set(urns)) == len(urns) == plan.registrations, cloud
        counts = {kind: sum(1 for r in plan.resources if r.type == f"{TOKENS[cloud]}:{kind}")
                  for kind in expected_components(topo)}
        assert counts == expected_components(topo), (cloud, counts)


def issue_file(tmp_path, targets="[azure]"):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + f"targets: {targets}\ntopics: {{ab-cd: {{}}, ab: {{}}}}\nservices:\n"
                    "  api: {publishes: [ab-cd, ab]}\n  ee: {consumes: [ab-cd]}\n  cd-ee: {consumes: [ab]}\n")
    return path


def test_the_issue_case_is_an_error_at_the_line_on_every_cloud(tmp_path):
    for targets in ("[azure]", "[aws]", "[gcp]", "[aws, azure, gcp]"):
        path = issue_file(tmp_path, targets)
        rc, out, err = run_cli("validate", "--format", "json", path)
        found = [(d["code"], d["line"], d["col"]) for d in json.loads(out)["files"][0]["diagnostics"]
                 if d["code"] == "TOP118"]
        assert rc == 1 and found == [("TOP118", 7, 19)], (targets, out)
        rc, out, err = run_cli("plan", path, "--cloud", targets.strip("[]").split(",")[0])
        assert rc == 1 and "TOP118" in err


def test_azure_role_assignments_cannot_meet(tmp_path):
    path = tmp_path / "t.yaml"
    ident = "{identity: {azure_principal_id: 11111111-1111-1111-1111-111111111111}"
    path.write_text(HEADER + "targets: [azure]\nqueues: {bb-send-queue-cc: {}, cc: {}}\nservices:\n"
                    f"  aa: {ident}, publishes: [bb-send-queue-cc]}}\n  aa-send-queue-bb: {ident}, publishes: [cc]}}\n")
    rc, out, err = run_cli("validate", path)
    assert rc == 1 and "TOP118" in out and "aa-send-queue-bb-send-queue-cc" in out, out


def test_gcp_iam_members_cannot_meet(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "targets: [gcp]\nqueues: {bb-publisher-cc: {}, cc: {}}\nservices:\n"
                    "  aa: {publishes: [bb-publisher-cc]}\n  aa-publisher-bb: {publishes: [cc]}\n")
    rc, out, err = run_cli("validate", path)
    assert rc == 1 and "TOP118" in out and "aa-publisher-bb-publisher-cc" in out, out


def test_the_plan_refuses_to_drop_a_resource_even_if_validation_missed_it(tmp_path, monkeypatch):
    monkeypatch.setattr(rules, "RULES", tuple(r for r in rules.RULES if r.CODE != "TOP118"))
    rc, out, err = run_cli("plan", issue_file(tmp_path), "--cloud", "azure")
    assert rc == 1 and "would share a Pulumi name" in err and "ab-cd-ee" in err, err
