"""Issue 28's proof on moto's server: a setup built by hand with boto3 -> import -> validate -> plan with import
ids and inputs equal to the live attributes -> drift clean; then hand edits -> drift names them, exit 1."""

from __future__ import annotations

import json

import pytest

from generator.check import check_file
from generator.cli import main
from generator.local import emulator
from tests.adopt.setup_by_hand import TEAM, build


@pytest.fixture(scope="module")
def account():
    with emulator.embedded() as ep:
        made = emulator.clients(ep)
        made["kms"] = None
        yield ep, made, build(made["sqs"], made["sns"], iam=made["iam"])


@pytest.fixture(scope="module")
def imported(account, tmp_path_factory):
    ep, _made, _built = account
    path = tmp_path_factory.mktemp("adopt") / "topology.yaml"
    assert main(["import", "aws", "--endpoint-url", ep, "--prefix", TEAM, "--name", "shop", "-o", str(path)]) == 0
    return path


def _live(made, url):
    return made["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_import_writes_a_valid_topology_of_the_team_only(imported):
    text = imported.read_text()
    assert "billing-prod-invoices" not in text  # another team's queue: outside the selection
    result = check_file(str(imported))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics if d.level == "error"]
    assert "TODO" in text


def test_a_file_adopting_an_emulators_queues_is_planned_only_for_that_emulator(account, imported, tmp_path):
    # accounts.aws.endpoint comes from the file (a pull request): a real stack's provider must not read import ids
    # on a host the file names, nor an emulator's queue URLs be adopted into a real account
    from conftest import run_cli

    ep = account[0]
    code, _, err = run_cli("plan", imported, "--cloud", "aws")
    assert code == 1 and "accounts.aws.endpoint is" in err and "AWS itself" in err and "Traceback" not in err
    code, _, err = run_cli("plan", imported, "--cloud", "aws", "--endpoint-url", "http://localhost:1")
    assert code == 1 and "the emulator at http://localhost:1" in err
    code, out, err = run_cli("plan", imported, "--cloud", "aws", "--endpoint-url", ep, "--format", "json")
    assert code == 0, err
    real = tmp_path / "real.yaml"
    text = imported.read_text()
    assert f"topowire plan --cloud aws --endpoint-url {ep}" in text  # the file's header says how to plan it
    real.write_text(text.replace(f'    endpoint: "{ep}"\n', ""))
    code, _, err = run_cli("plan", real, "--cloud", "aws", "--endpoint-url", ep)
    assert code == 1 and "has no endpoint" in err
    assert run_cli("plan", imported, "--cloud", "gcp", "--endpoint-url", ep)[0] == 1
    assert run_cli("plan", imported, "--cloud", "aws", "--endpoint-url", "file:///etc/passwd")[0] == 1


def test_plan_imports_every_live_resource_with_its_live_attributes(account, imported):
    from generator.plan.engine import run

    ep, made, built = account
    plan = run(str(imported), "aws", endpoint=ep)  # the file adopts the emulator's queues: planned for it
    imports = {r.import_id: r for r in plan.resources if r.import_id}
    team_queues = {n: u for n, u in built.items() if n.startswith(TEAM) and not n.startswith("sub:")
                   and n != TEAM + "orders"}
    assert {u for u in team_queues.values()} | {built[TEAM + "orders"]} | \
        {v for k, v in built.items() if k.startswith("sub:")} == set(imports)
    for name, url in team_queues.items():
        r, live = imports[url], _live(made, url)
        assert r.type == "aws:sqs/queue:Queue" and r.inputs["name"] == name and r.protect
        assert r.inputs["messageRetentionSeconds"] == int(live["MessageRetentionPeriod"]), name
        if name.replace(".fifo", "").endswith("-dlq"):  # a DLQ keeps its own visibility, size and delay
            assert {"visibilityTimeoutSeconds", "maxMessageSize", "delaySeconds"} <= set(r.ignore_changes)
        else:
            assert r.inputs["visibilityTimeoutSeconds"] == int(live["VisibilityTimeout"]), name
            # a subscription queue of a topic stating no size keeps its live size (program: adopted(...))
            assert r.inputs.get("maxMessageSize") == int(live["MaximumMessageSize"]) or \
                "maxMessageSize" in r.ignore_changes, name
            assert r.inputs.get("delaySeconds", 0) == int(live["DelaySeconds"]), name
        assert bool(r.inputs.get("fifoQueue")) == (live.get("FifoQueue") == "true"), name
        if "KmsMasterKeyId" in live:
            assert r.inputs["kmsMasterKeyId"] == live["KmsMasterKeyId"]
        else:
            assert r.inputs["sqsManagedSseEnabled"] == (live["SqsManagedSseEnabled"] == "true"), name
        if "RedrivePolicy" in live and "delaySeconds" in r.inputs:
            assert json.loads(r.inputs["redrivePolicy"])["maxReceiveCount"] == \
                json.loads(live["RedrivePolicy"])["maxReceiveCount"]
    sub = imports[built["sub:orders-mailer"]]
    live = made["sns"].get_subscription_attributes(SubscriptionArn=built["sub:orders-mailer"])["Attributes"]
    assert json.loads(sub.inputs["filterPolicy"]) == {k: sorted(v) for k, v in json.loads(live["FilterPolicy"]).items()}
    assert "filterPolicy" not in imports[built["sub:orders-ledger"]].inputs
    # nothing that holds messages is created or replaced: every queue the plan creates is a new subscription DLQ
    created = [r for r in plan.by_type("aws:sqs/queue:Queue") if not r.import_id]
    assert {r.inputs["name"] for r in created} == {f"{TEAM}orders-{s}-dlq" for s in ("fraud", "ledger", "mailer")}


def test_drift_is_clean_after_import_then_names_hand_edits(account, imported, capsys):
    ep, made, built = account
    capsys.readouterr()
    assert main(["drift", str(imported), "--cloud", "aws", "--endpoint-url", ep, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["in_sync"] is True
    made["sqs"].set_queue_attributes(QueueUrl=built[TEAM + "jobs"], Attributes={"VisibilityTimeout": "300"})
    made["sns"].set_subscription_attributes(SubscriptionArn=built["sub:orders-mailer"], AttributeName="FilterPolicy",
                                            AttributeValue=json.dumps({"status": ["shipped"]}))
    try:
        assert main(["drift", str(imported), "--cloud", "aws", "--endpoint-url", ep]) == 1
        out = capsys.readouterr().out
        assert f"SQS queue {TEAM}jobs" in out and "VisibilityTimeout" in out and "300" in out
        assert f"SNS subscription {TEAM}orders -> {TEAM}orders-mailer" in out and "FilterPolicy" in out
        assert main(["drift", str(imported), "--cloud", "aws", "--endpoint-url", ep, "--format", "markdown"]) == 1
        assert "| resource | attribute | declared | live |" in capsys.readouterr().out
    finally:
        made["sqs"].set_queue_attributes(QueueUrl=built[TEAM + "jobs"], Attributes={"VisibilityTimeout": "120"})
        made["sns"].set_subscription_attributes(SubscriptionArn=built["sub:orders-mailer"],
                                                AttributeName="FilterPolicy",
                                                AttributeValue=json.dumps({"status": ["shipped", "delivered"]}))


def test_services_come_from_the_iam_roles_that_may_send_and_receive(imported):
    """SQS does not say who consumes a queue; IAM does: each role whose own policies grant sending or receiving
    on a selected channel is a service with that identity (issue 28)."""
    import yaml

    data = yaml.safe_load(imported.read_text())
    services = data["services"]
    role = "arn:aws:iam::123456789012:role/"
    assert services["shop-api"] == {"publishes": ["jobs", "orders", "payments"],  # a customer-managed policy
                                    "identity": {"aws_role": role + "shop-api"}}
    assert services["shop-jobs-worker"] == {"publishes": ["reports"], "consumes": ["jobs"],  # inline, sqs:Send*
                                            "identity": {"aws_role": role + "shop-jobs-worker"}}
    assert services["mailer"]["identity"] == {"aws_role": role + "shop-mailer-task"}  # its subscription queue
    assert "jobs-consumer" not in services            # the placeholder goes once a role consumes the queue
    assert "audit-consumer" in services and "TODO" in imported.read_text()
    for left_out in ("ops-admin", "AWSServiceRoleForShop", "billing-invoicer"):  # sqs:* on *, AWS's, another team's
        assert left_out not in yaml.safe_dump(services), left_out


def test_import_notes_roles_it_does_not_take_and_no_iam_skips_them(account, tmp_path, capsys):
    ep, _made, _built = account
    capsys.readouterr()
    path = tmp_path / "t.yaml"
    assert main(["import", "aws", "--endpoint-url", ep, "--prefix", TEAM, "--name", "shop", "-o", str(path)]) == 0
    assert "role ops-admin: grants sqs:* on every resource (*); not taken as a service" in capsys.readouterr().err
    assert main(["import", "aws", "--endpoint-url", ep, "--prefix", TEAM, "--name", "shop", "--no-iam", "-o",
                 str(tmp_path / "plain.yaml")]) == 0
    plain = (tmp_path / "plain.yaml").read_text()
    assert "aws_role" not in plain and "jobs-consumer" in plain
