"""The KMS keys a plan names, looked up on the emulator before anything is created.

On AWS a queue or topic whose ``KmsMasterKeyId`` names no usable key takes no message: SQS refuses
``SendMessage`` (``KMS.NotFoundException``, ``KMS.DisabledException``), SNS cannot deliver to the queue
and its messages are lost. moto stores the id and delivers anyway, so a key that does not exist looked
like it worked (issue 29). Every key the plan's queues, topics and buckets name must therefore exist on
the emulator, enabled, symmetric and for encryption (SQS and SNS use symmetric encryption keys only:
docs/aws.md, "KMS keys on the emulator"), or ``local up --endpoint`` stops with the list.

The embedded emulator starts empty on every run, so no key of the caller's account can be there: its keys
are listed as not checked by the emulator instead. AWS managed keys (``alias/aws/<service>``) exist in
every account (AWS creates them on first use) and are not looked up.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..escape import terminal
from ..words import listing

MAX_SHOWN = 20  # keys listed in one message; the rest are counted
MAX_KEY_SHOWN = 200  # characters of one key shown (the format bounds no key id's length; KMS takes 2,048)
KEY_INPUTS = {
    "aws:sqs/queue:Queue": ("kmsMasterKeyId",),
    "aws:sns/topic:Topic": ("kmsMasterKeyId",),
}


@dataclass(frozen=True)
class Use:
    key: str
    user: str  # the resource's physical name


def shown(key: str) -> str:
    """A key id for a message: escaped for the terminal, cut past ``MAX_KEY_SHOWN`` characters."""
    cut = key if len(key) <= MAX_KEY_SHOWN else key[:MAX_KEY_SHOWN] + f"... ({len(key)} characters)"
    return terminal(cut)


def uses(plan) -> list:
    """(key, resource) for every KMS key the plan's resources name, sorted."""
    out = set()
    for r in plan.resources:
        for field in KEY_INPUTS.get(r.type, ()):
            key = r.inputs.get(field)
            if isinstance(key, str) and key:
                out.add(Use(key, str(r.inputs.get("name") or r.name)))
        if r.type.endswith("BucketServerSideEncryptionConfiguration"):
            for rule in r.inputs.get("rules") or ():
                key = ((rule or {}).get("applyServerSideEncryptionByDefault") or {}).get("kmsMasterKeyId")
                if isinstance(key, str) and key:
                    out.add(Use(key, str(r.inputs.get("bucket") or r.name)))
    return sorted(out, key=lambda u: (u.key, u.user))


def aws_managed(key: str) -> bool:
    return key.startswith("alias/aws/") or ":alias/aws/" in key


def customer_keys(plan) -> dict:
    """key -> the resources that name it, for the keys that are not AWS managed."""
    out: dict = {}
    for u in uses(plan):
        if not aws_managed(u.key):
            out.setdefault(u.key, []).append(u.user)
    return out


def problem(kms, key: str) -> str:
    """Why ``key`` cannot encrypt messages on the emulator ("" when it can)."""
    try:
        meta = kms.describe_key(KeyId=key)["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return "does not exist"
    if not meta.get("Enabled", True) or meta.get("KeyState", "Enabled") != "Enabled":
        return f"is {meta.get('KeyState', 'disabled')}, not Enabled"
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec != "SYMMETRIC_DEFAULT" or meta.get("KeyUsage", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        return f"is a {spec} {meta.get('KeyUsage', '')} key; SQS and SNS encrypt with symmetric keys only"
    return ""


def check(plan, clients: dict, endpoint: str) -> None:
    """InputError naming every customer key of the plan that the emulator at ``endpoint`` cannot use."""
    wanted = customer_keys(plan)
    bad = [(key, why, users) for key, users in wanted.items() if (why := problem(clients["kms"], key))]
    if not bad:
        return
    lines = [f"  {shown(key)} ({', '.join(terminal(u) for u in users[:3])}"
             f"{f' and {len(users) - 3} more' if len(users) > 3 else ''}) {why}" for key, why, users in bad[:MAX_SHOWN]]
    if len(bad) > MAX_SHOWN:
        lines.append(f"  ... and {len(bad) - MAX_SHOWN} more")
    raise InputError(
        f"{len(bad)} KMS {'key' if len(bad) == 1 else 'keys'} named by the topology cannot be used on the emulator "
        f"at {terminal(endpoint)}; on AWS their queues and topics would take no message:\n" + "\n".join(lines)
        + f"\ncreate each key there first (aws --endpoint-url {terminal(endpoint)} kms create-key, then kms "
          "create-alias --alias-name alias/... --target-key-id <KeyId>), or fix encryption.kms_key")


def unchecked(plan) -> list:
    """What the embedded emulator cannot say about the plan's keys: one line naming them, or none."""
    wanted = customer_keys(plan)
    if not wanted:
        return []
    return [f"KMS {'key' if len(wanted) == 1 else 'keys'} {listing([shown(k) for k in wanted], MAX_SHOWN)}: "
            "that each exists in your account, is enabled and lets SNS and the services use it (the embedded "
            "emulator starts empty and ignores keys; `local up --endpoint` checks them on an emulator where "
            "you created them)"]
