"""Services from IAM roles (clouds/aws/principals.py): what counts as a grant, and what an account cannot make
topowire do (hostile or broken IAM answers are bounded, reported, never a traceback)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from generator.clouds.aws import principals

Q = "arn:aws:sqs:eu-west-1:111122223333:shop-jobs"
T = "arn:aws:sns:eu-west-1:111122223333:shop-orders"
ARNS = {Q, T}


def grants(*statements):
    notes = []
    send, receive = principals.grants_of({"Version": "2012-10-17", "Statement": list(statements)}, ARNS, "r", notes)
    return send, receive, notes


@pytest.mark.parametrize("action, sends, receives", [
    ("sqs:SendMessage", True, False), ("SQS:sendmessage", True, False), ("sqs:Send*", True, False),
    ("sqs:*", True, True), ("sqs:ReceiveMessage", False, True), ("sqs:GetQueueAttributes", False, False),
    ("sqs:DeleteMessage", False, False)])
def test_which_actions_are_sending_or_receiving(action, sends, receives):
    send, receive, _ = grants({"Effect": "Allow", "Action": action, "Resource": Q})
    assert (Q in send, Q in receive) == (sends, receives)


def test_resources_by_pattern_count_but_everything_is_an_administrators_grant():
    assert grants({"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:111122223333:shop-*"})[0] == {T}
    for everything in ("*", "arn:aws:sqs:*:*:*", "arn:aws:sqs:eu-west-1:111122223333:*"):
        send, receive, notes = grants({"Effect": "Allow", "Action": "sqs:*", "Resource": everything})
        assert not send and not receive and "not taken as a service" in notes[0]


def test_deny_notaction_and_notresource_are_not_grants():
    assert grants({"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": Q})[:2] == (set(), set())
    send, _, notes = grants({"Effect": "Allow", "NotAction": "iam:*", "Resource": Q})
    assert not send and "NotAction or NotResource" in notes[0]
    send, _, notes = grants({"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": Q})
    assert not send and notes


def test_a_single_statement_object_and_a_url_encoded_document():
    one = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": Q}}
    assert principals.grants_of(one, ARNS, "r", [])[0] == {Q}
    from urllib.parse import quote
    assert principals.grants_of(quote(json.dumps(one)), ARNS, "r", [])[0] == {Q}


@pytest.mark.parametrize("document", ["{not json", "[" * 50_000, {"Statement": "x" * 100_000}, 42, None])
def test_broken_or_huge_documents_are_reported_not_read(document):
    notes = []
    assert principals.grants_of(document, ARNS, "r", notes) == (set(), set())
    assert notes and "not read" in notes[0]


class FakeIAM:
    """An IAM client answering from a dict; ``deny`` names an operation that is refused."""

    def __init__(self, roles, inline=None, deny=None):
        self.roles, self.inline, self.deny = roles, inline or {}, deny

    def get_paginator(self, op):
        fake = self

        class P:
            def paginate(self, **kw):
                if fake.deny == op:
                    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, op)
                if op == "list_roles":
                    yield {"Roles": fake.roles}
                elif op == "list_role_policies":
                    yield {"PolicyNames": sorted(fake.inline.get(kw["RoleName"], {}))}
                else:
                    yield {"AttachedPolicies": []}
        return P()

    def get_role_policy(self, RoleName, PolicyName):
        return {"PolicyDocument": self.inline[RoleName][PolicyName]}


def role(name, path="/"):
    return {"RoleName": name, "Arn": f"arn:aws:iam::111122223333:role/{name}", "Path": path}


def test_a_denied_iam_call_is_a_note_not_an_error():
    found, notes = principals.read(FakeIAM([role("a")], deny="list_roles"), ARNS, "AWS")
    assert found == [] and "IAM not read (AccessDenied on list_roles)" in notes[0] and "iam:ListRoles" in notes[0]


def test_role_names_from_iam_are_checked_and_counts_bounded(monkeypatch):
    doc = {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": Q}]}
    hostile = {"RoleName": "evil\n::error::x", "Arn": "arn:aws:iam::111122223333:role/evil\n", "Path": "/"}
    found, notes = principals.read(FakeIAM([hostile, role("ok")], {"ok": {"p": doc}, hostile["RoleName"]: {"p": doc}}),
                                   ARNS, "AWS")
    assert [g.name for g in found] == ["ok"] and any("not an IAM role name" in n for n in notes)
    assert all("\n" not in n for n in notes)
    monkeypatch.setattr(principals, "MAX_ROLES", 3)
    found, notes = principals.read(FakeIAM([role(f"r{i}") for i in range(4)]), ARNS, "AWS")
    assert found == [] and "more than 3 roles" in notes[0]
    monkeypatch.setattr(principals, "MAX_ROLES", 100)
    monkeypatch.setattr(principals, "MAX_POLICIES", 5)
    many = {f"r{i}": {f"p{j}": doc for j in range(3)} for i in range(3)}
    found, notes = principals.read(FakeIAM([role(f"r{i}") for i in range(3)], many), ARNS, "AWS")
    assert found == [] and "more than 5 policy documents" in notes[0]


def test_notes_are_bounded():
    roles = [role(f"admin{i:03d}") for i in range(200)]
    everything = {"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}
    _, notes = principals.read(FakeIAM(roles, {r["RoleName"]: {"p": everything} for r in roles}), ARNS, "AWS")
    assert len(notes) == principals.MAX_NOTES + 1 and notes[-1].startswith("... and 150 more")
