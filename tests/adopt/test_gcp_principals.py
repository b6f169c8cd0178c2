"""Issue 28 on GCP: services named from the IAM policies of the adopted topics and subscriptions
(clouds/gcp/principals.py), read by the real google-cloud-pubsub clients over REST (GET /v1/{resource}:getIamPolicy)
from recorded answers (tests/adopt/gcp_recorded.py ``policies``): import -> validate -> plan, where the IAM members
that exist are imported ([import <resource> <role> serviceAccount:<email>]) and the others created; then what is
not a team's grant (users, allUsers, custom roles, conditions, editors, Pub/Sub's agent), --no-iam, a denied read
and hostile answers."""

from __future__ import annotations

import pytest
import yaml

from generator.check import check_file
from generator.cli import main
from generator.clouds.gcp import principals
from tests.adopt import gcp_recorded as g
from tests.adopt.recorded import serve

PUB, SUB = "roles/pubsub.publisher", "roles/pubsub.subscriber"


def _import(tmp_path, routes, *extra):
    out = tmp_path / "topology.yaml"
    with serve(routes) as (ep, rec):
        rc = main(["import", "gcp", "--endpoint-url", ep, "--project", g.PROJECT, "--prefix", "shop-", "--name",
                   "shop", "-o", str(out), *extra])
    return rc, out, rec


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    rc, out, rec = _import(tmp_path_factory.mktemp("gcp-iam"), g.routes())
    assert rc == 0
    return out, rec


def test_policies_are_read_with_get_version_3_for_the_selection_only(imported):
    _out, rec = imported
    iam = [(p, q) for m, p, q in rec.calls if p.endswith(":getIamPolicy")]
    assert {m for m, _p, _q in rec.calls} == {"GET"}
    assert all(q.get("options.requestedPolicyVersion") == ["3"] for _p, q in iam)
    read = {p[len("/v1/"):-len(":getIamPolicy")] for p, _q in iam}
    st = g.state()
    assert read == {f"{g.P}/{k}/{i}" for k in ("topics", "subscriptions") for i in st[k] if i.startswith("shop-")}


def test_services_and_identities_come_from_the_policies(imported):
    out, _rec = imported
    data = yaml.safe_load(out.read_text())
    svc = data["services"]
    # the subscriber behind each subscription: that subscription's service gets the identity
    for name, account in (("ledger", "ledger"), ("mailer", "mailer"), ("fraud", "fraud-svc")):
        assert svc[name]["identity"] == {"gcp_service_account": g.sa(account)}, name
    # a publisher service account is a service of its own, publishing what it may
    assert svc["checkout"] == {"publishes": ["jobs", "orders"], "identity": {"gcp_service_account": g.sa("checkout")}}
    # the queue's puller is known: its TODO placeholder goes
    assert svc["jobs-worker"] == {"consumes": ["jobs"], "identity": {"gcp_service_account": g.sa("jobs-worker")}}
    assert "jobs-consumer" not in svc
    # no identity where the policy names no service account (allUsers only)
    assert "identity" not in svc["audit"]
    # Pub/Sub's own agent, the editor, the custom role's and the conditional member are no services
    text = out.read_text()
    for absent in ("gcp-sa-pubsub", "ops-tool", "peeker", "mailer-tmp", "alice"):
        assert absent not in yaml.safe_dump(data), absent
    assert check_file(str(out)).ok
    # the members that exist are recorded, to be imported
    orders = data["topics"]["orders"]["adopt"]["gcp"]
    assert orders["publishers"] == [g.sa("checkout")]
    assert orders["subscriptions"]["ledger"]["subscribers"] == [g.sa("ledger")]
    assert "subscribers" not in orders["subscriptions"]["audit"]
    # LOUD in the file, on the channel
    assert "# PUBLIC: subscription shop-orders-audit grants roles/pubsub.subscriber to allUsers" in text


def test_what_is_not_a_service_is_reported(tmp_path, capsys):
    rc, _out, _rec = _import(tmp_path, g.routes())
    assert rc == 0
    err = capsys.readouterr().err
    notes = [line.strip()[len("note: "):] for line in err.splitlines() if line.strip().startswith("note: ")]
    assert notes[0].startswith("PUBLIC: subscription shop-orders-audit")  # loud: first
    for part in ("granted to a user (user:alice@example.com)", "custom role projects/shop-proj/roles/orderPeek",
                 "needs iam.roles.get", "on a condition ('until-2030')", "conditions are not evaluated",
                 "roles/pubsub.editor is granted to 1 member(s)"):
        assert any(part in n for n in notes), part
    assert "gcp-sa-pubsub" not in err  # Pub/Sub's own agent: left out without a word


@pytest.fixture(scope="module")
def plan(imported):
    from generator.plan.engine import run

    return run(str(imported[0]), "gcp")


def test_plan_imports_the_members_that_exist_and_creates_the_rest(plan):
    members = {r.name: r for r in plan.resources if "IAMMember" in r.type}
    want = {
        "checkout-publisher-orders": f"{g.P}/topics/shop-orders {PUB} serviceAccount:{g.sa('checkout')}",
        "checkout-publisher-jobs": f"{g.P}/topics/shop-jobs {PUB} serviceAccount:{g.sa('checkout')}",
        "jobs-worker-subscriber-jobs": f"{g.P}/subscriptions/shop-jobs {SUB} serviceAccount:{g.sa('jobs-worker')}",
        "ledger-subscriber-orders": f"{g.P}/subscriptions/shop-orders-ledger {SUB} serviceAccount:{g.sa('ledger')}",
        "mailer-subscriber-orders": f"{g.P}/subscriptions/shop-orders-mailer {SUB} serviceAccount:{g.sa('mailer')}",
        "fraud-subscriber-orders": f"{g.P}/subscriptions/shop-orders-fraud {SUB} serviceAccount:{g.sa('fraud-svc')}",
    }
    for name, import_id in want.items():
        r = members[name]
        assert r.import_id == import_id, name
        assert r.inputs["member"] == "serviceAccount:" + import_id.rsplit(":", 1)[1], name
        assert r.inputs["role"] == import_id.split(" ")[1], name
    # what does not exist yet is created: the dead letters' readers, the agent's grants, the audit service's
    created = {n for n, r in members.items() if not r.import_id}
    assert created == set(members) - set(want)
    assert {"mailer-dead-letter-subscriber-orders", "audit-subscriber-orders", "orders-mailer-agent-subscriber"} \
        <= created


def test_plan_text_shows_the_member_imports(imported, capsys):
    assert main(["plan", str(imported[0]), "--cloud", "gcp"]) in (0, 1)
    out = capsys.readouterr().out
    assert f"[import {g.P}/topics/shop-orders {PUB} serviceAccount:{g.sa('checkout')}]" in out


def test_a_changed_identity_is_created_not_imported(imported, tmp_path):
    """The recorded member is the live one: a service given another account gets a new member (merged into the
    policy), and the old member is not imported."""
    from generator.plan.engine import run

    data = yaml.safe_load(imported[0].read_text())
    data["services"]["ledger"]["identity"]["gcp_service_account"] = g.sa("ledger-v2")
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    r = {r.name: r for r in run(str(path), "gcp").resources}["ledger-subscriber-orders"]
    assert r.import_id is None and r.inputs["member"] == f"serviceAccount:{g.sa('ledger-v2')}"


def test_a_newline_in_a_recorded_member_is_never_an_import_id(imported, tmp_path):
    from generator.clouds.gcp import imports

    assert not imports._importable(g.sa("ledger") + "\n")
    assert not imports._importable("Ledger@shop-proj.iam.gserviceaccount.com")


def test_no_iam_reads_no_policy_and_keeps_the_placeholders(tmp_path):
    rc, out, rec = _import(tmp_path, g.routes(), "--no-iam")
    assert rc == 0
    assert not [p for _m, p, _q in rec.calls if "IamPolicy" in p]
    data = yaml.safe_load(out.read_text())
    assert "jobs-consumer" in data["services"] and "checkout" not in data["services"]
    assert "publishers" not in out.read_text()


def test_a_denied_policy_read_is_a_note_not_an_error(tmp_path, capsys):
    routes = g.routes()
    routes[f"/v1/{g.P}/subscriptions/shop-orders-ledger:getIamPolicy"] = (
        403, {"error": {"code": 403, "message": "User not authorized to perform this action.",
                        "status": "PERMISSION_DENIED"}})
    rc, out, _rec = _import(tmp_path, routes)
    assert rc == 0
    err = capsys.readouterr().err
    assert "PERMISSION_DENIED" in err and "pubsub.subscriptions.getIamPolicy" in err and "TODO placeholders" in err
    data = yaml.safe_load(out.read_text())
    assert "jobs-consumer" in data["services"]  # all or nothing: no half-named services
    assert all("identity" not in s for s in data["services"].values())
    assert check_file(str(out)).ok


def _one(path: str, body) -> dict:
    routes = g.routes(iam={})
    routes[f"/v1/{path}:getIamPolicy"] = body
    return routes


@pytest.mark.parametrize("member", [
    "serviceAccount:Ledger@shop-proj.iam.gserviceaccount.com",  # uppercase
    "serviceAccount:ledger@shop-proj.iam.gserviceaccount.com\n",  # a final newline
    "serviceAccount:ledger@shop-proj.iam.gserviceaccount.com evil",  # a space: an import id is space-delimited
    "serviceAccount:123-compute@developer.gserviceaccount.com",  # not user-managed
    "serviceAccount:abc@shop-proj.iam.gserviceaccount.com",  # account id too short
    "serviceAccount:ledger@x.iam.gserviceaccount.com.evil.example",
    "serviceAccount:service-1@gcp-sa-cloudbuild.iam.gserviceaccount.com",  # another Google-managed agent
    "serviceAccount:<script>@shop-proj.iam.gserviceaccount.com",
    "serviceAccount:" + "a" * 600,
])
def test_hostile_service_account_emails_are_left_out(tmp_path, member):
    rc, out, _rec = _import(tmp_path, _one(f"{g.P}/subscriptions/shop-orders-ledger",
                                           {"bindings": [{"role": SUB, "members": [member]}]}))
    assert rc == 0
    data = yaml.safe_load(out.read_text())
    assert "identity" not in data["services"]["ledger"]
    assert "subscribers" not in data["topics"]["orders"]["adopt"]["gcp"]["subscriptions"]["ledger"]
    assert check_file(str(out)).ok


@pytest.mark.parametrize("body", [
    {"bindings": "everyone"},
    {"bindings": [{"role": SUB, "members": "serviceAccount:ledger@shop-proj.iam.gserviceaccount.com"}]},
    {"bindings": [{"role": 7, "members": [1, {"a": 1}]}]},
    {"bindings": [[1, 2]]},
    {"version": "three", "etag": 5},
    [1, 2, 3],
    "not a policy",
    {"bindings": [{"role": SUB, "members": [1]}] * 50, "unknown": {"deep": [[[[]]]]}},
])
def test_garbage_policies_are_notes_never_a_traceback(tmp_path, body, capsys):
    rc, out, _rec = _import(tmp_path, _one(f"{g.P}/subscriptions/shop-orders-ledger", body))
    assert rc == 0
    assert "Traceback" not in capsys.readouterr().err
    assert check_file(str(out)).ok


def test_a_hundred_thousand_members_stop_the_iam_read(tmp_path, capsys):
    members = [f"serviceAccount:svc{i:06d}@shop-proj.iam.gserviceaccount.com" for i in range(100_001)]
    rc, out, _rec = _import(tmp_path, _one(f"{g.P}/topics/shop-orders", {"bindings": [{"role": PUB,
                                                                                         "members": members}]}))
    assert rc == 0
    err = capsys.readouterr().err
    assert f"more than {principals.MAX_MEMBERS} members" in err and "TODO placeholders" in err
    assert "svc000001" not in out.read_text()


def test_a_policy_over_iams_own_limit_is_not_read(tmp_path, capsys):
    members = [f"serviceAccount:svc{i:06d}@shop-proj.iam.gserviceaccount.com" for i in range(2000)]
    rc, out, _rec = _import(tmp_path, _one(f"{g.P}/topics/shop-orders", {"bindings": [{"role": PUB,
                                                                                         "members": members}]}))
    assert rc == 0
    assert "more than IAM allows in one policy" in capsys.readouterr().err
    assert "svc000001" not in out.read_text()


def test_the_member_total_is_spent_over_every_policy():
    spent = []
    policy = {"bindings": [{"role": PUB, "members": ["allUsers", "user:a@b.c"]}, {"role": SUB, "members": ["x"]}]}
    notes: list = []
    found, members = principals.classify(f"{g.P}/topics/t", "topic", policy, notes, spent.append)
    assert spent == [3] and found == {} and members == set()
    assert notes[0].startswith("PUBLIC: topic t grants roles/pubsub.publisher to allUsers")
