"""Which IAM roles send to and receive from the adopted channels (issue 28: "services where the cloud tells").

SQS and SNS do not say who uses a queue; IAM does. Each role's inline and attached customer-managed policies are
read (read-only calls, ``ACTIONS``), and every Allow statement that grants sending (``sqs:SendMessage``,
``sns:Publish``) or receiving (``sqs:ReceiveMessage``) on a selected queue or topic ARN makes the role a service
with that identity. What is not a team's own grant is left out and reported, never guessed:

- a grant on every resource (``*``, ``arn:aws:sqs:*:*:*``, a name part that is only ``*``) is an administrator's
  or a tool's, not a service's;
- AWS managed policies (``arn:aws:iam::aws:policy/...``: AmazonSQSFullAccess and the like) are such grants;
- service-linked roles (path ``/aws-service-role/``) belong to AWS services;
- ``NotAction``, ``NotResource`` and ``Deny`` are not evaluated (IAM's full evaluation needs every policy of the
  account, boundaries and SCPs included): a role that relies on them is reported.

Bounded like the reader: at most ``MAX_ROLES`` roles, ``MAX_POLICIES`` policy documents of ``MAX_POLICY_CHARS``
characters each; role names must be IAM role names. IAM read access is often narrower than SQS/SNS read access,
so a denied IAM call is a note (the services stay TODO placeholders), not an error.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ...errors import InputError
from .. import identities
from ..adoption import Pages, aws_token

MAX_ROLES = 2000
MAX_POLICIES = 5000
MAX_NOTES = 50
MAX_POLICY_CHARS = 10_240  # the largest inline role policy IAM allows; managed policies allow 6,144
MAX_PATTERNS = 100_000  # wildcard resources of every policy read, in all (each is compiled and matched)
MAX_MATCHES = 5_000_000  # (wildcard resource, selected ARN) comparisons, in all
ACTIONS = ("iam:ListRoles", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
           "iam:GetPolicy", "iam:GetPolicyVersion")
SEND = ("sqs:sendmessage", "sns:publish")
RECEIVE = ("sqs:receivemessage",)
# ASCII (IAM's names are; Python's \w is every script's letters, invisible Hangul fillers among them) and \Z ('$'
# also matches before a final newline)
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}\Z", re.ASCII)
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}\Z", re.ASCII)


@dataclass
class Grants:
    """What one role may do on the selected channels: sets of queue/topic ARNs."""

    arn: str
    name: str
    send: set = field(default_factory=set)
    receive: set = field(default_factory=set)


def _list(value) -> list:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []


def _everything(resource: str) -> bool:
    """A grant on every queue or topic: ``*`` or an ARN whose region, account or name is only wildcards."""
    if resource.strip("*?") == "":
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[5].strip("*?") == ""


def _document(raw):
    """A policy document from IAM: the URL-encoded JSON text (``read`` keeps botocore from decoding it: its decoder
    has no bound on size or depth, a 50,000-deep array was a RecursionError and exit 3), or a decoded document."""
    if isinstance(raw, str):
        if len(raw) > 3 * MAX_POLICY_CHARS:
            return None
        try:
            raw = json.loads(urllib.parse.unquote(raw))
        except (ValueError, RecursionError):
            return None
        return raw if isinstance(raw, dict) else None
    try:
        return raw if isinstance(raw, dict) and len(json.dumps(raw)) <= 3 * MAX_POLICY_CHARS else None
    except (ValueError, TypeError, RecursionError):
        return None


class _Work:
    """The wildcard resources compiled and the comparisons made over every policy of one read (``MAX_*``): a
    policy of thousands of ``*`` resources, in each of thousands of roles, costs a bounded total."""

    def __init__(self):
        self.patterns = self.matches = 0

    def spend(self, n_arns: int) -> None:
        self.patterns += 1
        self.matches += n_arns
        if self.patterns > MAX_PATTERNS or self.matches > MAX_MATCHES:
            raise _Stop(f"more than {MAX_PATTERNS} wildcard resources or {MAX_MATCHES} comparisons in its policies")


def _matching(resource: str, arns, work) -> set:
    """The ARNs of ``arns`` that an IAM resource matches (``*`` and ``?`` are its only wildcards: a ``[`` is a
    character, not fnmatch's class)."""
    if "*" not in resource and "?" not in resource:
        return {resource} & set(arns)
    if work is not None:
        work.spend(len(arns))
    pattern = resource.replace("[", "[[]")
    return {arn for arn in arns if fnmatchcase(arn, pattern)}


def grants_of(document, arns, role: str, notes: list, work=None) -> tuple:
    """(send, receive): the ARNs of ``arns`` that ``document``'s Allow statements grant sending or receiving on."""
    send, receive = set(), set()
    doc = _document(document)
    if doc is None:
        notes.append(f"role {role}: a policy document that is not JSON or is too long; not read")
        return send, receive
    statements = doc.get("Statement")
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        if "NotAction" in st or "NotResource" in st:
            notes.append(f"role {role}: a statement with NotAction or NotResource is not evaluated")
            continue
        actions = [a.lower() for a in _list(st.get("Action")) if isinstance(a, str) and len(a) <= 128]
        resources = [r for r in _list(st.get("Resource")) if isinstance(r, str) and len(r) <= 2048]
        does_send = any(fnmatchcase(want, a) for a in actions for want in SEND)
        does_receive = any(fnmatchcase(want, a) for a in actions for want in RECEIVE)
        if not (does_send or does_receive):
            continue
        for r in resources:
            if _everything(r):
                notes.append(f"role {role}: grants {'/'.join(sorted(set(actions)))[:80]} on every resource "
                             f"({r[:40]}); not taken as a service")
                continue
            hit = _matching(r, arns, work)
            if does_send:
                send |= hit
            if does_receive:
                receive |= hit
    return send, receive


def read(iam, arns: set, where: str) -> tuple:
    """([Grants, ...] sorted by role name, notes): the roles that send to or receive from ``arns``."""
    from botocore.exceptions import BotoCoreError, ClientError

    from botocore.handlers import json_decode_policies

    # the documents are decoded here, bounded (``_document``), not by botocore's unbounded decoder
    events = getattr(getattr(iam, "meta", None), "events", None)  # None: a test's stand-in client
    if events is not None:
        events.unregister("after-call.iam", json_decode_policies)
    notes: list = []
    out = []
    work = _Work()
    managed: dict = {}  # policy ARN -> document (read once for every role it is attached to)
    read_docs = [0]

    def budget():
        read_docs[0] += 1
        if read_docs[0] > MAX_POLICIES:
            raise _Stop(f"more than {MAX_POLICIES} policy documents")

    try:
        roles = []
        pages = Pages(where)
        for page in pages.each(iam.get_paginator("list_roles").paginate(), "roles", aws_token):
            roles += [r for r in page.get("Roles", []) if isinstance(r, dict)]
            if len(roles) > MAX_ROLES:
                raise _Stop(f"more than {MAX_ROLES} roles")
        for r in sorted(roles, key=lambda r: str(r.get("RoleName", ""))):
            name, arn, path = str(r.get("RoleName", "")), str(r.get("Arn", "")), str(r.get("Path", "/"))
            if not _ROLE_NAME.match(name) or not _ROLE_ARN.match(arn):
                notes.append(f"a role that is not an IAM role name or ARN ({name[:64]!r}); left out")
                continue
            if path.startswith("/aws-service-role/"):
                continue
            send, receive = set(), set()
            for page in pages.each(iam.get_paginator("list_role_policies").paginate(RoleName=name),
                                   f"policies of role {name}", aws_token):
                for pname in page.get("PolicyNames", []):
                    budget()
                    doc = iam.get_role_policy(RoleName=name, PolicyName=pname).get("PolicyDocument")
                    s, v = grants_of(doc, arns, name, notes, work)
                    send |= s
                    receive |= v
            for page in pages.each(iam.get_paginator("list_attached_role_policies").paginate(RoleName=name),
                                   f"attached policies of role {name}", aws_token):
                for p in page.get("AttachedPolicies", []):
                    parn = str(p.get("PolicyArn", ""))
                    if ":iam::aws:policy/" in parn:
                        continue  # AWS managed: grants on every resource, not a team's (module docstring)
                    if parn not in managed:
                        budget()
                        version = (iam.get_policy(PolicyArn=parn).get("Policy") or {}).get("DefaultVersionId")
                        managed[parn] = (iam.get_policy_version(PolicyArn=parn, VersionId=version).get(
                            "PolicyVersion") or {}).get("Document")
                    s, v = grants_of(managed[parn], arns, name, notes, work)
                    send |= s
                    receive |= v
            if send or receive:
                out.append(Grants(arn, name, send, receive))
    except _Stop as stop:
        return [], [f"IAM of {where} has {stop}: services not read from IAM (they stay TODO placeholders)"]
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))[:60]
        return [], [f"IAM not read ({code} on {exc.operation_name}): the services stay TODO placeholders; grant "
                    f"{', '.join(ACTIONS)} to name them from the roles (docs/aws.md#least-privilege)"]
    except BotoCoreError as exc:
        return [], [f"IAM not read ({type(exc).__name__}): the services stay TODO placeholders"]
    except InputError as exc:  # a listing that never ends (adoption.Pages)
        return [], [f"IAM not read ({exc}): the services stay TODO placeholders"]
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        return [], [f"IAM of {where} answered what is not IAM's API ({type(exc).__name__}): services not read from "
                    "IAM (they stay TODO placeholders)"]
    notes = sorted(set(notes))
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more notes on IAM roles"]
    return out, notes


def name_services(data: dict, comments: dict, account, grants: list) -> list:
    """Turn each role's grants into services of ``data`` (the document of ``adopt.document``), in place
    (clouds/identities.py); a subscription is known by its queue's ARN. Returns notes for the report."""
    channel_of = {}  # queue or topic ARN -> ("queue" | "topic", logical name)
    subscription_of = {}  # subscription queue ARN -> (topic logical name, service)
    for kind, section in (("queue", "queues"), ("topic", "topics")):
        for cname, entry in (data.get(section) or {}).items():
            adopted = entry.get("adopt", {}).get("aws", {})
            live = (account.queues if kind == "queue" else account.topics).get(adopted.get("name"))
            if live is not None:
                channel_of[live.arn] = (kind, cname)
            for svc, sub in (adopted.get("subscriptions") or {}).items():
                q = account.queues.get(sub.get("queue"))
                if q is not None:
                    subscription_of[q.arn] = (cname, svc)
    found = [identities.Grants(g.arn, g.name, f"IAM role {g.name}", g.send, g.receive) for g in grants]
    return identities.name_services(data, comments, found, channel_of, subscription_of, "aws_role")


class _Stop(Exception):
    pass
