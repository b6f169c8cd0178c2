"""An identifier that reaches an IAM policy could name more than one thing, or another account's role.

Values in ``encryption.kms_key``, ``identity`` and ``clouds.aws.alarm_topic``
go into IAM policies and attachments. A wildcard (``*``, ``?``) there widens
the grant: ``kms_key: "arn:aws:kms:*:*:*"`` would let services decrypt with
every key. A KMS key must be one of the forms AWS documents (key id, key ARN,
``alias/<name>``, alias ARN). Role ARNs of different accounts in one file
cannot all be right: the policy is attached by role name in the account the
stack deploys to (cross-account roles are not supported; at deployment a
role ARN of another account than the stack's is refused too). A key is cited
where it is written: in the channel, ``defaults`` or the environment that sets it.

Passing:

    queues: {jobs: {encryption: {kms_key: alias/jobs}}}

Failing:

    queues: {jobs: {encryption: {kms_key: "arn:aws:kms:*:*:*"}}}
"""

from ..clouds import stores
from ..clouds.aws import spec as aws_spec
from ..diagnostics import ERROR, Finding

CODE = "TOP209"
NAME = "identifier-values"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    seen = set()
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
    alarm = topo.clouds.aws_alarm_topic
    if alarm and any(w in alarm for w in aws_spec.WILDCARDS):
        yield Finding(CODE, LEVEL, "clouds.aws.alarm_topic contains a wildcard", ("clouds", "aws", "alarm_topic"),
                      "name exactly one SNS topic ARN")
