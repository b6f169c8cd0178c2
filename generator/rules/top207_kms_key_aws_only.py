"""A customer-managed key is set and a target cloud other than AWS cannot use it (warning).

``encryption: {kms_key: …}`` names an AWS KMS key. Service Bus and Pub/Sub
always encrypt at rest with their own managed keys; topowire uses those there
and says so. (Service Bus customer keys are namespace-wide and need Premium;
Pub/Sub's take a Cloud KMS key: both are stack-level choices, not per channel.)

Passing:

    targets: [aws]
    queues: {jobs: {encryption: {kms_key: alias/jobs}}}

Failing:

    targets: [aws, gcp]
    queues: {jobs: {encryption: {kms_key: alias/jobs}}}
"""

from ..clouds import stores
from ..diagnostics import WARNING, Finding

CODE = "TOP207"
NAME = "kms-key-aws-only"
LEVEL = WARNING


def check(ctx):
    others = [c for c in ctx.clouds if c != "aws"]
    if not others:
        return
    seen = set()
    for _label, s, _path in stores(ctx.topology):
        if s.encryption.mode != "kms":
            continue
        where = s.origins["encryption"]
        if where in seen:
            continue
        seen.add(where)
        names = " and ".join({"azure": "Azure", "gcp": "GCP"}[c] for c in others)
        yield Finding(CODE, LEVEL, f"KMS key '{s.encryption.kms_key}' applies on AWS only: on {names} these "
                      "messages are encrypted at rest with the cloud's managed keys", where,
                      "nothing to do if that is acceptable; otherwise drop those clouds from 'targets'")
