"""Round 4 of the red team (docs/reliability.md): `topowire import` and `topowire drift` against a hostile account
or endpoint, and against a hostile working tree. Each test failed on the code before its fix."""

from __future__ import annotations

import itertools
import os
import subprocess
import threading
import urllib.parse

import pytest
import yaml

from generator import escape, yamlwrite
from generator.cli import main
from generator.clouds import adoption
from generator.clouds.aws import adopt, principals, reader
from generator.errors import InputError
from tests.adopt import azure_recorded as az, gcp_recorded as g
from tests.adopt.hostile_aws import serve as serve_aws, xml
from tests.adopt.recorded import serve
from tests.adopt.test_hostile import FakeSns, FakeSqs

ACCOUNT = "123456789012"


def _bounded(fn, seconds: float = 20.0):
    """fn() run with a deadline: a read that never ends fails the test instead of hanging it."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 -- handed to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "the read never ended"
    if "error" in out:
        raise out["error"]
    return out.get("value")


# --- -o keeps the rules of every output (confine.Output) -------------------------------------------------------------

@pytest.fixture
def repo(tmp_path, monkeypatch):
    top = tmp_path / "repo"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    monkeypatch.chdir(top)
    sqs = FakeSqs([f"http://x/{ACCOUNT}/team-jobs"])
    monkeypatch.setattr(reader, "clients", lambda *a, **k: {"sqs": sqs, "sns": FakeSns(), "iam": None})
    return top


@pytest.mark.parametrize("layout", ["file-link", "dangling-link", "directory-link", "git"])
def test_import_never_writes_through_a_symlink_or_into_git(repo, tmp_path, capsys, layout):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret"
    secret.write_text("keep")
    if layout == "file-link":
        os.symlink(secret, repo / "topology.yaml")
        target = "topology.yaml"
    elif layout == "dangling-link":
        os.symlink(outside / "created", repo / "topology.yaml")
        target = "topology.yaml"
    elif layout == "directory-link":
        os.symlink(outside, repo / "infra")
        target = "infra/topology.yaml"
    else:
        target = ".git/hooks/post-checkout"
    code = main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "--force", "-o", target])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert ("symbolic link" in err) if layout != "git" else (".git" in err)
    assert secret.read_text() == "keep"
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]
    assert not (repo / ".git" / "hooks" / "post-checkout").exists()


def test_import_writes_a_plain_file_and_refuses_to_overwrite_without_force(repo, capsys):
    assert main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "-o", "topology.yaml"]) == 0
    assert "team-jobs" in (repo / "topology.yaml").read_text()
    assert main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "-o", "topology.yaml"]) == 1
    assert "exists" in capsys.readouterr().err
    assert not [p for p in os.listdir(repo) if p.endswith(".tmp")]


# --- what a cloud's strings become in the YAML -------------------------------------------------------------------------

HOSTILE_VALUES = {
    "nel": "a\x85b",  # YAML folds a raw NEL into a space: the value changed
    "del": "a\x7fb",  # YAML refuses raw DEL and C1 controls: the file did not load
    "csi": "a\x9b31mb",
    "ls": "a\u2028b",
    "bidi": "admin\u202e\u2066txt.exe",  # shown reordered to whoever reviews the file
    "zwsp": "pro\u200bd",
    "bom": "\ufeffx",
    "tag": "x\U000e0061",
    "surrogate": "x\udcff",  # json.loads makes one of "\\udcff": UTF-8 cannot write it (exit 3)
    "emoji": "ok \U0001f600",
}


def test_cloud_strings_read_back_unchanged_and_show_every_hidden_character():
    text = yamlwrite.dump({"tags": dict(HOSTILE_VALUES), HOSTILE_VALUES["bidi"]: 1},
                          {("tags",): ["comment " + "".join(HOSTILE_VALUES.values())]})
    text.encode("utf-8")  # no lone surrogate left raw
    loaded = yaml.safe_load(text)
    assert loaded["tags"] == HOSTILE_VALUES and loaded[HOSTILE_VALUES["bidi"]] == 1
    for line in text.splitlines():
        assert all(ch.isprintable() and not escape.HIDDEN.match(ch) for ch in line), ascii(line)
    assert "\U0001f600" in text  # printable characters stay readable


def test_hostile_tags_through_import_write_a_file_that_loads(repo, monkeypatch, capsys):
    url = f"http://x/{ACCOUNT}/team-jobs"
    sqs = FakeSqs([url], tags={url: dict(HOSTILE_VALUES)})
    monkeypatch.setattr(reader, "clients", lambda *a, **k: {"sqs": sqs, "sns": FakeSns(), "iam": None})
    code = main(["import", "aws", "--endpoint-url", "http://127.0.0.1:9", "-o", "topology.yaml"])
    assert code == 0, capsys.readouterr().err
    assert yaml.safe_load((repo / "topology.yaml").read_text(encoding="utf-8"))["tags"] == HOSTILE_VALUES


# --- names: '$' matches before a final newline ---------------------------------------------------------------------

def test_a_name_with_a_final_newline_is_not_a_name():
    sqs = FakeSqs([f"http://x/{ACCOUNT}/team-jobs\n", f"http://x/{ACCOUNT}/team-ok"])
    account = reader.read({"sqs": sqs, "sns": FakeSns()}, "us-east-1")
    assert list(account.queues) == ["team-ok"]
    assert reader.parse_arn(f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs\n") is None
    st = az.state()
    st["queues"]["shop-trailing\n"] = az._queue()
    with serve(az.routes(st)) as (ep, _rec):
        from generator.clouds.azure import reader as az_reader
        ns = az_reader.read(az_reader.client(az.SUB, ep), az.SUB, az.RG, az.NS, ep, prefix="shop-")
    assert "shop-trailing\n" not in ns.queues and any("shop-trailing" in s for s in ns.skipped)
    from generator.clouds.gcp import reader as gcp_reader
    assert gcp_reader.resource_id(f"{g.P}/topics/shop-x\n", g.PROJECT, "topics") is None
    for bad in ("svc\n", "svc\u3164", "s\u0667vc"):  # a final newline, an invisible Hangul filler, a non-ASCII digit
        assert not principals._ROLE_NAME.match(bad)
    assert not principals._ROLE_ARN.match(f"arn:aws:iam::{ACCOUNT}:role/svc\n")


# --- pagination that never ends -------------------------------------------------------------------------------------

class _Cycle:
    def __init__(self, pages):
        self.pages = pages

    def get_paginator(self, _op):
        return self

    def paginate(self, **_kw):
        return iter(self.pages)


def test_aws_next_page_tokens_that_cycle_stop_the_read():
    loop = itertools.cycle([{"QueueUrls": [], "NextToken": "A"}, {"QueueUrls": [], "NextToken": "B"}])
    with pytest.raises(InputError, match="next-page token it had given before"):
        _bounded(lambda: reader.read({"sqs": _Cycle(loop), "sns": FakeSns()}, "us-east-1"))


def test_aws_endless_empty_pages_stop_the_read(monkeypatch):
    monkeypatch.setattr(adoption, "MAX_PAGES", 50)
    endless = ({"QueueUrls": [], "NextToken": f"t{n}"} for n in itertools.count())
    with pytest.raises(InputError, match="more than 50 pages"):
        _bounded(lambda: reader.read({"sqs": _Cycle(endless), "sns": FakeSns()}, "us-east-1"))


def test_botocore_itself_follows_a_token_that_cycles_against_a_hostile_endpoint(monkeypatch):
    """The real client: SQS's ListQueues answers A, B, A, ... (botocore stops only on the same token twice in a
    row)."""
    from generator.local.emulator import clients

    def answer(action, params):
        if action == "ListQueues":
            return {"QueueUrls": [], "NextToken": "B" if params.get("NextToken") == "A" else "A"}
        return xml("sns", "ListTopics", "<Topics/>")

    with serve_aws(answer) as (ep, calls):
        made = clients(ep)
        with pytest.raises(InputError, match="given before"):
            _bounded(lambda: reader.read(made, "us-east-1", ep))
        assert len(calls) < 10


def test_aws_subscriptions_are_a_total_over_every_topic(monkeypatch):
    monkeypatch.setattr(reader, "MAX_SUBSCRIPTIONS", 4)
    arn = f"arn:aws:sns:us-east-1:{ACCOUNT}:"

    class Sns:
        def get_paginator(self, op):
            if op == "list_topics":
                return _Cycle([{"Topics": [{"TopicArn": arn + f"t{i}"} for i in range(3)]}])
            return _Cycle([{"Subscriptions": [{"SubscriptionArn": "PendingConfirmation"}] * 2}])

        def get_topic_attributes(self, TopicArn):
            return {"Attributes": {}}

        def list_tags_for_resource(self, ResourceArn):
            return {"Tags": []}

    with pytest.raises(InputError, match="more than 4 subscriptions"):
        reader.read({"sqs": FakeSqs([]), "sns": Sns()}, "us-east-1")


def _gcp_read(routes):
    from generator.clouds.gcp import reader as gcp_reader

    with serve(routes) as (ep, _rec):
        return _bounded(lambda: gcp_reader.read(gcp_reader.clients(ep), g.PROJECT, ep))


def test_gcp_a_next_page_token_that_repeats_stops_the_read():
    routes = g.routes()
    routes[f"/v1/{g.P}/topics"] = {"nextPageToken": "p1"}
    routes[f"/v1/{g.P}/topics?page=p1"] = {"nextPageToken": "p1"}
    with pytest.raises(InputError, match="given before"):
        _gcp_read(routes)


def test_gcp_the_same_topic_on_endless_pages_counts(monkeypatch):
    """Topics were counted once listed (a dict by id), so one topic on pages p1, p2, ... never reached the bound."""
    from generator.clouds.gcp import reader as gcp_reader

    monkeypatch.setattr(gcp_reader, "MAX_TOPICS", 5)
    topic = {"name": f"{g.P}/topics/shop-orders"}

    class Endless(dict):
        def get(self, key, default=None):
            if key.startswith(f"/v1/{g.P}/topics"):
                n = int(key.rsplit("=p", 1)[1]) if "=p" in key else 0
                return {"topics": [topic], "nextPageToken": f"p{n + 1}"}
            return super().get(key, default)

    with pytest.raises(InputError, match="more than 5 topics"):
        _gcp_read(Endless(g.routes()))


def test_azure_a_next_link_back_to_the_same_page_stops_the_read():
    from generator.clouds.azure import reader as az_reader

    routes = az.routes()
    again = {"value": [], "nextLink": "{endpoint}" + f"{az.BASE}/queues?api-version=2021-11-01&$skiptoken=1"}
    routes[f"{az.BASE}/queues"] = again
    routes[f"{az.BASE}/queues?page=1"] = again
    with serve(routes) as (ep, _rec):
        with pytest.raises(InputError, match="given before"):
            _bounded(lambda: az_reader.read(az_reader.client(az.SUB, ep), az.SUB, az.RG, az.NS, ep))


# --- IAM: policy documents and the work of matching them -------------------------------------------------------------

ROLE = (f"<Roles><member><RoleName>svc</RoleName><Arn>arn:aws:iam::{ACCOUNT}:role/svc</Arn><Path>/</Path>"
        "<RoleId>AROAEXAMPLE</RoleId><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Roles>"
        "<IsTruncated>false</IsTruncated>")


def _iam(document: str, attached: str = "<AttachedPolicies/>", policy: str = ""):
    def answer(action, _params):
        inner = {"ListRoles": ROLE,
                 "ListRolePolicies": "<PolicyNames><member>p</member></PolicyNames><IsTruncated>false</IsTruncated>",
                 "GetRolePolicy": f"<RoleName>svc</RoleName><PolicyName>p</PolicyName>"
                                  f"<PolicyDocument>{document}</PolicyDocument>",
                 "ListAttachedRolePolicies": f"{attached}<IsTruncated>false</IsTruncated>",
                 "GetPolicy": policy}[action]
        return xml("iam", action, inner)
    return answer


@pytest.mark.parametrize("document", [urllib.parse.quote("[" * 50000 + "]" * 50000),
                                      urllib.parse.quote('{"Statement": ' + "[" * 5000 + "]" * 5000 + "}"),
                                      "x" * 200_000])
def test_a_deep_or_huge_policy_document_is_a_note_not_a_traceback(document):
    """botocore decoded IAM's documents itself, with no bound: a 50,000-deep array was a RecursionError (exit 3)."""
    from generator.local.emulator import clients

    with serve_aws(_iam(document)) as (ep, _calls):
        grants, notes = principals.read(clients(ep)["iam"], {f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"}, ep)
    assert grants == [] and any("not read" in n for n in notes)


def test_an_iam_answer_of_the_wrong_shape_is_a_note():
    from generator.local.emulator import clients

    attached = (f"<AttachedPolicies><member><PolicyArn>arn:aws:iam::{ACCOUNT}:policy/p</PolicyArn>"
                "<PolicyName>p</PolicyName></member></AttachedPolicies>")
    doc = urllib.parse.quote('{"Statement": []}')
    with serve_aws(_iam(doc, attached, policy="")) as (ep, _calls):  # GetPolicy without its Policy
        grants, notes = principals.read(clients(ep)["iam"], {f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"}, ep)
    assert grants == [] and notes and "Traceback" not in " ".join(notes)


class _Iam:
    def __init__(self, document):
        self.document = document

    def get_paginator(self, op):
        page = {"list_roles": {"Roles": [{"RoleName": f"r{i}", "Arn": f"arn:aws:iam::{ACCOUNT}:role/r{i}",
                                          "Path": "/"} for i in range(20)]},
                "list_role_policies": {"PolicyNames": ["p"]},
                "list_attached_role_policies": {"AttachedPolicies": []}}[op]
        return _Cycle([page])

    def get_role_policy(self, RoleName, PolicyName):
        return {"PolicyDocument": self.document}


def test_wildcard_matching_is_a_bounded_total(monkeypatch):
    """20 roles x 400 wildcard resources x every selected ARN: the comparisons are one budget for the read."""
    monkeypatch.setattr(principals, "MAX_PATTERNS", 1000)
    resources = [f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}*" for i in range(400)]
    doc = {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": resources}]}
    arns = {f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}" for i in range(50)}
    grants, notes = principals.read(_Iam(doc), arns, "test")
    assert grants == [] and any("wildcard resources" in n for n in notes)


def test_an_iam_resource_bracket_is_a_character_not_a_class():
    q = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    doc = {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                          "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:[a-z]*"}]}
    assert principals.grants_of(doc, {q}, "r", []) == (set(), set())
    doc["Statement"][0]["Resource"] = f"arn:aws:sqs:us-east-1:{ACCOUNT}:j?b*"
    assert principals.grants_of(doc, {q}, "r", [])[0] == {q}


def test_adopt_of_hostile_values_keeps_the_file_loadable():
    """Filter values and a KMS key id with what YAML folds or refuses, through adopt.document."""
    url, arn = f"http://x/{ACCOUNT}/team-jobs", f"arn:aws:sqs:us-east-1:{ACCOUNT}:team-jobs"
    q = reader.Queue("team-jobs", url, arn, {"KmsMasterKeyId": "alias/k\x85\u202e", "QueueArn": arn}, {})
    account = reader.Account(ACCOUNT, "us-east-1", None, {"team-jobs": q}, {})
    data, comments, _report = adopt.document(account, "team", "team-")
    loaded = yaml.safe_load(yamlwrite.dump(data, comments))
    assert loaded["queues"]["jobs"]["encryption"] == {"kms_key": "alias/k\x85\u202e"}


# --- answers of another shape: exit 1, never 3 ----------------------------------------------------------------------

Q1 = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q1"
T1 = f"arn:aws:sns:us-east-1:{ACCOUNT}:t1"


def _account(action, _params):
    """An ordinary account: one queue, one topic that delivers to it with a filter, no role."""
    sub = (f"<Subscriptions><member><SubscriptionArn>{T1}:0f4e8d8e-1111-2222-3333-444455556666</SubscriptionArn>"
           f"<Protocol>sqs</Protocol><Endpoint>{Q1}</Endpoint></member></Subscriptions>")
    return {
        "ListQueues": {"QueueUrls": [f"http://x/{ACCOUNT}/q1"]},
        "GetQueueAttributes": {"Attributes": {"QueueArn": Q1, "VisibilityTimeout": "30"}},
        "ListQueueTags": {"Tags": {"a": "b"}},
        "ListTopics": xml("sns", "ListTopics", f"<Topics><member><TopicArn>{T1}</TopicArn></member></Topics>"),
        "GetTopicAttributes": xml("sns", "GetTopicAttributes", "<Attributes/>"),
        "ListTagsForResource": xml("sns", "ListTagsForResource", "<Tags/>"),
        "ListSubscriptionsByTopic": xml("sns", "ListSubscriptionsByTopic", sub),
        "GetSubscriptionAttributes": xml("sns", "GetSubscriptionAttributes", "<Attributes><entry><key>FilterPolicy"
                                         "</key><value>{\"a\": [\"x\"]}</value></entry></Attributes>"),
        "ListRoles": xml("iam", "ListRoles", "<Roles/><IsTruncated>false</IsTruncated>"),
    }.get(action, (400, {"__type": "Unknown", "message": "not recorded"}))


SHAPES = {
    "attributes-a-string": ("GetQueueAttributes", {"Attributes": "x"}),
    "attributes-a-list": ("GetQueueAttributes", {"Attributes": [1, 2]}),
    "tags-a-string": ("ListQueueTags", {"Tags": "x"}),
    "xml-that-does-not-parse": ("ListTopics", "<notxml"),
    "xml-botocore-trips-on": ("GetSubscriptionAttributes",
                              xml("sns", "GetSubscriptionAttributes", "<Attributes><entry><key/></entry></Attributes>")),
    "redrive-target-a-list": ("GetQueueAttributes", {"Attributes": {"QueueArn": Q1, "RedrivePolicy":
                                                                    '{"deadLetterTargetArn": [1]}'}}),
    "redrive-count-of-5000-digits": ("GetQueueAttributes", {"Attributes": {"QueueArn": Q1, "RedrivePolicy":
                                     '{"deadLetterTargetArn": "%s", "maxReceiveCount": "%s"}' % (Q1, "9" * 5000)}}),
    "error-with-escapes": ("ListQueues", (400, {"__type": "Weird\n::error::x", "message": "\x1b]0;t\x07" * 500})),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_an_answer_of_another_shape_exits_1_with_a_message(case, capsys):
    action, body = SHAPES[case]

    def answer(a, params):
        return body if a == action else _account(a, params)

    with serve_aws(answer) as (ep, _calls):
        code = main(["import", "aws", "--endpoint-url", ep, "-o", "-"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "internal error" not in err and "\x1b" not in out + err
    assert not any(line.startswith("::") for line in (out + err).splitlines())


# --- drift of hostile live values -----------------------------------------------------------------------------------

DRIFT_SHAPES = {
    "redrive-a-list": {"RedrivePolicy": "[1, 2]"},
    "redrive-target-a-list": {"RedrivePolicy": '{"deadLetterTargetArn": [1], "maxReceiveCount": 3}'},
    "redrive-target-an-object": {"RedrivePolicy": '{"deadLetterTargetArn": {"a": 1}}'},
    "markup": {"KmsMasterKeyId": "k|x\n## H <img src=x> @team \u202e `` ` \x1b[31m"},
}


@pytest.fixture
def imported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with serve_aws(_account) as (ep, _calls):
        assert main(["import", "aws", "--endpoint-url", ep, "-o", "topology.yaml"]) == 0
    return tmp_path / "topology.yaml"


@pytest.mark.parametrize("case", sorted(DRIFT_SHAPES))
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_drift_of_hostile_live_values_exits_1_and_stays_inert(imported, capsys, case, fmt):
    def answer(action, params):
        if action == "GetQueueAttributes":
            return {"Attributes": {"QueueArn": Q1, "VisibilityTimeout": "30", **DRIFT_SHAPES[case]}}
        return _account(action, params)

    capsys.readouterr()
    with serve_aws(answer) as (ep, _calls):
        code = main(["drift", str(imported), "--cloud", "aws", "--endpoint-url", ep, "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 1 and "internal error" not in err, err
    assert "\x1b" not in out and "\u202e" not in out
    if fmt == "markdown":
        from markdown_it import MarkdownIt

        tokens = MarkdownIt("gfm-like").parse(out)
        kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
        assert not kinds & {"image", "html_inline", "html_block"}
        assert sum(t.type == "tr_open" for t in tokens) == 1 + out.count("\n| `")  # one row per drifted attribute
        assert sum(t.type == "heading_open" for t in tokens) == 0


def test_drift_markdown_is_bounded_for_a_ci_summary():
    import importlib

    drift_cli = importlib.import_module("generator.cli.drift")
    rows = [adoption.Row(f"SQS queue q{i}", "FilterPolicy", "none", "x" * 256_000) for i in range(2000)]
    text = drift_cli.render(rows, "markdown", "dev")
    assert len(text.encode()) < 1024 * 1024 and "and 1500 more" in text
    assert "256000" not in text and "more characters" in text


def test_attributes_kept_are_a_bounded_total(monkeypatch):
    """Each attribute was bounded (256 KB) but not their sum: 5,000 queues of 256 KB policies were 1.2 GB kept."""
    monkeypatch.setattr(reader, "MAX_TOTAL_ATTRIBUTE_CHARS", 2 * 1048576)
    urls = [f"http://x/{ACCOUNT}/q{i}" for i in range(15)]
    attrs = {u: {"QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}", "Policy": "x" * 200_000}
             for i, u in enumerate(urls)}
    with pytest.raises(InputError, match="more than 2 MiB of attributes"):
        reader.read({"sqs": FakeSqs(urls, attrs), "sns": FakeSns()}, "us-east-1")


def test_an_endpoint_never_gets_the_callers_credentials(monkeypatch, capsys):
    for k, v in {"AWS_ACCESS_KEY_ID": "AKIAREALREALREAL1234", "AWS_SECRET_ACCESS_KEY": "s" * 40,
                 "AWS_SESSION_TOKEN": "real-session", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}.items():
        monkeypatch.setenv(k, v)
    with serve_aws(_account) as (ep, calls):
        assert main(["import", "aws", "--endpoint-url", ep, "-o", "-"]) == 0
    capsys.readouterr()
    assert calls and all(h.get("Authorization", "").startswith("AWS4-HMAC-SHA256 Credential=test/") and
                         "X-Amz-Security-Token" not in h for _a, _p, h in calls)


def test_keys_yaml_reads_as_booleans_or_null_in_any_case_are_quoted():
    """Tag keys "True" and "Yes" were written plain: YAML read both as the boolean true, and one value was lost."""
    tags = {k: f"v{i}" for i, k in enumerate(("True", "Yes", "NULL", "Off", "N", "y", "ON", "plain"))}
    text = yamlwrite.dump({"tags": tags})
    assert yaml.safe_load(text)["tags"] == tags
    assert "  plain: " in text  # an ordinary key stays plain
