"""More managed policies would be attached to one IAM role than IAM allows by default (warning, AWS).

topowire attaches one managed policy per service to its ``identity.aws_role``,
in every stack. IAM attaches at most 10 managed policies to a role unless the
account's quota ("Managed policies per role") was raised, and the role's own
policies count too: the attachment past the quota fails with
``LimitExceeded`` and stops ``pulumi up`` of that stack. Counted over every
stack of the file (its environments, and ``dev`` as written when they do not
list it, as for TOP119). Give each stack its own role
(``environments.<stack>.services.<service>.identity.aws_role``), or services
their own roles, or raise the quota first.

Passing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jobs], identity: {aws_role: shared}}
      worker: {consumes: [jobs], identity: {aws_role: shared}}

Failing:

    queues: {jobs: {}}
    services:
      a1: {publishes: [jobs], identity: {aws_role: shared}}
      a2: {publishes: [jobs], identity: {aws_role: shared}}
      a3: {publishes: [jobs], identity: {aws_role: shared}}
      a4: {publishes: [jobs], identity: {aws_role: shared}}
      a5: {publishes: [jobs], identity: {aws_role: shared}}
      a6: {publishes: [jobs], identity: {aws_role: shared}}
      a7: {consumes: [jobs], identity: {aws_role: shared}}
      a8: {consumes: [jobs], identity: {aws_role: shared}}
      a9: {consumes: [jobs], identity: {aws_role: shared}}
      b1: {consumes: [jobs], identity: {aws_role: shared}}
      b2: {consumes: [jobs], identity: {aws_role: shared}}
"""

from ..clouds.aws import spec as aws_spec
from ..diagnostics import WARNING, Finding
from .top119_identity_shared_by_stacks import grants, identity_key, stacks_of

CODE = "TOP223"
NAME = "role-policy-quota"
LEVEL = WARNING


def check(ctx):
    if ctx.environment is not None or "aws" not in ctx.clouds:
        return  # counts over every stack, once
    stacks = stacks_of(ctx) or {ctx.topology.stack: ctx.topology}
    attached: dict = {}  # role key -> [(stack, service, path, role)]
    for stack, topo in sorted(stacks.items()):
        for s in topo.services.values():
            role = s.identity.aws_role
            if role and grants(s):
                attached.setdefault(identity_key("aws_role", role), []).append(
                    (stack, s.name, s.identity.origin("aws_role", s.path + ("identity", "aws_role")), role))
    for _key, found in sorted(attached.items()):
        if len(found) <= aws_spec.MAX_ROLE_MANAGED_POLICIES:
            continue
        by_stack: dict = {}
        for stack, service, _p, _r in found:
            by_stack.setdefault(stack, []).append(service)
        parts = [f"stack '{st}': {', '.join(sv[:5])}" + (f" and {len(sv) - 5} more" if len(sv) > 5 else "")
                 for st, sv in sorted(by_stack.items())]
        path, role = min((p, r) for _s, _svc, p, r in found)
        yield Finding(CODE, LEVEL, f"IAM role '{aws_spec.role_name(role)}' would get {len(found)} managed policies "
                      f"from this file ({'; '.join(parts)}); IAM attaches at most "
                      f"{aws_spec.MAX_ROLE_MANAGED_POLICIES} to a role by default, its own policies included: the "
                      "attachment past the quota fails with LimitExceeded", path,
                      "give each stack or service its own role (environments.<stack>.services.<service>.identity."
                      "aws_role), or raise the account's 'Managed policies per role' quota first")
