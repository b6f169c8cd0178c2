"""What a cloud answers is untrusted: names validated, strings escaped, counts bounded; errors exit 1 plainly."""

from __future__ import annotations

import json

import pytest
import yaml

from generator import yamlwrite
from generator.cli import main
from generator.clouds.aws import adopt, reader
from generator.errors import InputError


class _Pages:
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **_kw):
        return iter(self.pages)


class FakeSqs:
    def __init__(self, urls, attrs=None, tags=None):
        self.urls, self.attrs, self.tags = urls, attrs or {}, tags or {}

    def get_paginator(self, _op):
        return _Pages([{"QueueUrls": self.urls}])

    def get_queue_attributes(self, QueueUrl, AttributeNames):
        return {"Attributes": self.attrs.get(QueueUrl, {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:"
                                                                     + QueueUrl.rsplit("/", 1)[-1]})}

    def list_queue_tags(self, QueueUrl):
        return {"Tags": self.tags.get(QueueUrl, {})}


class FakeSns:
    def get_paginator(self, _op):
        return _Pages([{"Topics": []}])


def test_hostile_names_and_tags_are_refused_and_reported():
    good = "http://x/123456789012/team-jobs"
    evil = "http://x/123456789012/team-jobs\n# injected: true"
    sqs = FakeSqs([good, evil, "http://x/123456789012/" + "a" * 90],
                  tags={good: {"k": "v" * 300, "ok": "fine\n#x: 1"}})
    account = reader.read({"sqs": sqs, "sns": FakeSns()}, "us-east-1", prefix="team-")
    assert list(account.queues) == ["team-jobs"]
    assert account.queues["team-jobs"].tags == {"ok": "fine\n#x: 1"}
    assert any("not an SQS queue name" in s for s in account.skipped)
    assert any("tag longer than AWS allows" in s for s in account.skipped)
    data, comments, report = adopt.document(account, "team", "team-")
    text = yamlwrite.dump(data, comments, ["header\nnot: a key"])
    loaded = yaml.safe_load(text)
    assert loaded["tags"] == {"ok": "fine\n#x: 1"} and "not" not in loaded and "injected" not in loaded


def test_counts_are_bounded(monkeypatch):
    monkeypatch.setattr(reader, "MAX_QUEUES", 3)
    sqs = FakeSqs([f"http://x/123456789012/q{i}" for i in range(4)])
    with pytest.raises(InputError, match="more than 3 queues"):
        reader.read({"sqs": sqs, "sns": FakeSns()}, "us-east-1")


def test_untranslatable_filter_is_a_comment_and_a_note_never_dropped():
    flt, why = adopt.filter_of({"FilterPolicy": json.dumps({"amount": [{"numeric": [">", 10]}]})})
    assert flt is None and "operators" in why
    flt, why = adopt.filter_of({"FilterPolicy": '{"a": ["x"]}', "FilterPolicyScope": "MessageBody"})
    assert flt is None and "message body" in why
    assert adopt.filter_of({"FilterPolicy": '{"status": ["b", "a"]}'}) == ({"status": ["a", "b"]}, None)


def test_comments_are_one_line_and_bounded():
    text = yamlwrite.dump({"a": 1}, {("a",): ["x\ny: 2" + "z" * 1000]})
    assert yaml.safe_load(text) == {"a": 1}
    assert max(len(line) for line in text.splitlines()) < yamlwrite.MAX_COMMENT + 20


def test_unreachable_endpoint_exits_1_with_a_message(tmp_path, capsys):
    code = main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "-o", str(tmp_path / "t.yaml")])
    err = capsys.readouterr().err
    assert code == 1 and "cannot reach http://127.0.0.1:9" in err and "Traceback" not in err


def test_denied_call_exits_1_and_names_the_policy():
    from botocore.exceptions import ClientError

    class Denied(FakeSqs):
        def get_paginator(self, _op):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListQueues")

    with pytest.raises(InputError, match="denied ListQueues .AccessDenied.: grant the read-only policy"):
        reader.read({"sqs": Denied([]), "sns": FakeSns()}, "us-east-1")


def test_no_credentials_exits_1(monkeypatch, tmp_path, capsys):
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["import", "aws", "-o", str(tmp_path / "t.yaml")])
    assert code == 1 and "no AWS credentials found" in capsys.readouterr().err


def test_import_refuses_to_overwrite(tmp_path, capsys):
    (tmp_path / "t.yaml").write_text("keep")
    assert main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "-o", str(tmp_path / "t.yaml")]) == 1
    assert (tmp_path / "t.yaml").read_text() == "keep"


def test_one_service_for_every_topic_it_subscribes_to_and_the_file_validates(tmp_path):
    from generator.check import check_file

    arn = "arn:aws:sqs:us-east-1:123456789012:"
    queues = {n: reader.Queue(n, f"http://x/123456789012/{n}", arn + n, {"VisibilityTimeout": "30",
                                                                         "SqsManagedSseEnabled": "true"}, {})
              for n in ("t-orders-billing", "t-refunds-billing")}
    topics = {}
    for t in ("t-orders", "t-refunds"):
        tarn = f"arn:aws:sns:us-east-1:123456789012:{t}"
        topics[t] = reader.Topic(t, tarn, {}, {}, [reader.Subscription(
            f"{tarn}:0f4e8d8e-1111-2222-3333-44445555666{len(topics)}", "sqs", arn + f"{t}-billing", {})])
    account = reader.Account("123456789012", "us-east-1", None, queues, topics)
    data, comments, report = adopt.document(account, "team", "t-")
    assert set(data["services"]) == {"billing"}
    assert set(data["services"]["billing"]["consumes"]) == {"orders", "refunds"}
    path = tmp_path / "topology.yaml"
    path.write_text(yamlwrite.dump(data, comments))
    result = check_file(str(path))
    assert result.ok, [d.message for d in result.diagnostics]
