"""What Azure and GCP answer is untrusted: names validated, text escaped, counts bounded; every error (no
credentials, an unreachable endpoint, a denied or unknown read) exits 1 with a message, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from generator import yamlwrite
from generator.cli import main
from generator.clouds.azure import adopt as az_adopt, reader as az_reader
from generator.clouds.gcp import adopt as gcp_adopt, reader as gcp_reader
from tests.adopt import azure_recorded as az, gcp_recorded as g
from tests.adopt.recorded import serve

AZ = ["--subscription", az.SUB, "--resource-group", az.RG, "--namespace", az.NS]
EVIL = ["shop-x\n# injected: true", "shop-<b>bold</b>", "shop-`rm`|x", "shop-" + "a" * 300, "shop-\x1b[31mred"]


def _azure(st):
    with serve(az.routes(st)) as (ep, _rec):
        return az_reader.read(az_reader.client(az.SUB, ep), az.SUB, az.RG, az.NS, ep, prefix="shop-")


def _gcp(st):
    with serve(g.routes(st)) as (ep, _rec):
        return gcp_reader.read(gcp_reader.clients(ep), g.PROJECT, ep, prefix="shop-")


def test_azure_hostile_names_values_and_counts_are_refused_bounded_and_reported():
    st = az.state()
    for name in EVIL:
        st["queues"][name] = az._queue()
    st["queues"]["shop-jobs"]["maxDeliveryCount"] = 10 ** 12
    st["queues"]["shop-jobs"]["lockDuration"] = "PT99999999999H"  # not a duration Service Bus writes
    st["queues"]["shop-jobs"]["forwardTo"] = "x" * 5000
    st["namespace"]["tags"] = {"ok": "fine\n#x: 1", "k": "v" * 300}
    rules = st["topics"]["shop-orders"]["subscriptions"]["audit"][1]
    rules["$Default"] = az._sql("a = 'x' OR b = '<script>alert(1)</script>\n# evil: 1'")
    ns = _azure(st)
    assert set(ns.queues) == {"shop-jobs", "shop-legacy", "shop-payments"}
    assert sum("not a name topowire can adopt" in s for s in ns.skipped) == len(EVIL)
    assert "forwardTo" not in ns.queues["shop-jobs"].properties  # over MAX_TEXT: left out, reported
    data, comments, report = az_adopt.document(ns, "shop", "shop-")
    assert data["queues"]["jobs"]["max_receive_count"] == az_adopt.FORMAT_MAX_RECEIVE
    assert "visibility_timeout" not in data["queues"]["jobs"]
    assert any("more than the format's 1000" in r for r in report)
    text = yamlwrite.dump(data, comments, ["header\nnot: a key"])
    loaded = yaml.safe_load(text)
    assert "evil" not in loaded and "not" not in loaded and "injected" not in str(loaded)
    assert loaded["tags"] == {"ok": "fine\n#x: 1"}
    assert "<script>" in text  # kept as a comment, on one line: yaml saw no key
    assert all("\n" not in line for c in comments.values() for line in c)


def test_azure_counts_are_bounded(monkeypatch):
    monkeypatch.setattr(az_reader, "MAX_ENTITIES", 3)
    with serve(az.routes()) as (ep, _rec):
        assert main(["import", "azure", "--endpoint-url", ep, *AZ, "-o", "-"]) == 1
    monkeypatch.setattr(az_reader, "MAX_ENTITIES", 5000)
    monkeypatch.setattr(az_reader, "MAX_RULES", 2)
    with pytest.raises(Exception, match="more than 2 rules"):
        _azure(az.state())


def test_gcp_hostile_names_values_and_counts_are_refused_bounded_and_reported():
    st = g.state()
    for name in EVIL:
        st["topics"][name] = {"name": f"{g.P}/topics/{name}"}
    st["topics"]["other"] = {"name": "projects/someone-else/topics/shop-stolen"}
    st["subscriptions"]["shop-orders-ledger"]["labels"] = {"team": "shop", "Bad Key": "<b>x</b>"}
    st["subscriptions"]["shop-orders-ledger"]["ackDeadlineSeconds"] = 2 ** 31 - 1
    st["subscriptions"]["shop-orders-ledger"]["filter"] = 'attributes.x = "a"\n# evil: 1'
    st["subscriptions"]["shop-jobs"]["deadLetterPolicy"]["maxDeliveryAttempts"] = 2 ** 31 - 1
    live = _gcp(st)
    assert set(live.topics) == {"shop-jobs", "shop-jobs-dlq", "shop-orders", "shop-orders-mailer-dlq", "shop-events"}
    assert sum("not a Pub/Sub topic of project" in s for s in live.skipped) == len(EVIL) + 1
    assert live.subscriptions["shop-orders-ledger"].labels == {"team": "shop"}
    data, comments, report = gcp_adopt.document(live, "shop", "shop-")
    assert data["services"]["ledger"]["consumes"]["orders"]["visibility_timeout"] == "10m"  # clamped to 600 s
    assert data["queues"]["jobs"]["dead_letter"]["max_receive_count"] == gcp_adopt.FORMAT_MAX_RECEIVE
    assert "filter" not in data["services"]["ledger"]["consumes"]["orders"]
    text = yamlwrite.dump(data, comments, [])
    assert "evil" not in yaml.safe_load(text)


def test_gcp_values_out_of_the_protos_range_exit_1(capsys):
    st = g.state()
    st["subscriptions"]["shop-jobs"]["ackDeadlineSeconds"] = 10 ** 15  # not an int32: the client refuses it
    with serve(g.routes(st)) as (ep, _rec):
        assert main(["import", "gcp", "--endpoint-url", ep, "--project", g.PROJECT, "-o", "-"]) == 1
    assert "not Pub/Sub's REST API" in capsys.readouterr().err


def test_gcp_counts_are_bounded(monkeypatch):
    monkeypatch.setattr(gcp_reader, "MAX_SUBSCRIPTIONS", 2)
    with serve(g.routes()) as (ep, _rec):
        assert main(["import", "gcp", "--endpoint-url", ep, "--project", g.PROJECT, "-o", "-"]) == 1


def test_drift_escapes_what_the_cloud_says(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    with serve(az.routes()) as (ep, _rec):
        assert main(["import", "azure", "--endpoint-url", ep, *AZ, "--prefix", "shop-", "-o", str(path)]) == 0
    st = az.state()
    st["topics"]["shop-orders"]["subscriptions"]["mailer"][1]["$Default"] = az._sql("status = '|<img src=x>`'")
    with serve(az.routes(st)) as (ep, _rec):
        assert main(["drift", str(path), "--cloud", "azure", "--endpoint-url", ep, "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "mailer" in line)
    assert row.count(" | ") == 3  # the '|' inside the value did not open a column
    assert "\\|<img src=x>" in row and row.rstrip().endswith("`` |")  # inside a code span: inert HTML


@pytest.mark.parametrize("cloud,args", [("azure", AZ), ("gcp", ["--project", g.PROJECT])])
def test_unreachable_denied_and_unknown_exit_1_without_traceback(cloud, args, capsys):
    assert main(["import", cloud, "--endpoint-url", "http://127.0.0.1:9", *args, "-o", "-"]) == 1
    assert "cannot reach" in capsys.readouterr().err
    denied = {"azure": (az.BASE, {"error": {"code": "AuthorizationFailed", "message": "no"}}),
              "gcp": (f"/v1/{g.P}/topics", {"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}})}
    routes = (az.routes() if cloud == "azure" else g.routes())
    path, body = denied[cloud]
    routes[path] = (403, body)
    with serve(routes) as (ep, _rec):
        assert main(["import", cloud, "--endpoint-url", ep, *args, "-o", "-"]) == 1
    err = capsys.readouterr().err
    assert "denied" in err and "least-privilege" in err and "Traceback" not in err
    with serve({}) as (ep, _rec):
        assert main(["import", cloud, "--endpoint-url", ep, *args, "-o", "-"]) == 1
    assert "not found" in capsys.readouterr().err


def test_missing_azure_credentials_exit_1(monkeypatch, capsys):
    import azure.identity
    from azure.identity import CredentialUnavailableError

    class NoCredential:
        def __init__(self, **_kw):
            pass

        def get_token(self, *_a, **_kw):
            raise CredentialUnavailableError("DefaultAzureCredential failed to retrieve a token")

        def get_token_info(self, *_a, **_kw):
            raise CredentialUnavailableError("DefaultAzureCredential failed to retrieve a token")

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", NoCredential)
    assert main(["import", "azure", *AZ, "-o", "-"]) == 1
    assert "no usable Azure credentials" in capsys.readouterr().err


def test_missing_gcp_credentials_exit_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "absent.json"))
    assert main(["import", "gcp", "--project", g.PROJECT, "-o", "-"]) == 1
    assert "no Google Cloud credentials" in capsys.readouterr().err


def test_bad_options_exit_1(capsys):
    assert main(["import", "azure", "--subscription", "not-a-guid", "--resource-group", "rg", "--namespace",
                 "shop-bus", "-o", "-"]) == 1
    assert main(["import", "azure", "-o", "-"]) == 1
    assert main(["import", "gcp", "--project", "Bad_Project", "-o", "-"]) == 1
    assert main(["import", "gcp", "--project", g.PROJECT, "--endpoint-url", "file:///etc/passwd", "-o", "-"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "not a Google Cloud project id" in err


def test_validate_plan_and_the_cli_do_not_load_the_cloud_sdks():
    code = ("import sys\n"
            "import generator.cli, generator.cli.validate, generator.rules, generator.docs\n"
            "import generator.clouds.azure.spec, generator.clouds.gcp.spec, generator.clouds.azure.imports\n"
            "import generator.clouds.gcp.imports, generator.clouds.azure.drift, generator.clouds.gcp.drift\n"
            "import generator.clouds.azure.reader, generator.clouds.gcp.reader\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('azure', 'google')))\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=__file__.rsplit("/tests/", 1)[0])
    assert out.stdout.strip() == "[]"
