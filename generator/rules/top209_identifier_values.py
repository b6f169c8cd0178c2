"""An identifier that reaches an IAM policy could name more than one thing, or another account's role.

Values in ``encryption.kms_key``, ``identity`` and ``clouds.aws.alarm_topic``
go into IAM policies and attachments. A wildcard (``*``, ``?``) there widens
the grant: ``kms_key: "arn:aws:kms:*:*:*"`` would let services decrypt with
every key. A KMS key must be one of the forms AWS documents (key id, key ARN,
``alias/<name>``, alias ARN). Role ARNs of different accounts in one file
cannot all be right: the policy is attached by role name in the account the
stack deploys to (cross-account roles are not supported; at deployment a
role ARN of another account than the stack's is refused too). The same holds for
every account an ARN of the file names: a KMS key ARN (or alias ARN) and
``clouds.aws.alarm_topic`` of another account than the roles' and the other
keys' are refused as well (issue 30): the account most ARNs name is taken as
the deploying one, and each ARN of another account is reported. A key is cited
where it is written: in the channel, ``defaults`` or the environment that sets it.

Passing:

    queues: {jobs: {encryption: {kms_key: alias/jobs}}}

Failing:

    queues: {jobs: {encryption: {kms_key: "arn:aws:kms:*:*:*"}}}
"""

import re

from ..clouds import stores
from ..clouds.aws import spec as aws_spec
from ..diagnostics import ERROR, Finding

CODE = "TOP209"
NAME = "identifier-values"
LEVEL = ERROR

KMS_ACCOUNT = re.compile(r"^arn:aws(?:-[a-z]+)*:kms:[^:]*:([0-9]{12}):")
SNS_ACCOUNT = re.compile(r"^arn:aws(?:-[a-z]+)*:sns:[^:]*:([0-9]{12}):")


def _account(pattern, value) -> str | None:
    m = pattern.match(value or "")
    return m.group(1) if m else None


def check(ctx):
    topo = ctx.topology
    seen = set()
    arns = {}  # account -> [(what, path)] of the KMS key and alarm topic ARNs
    channels = [(s.encryption, s.origins["encryption"]) for _label, s, _path in stores(topo)]
    channels += [(t.encryption, t.encryption_origin) for t in topo.topics.values()]
    for enc, where in channels:
        if enc.mode != "kms" or where in seen:
            continue
        seen.add(where)
        problem = aws_spec.kms_key_problem(enc.kms_key)
        if problem:
            yield Finding(CODE, LEVEL, problem, where + ("kms_key",),
                          "name one key: its id, key ARN, alias/<name> or alias ARN, without wildcards")
            continue
        account = _account(KMS_ACCOUNT, enc.kms_key)
        if account:
            arns.setdefault(account, []).append((f"KMS key '{enc.kms_key}'", where + ("kms_key",), "a key"))
    roles = {}
    for s in topo.services.values():
        ident = s.identity
        for field, value in (("aws_role", ident.aws_role), ("azure_principal_id", ident.azure_principal_id),
                             ("gcp_service_account", ident.gcp_service_account)):
            if value and any(w in value for w in aws_spec.WILDCARDS):
                yield Finding(CODE, LEVEL, f"identity.{field} of service '{s.name}' contains a wildcard",
                              s.path + ("identity", field), "name exactly one identity")
        account = aws_spec.role_account(ident.aws_role or "")
        if account:
            roles.setdefault(account, []).append(s)
    alarm = topo.clouds.aws_alarm_topic
    account = _account(SNS_ACCOUNT, alarm)
    if account:
        arns.setdefault(account, []).append((f"clouds.aws.alarm_topic '{alarm}'", ("clouds", "aws", "alarm_topic"),
                                             "a topic"))
    every = set(roles) | set(arns)
    if len(every) > 1:
        # the account most roles (then keys and the alarm topic) name is the deploying one; the others are reported
        ranked = sorted(every, key=lambda a: (-len(roles.get(a, ())), -len(arns.get(a, ())), a))
        for account in ranked[1:]:
            for what, path, kind in arns.get(account, ()):
                yield Finding(CODE, LEVEL, f"{what} is in account {account}, while the file's other ARNs name "
                              f"account {ranked[0]}: resources of another account are not supported (its "
                              "policies and grants are not this stack's to set)", path,
                              f"use {kind} of account {ranked[0]}, the one the stack deploys to" +
                              (" (or alias/<name>, looked up there)" if kind == "a key" else ""))
    if len(roles) > 1:
        # the account most roles use is taken as the deploying one; the others are reported
        ranked = sorted(roles, key=lambda a: (-len(roles[a]), a))
        for account in ranked[1:]:
            for s in roles[account]:
                yield Finding(CODE, LEVEL, f"identity.aws_role of service '{s.name}' is a role of account {account}, "
                              f"while other services use roles of account {ranked[0]}: cross-account roles are not "
                              f"supported (the policy would be attached to a role named "
                              f"'{s.identity.aws_role.rsplit('/', 1)[-1]}' in the deploying account)",
                              s.path + ("identity", "aws_role"),
                              "use roles of the account the stack deploys to (a role name is enough)")
    if alarm and any(w in alarm for w in aws_spec.WILDCARDS):
        yield Finding(CODE, LEVEL, "clouds.aws.alarm_topic contains a wildcard", ("clouds", "aws", "alarm_topic"),
                      "name exactly one SNS topic ARN")
