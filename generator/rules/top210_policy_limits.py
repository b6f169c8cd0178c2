"""Tags or access policies exceed a target cloud's documented limits.

- Tags: AWS and Azure resources take at most 50, GCP at most 64 labels
  (``tags`` apply to every resource).
- AWS: a service's managed IAM policy holds at most 6,144 characters
  (checked here as a lower bound from its ARNs, exactly when the program
  builds the policy).
- Azure: at most 4,000 role assignments per subscription.

Passing:

    tags: {team: data}

Failing:

    targets: [aws]
    tags: {t01: x, t02: x, t03: x, t04: x, t05: x, t06: x, t07: x, t08: x, t09: x, t10: x, t11: x, t12: x,
           t13: x, t14: x, t15: x, t16: x, t17: x, t18: x, t19: x, t20: x, t21: x, t22: x, t23: x, t24: x,
           t25: x, t26: x, t27: x, t28: x, t29: x, t30: x, t31: x, t32: x, t33: x, t34: x, t35: x, t36: x,
           t37: x, t38: x, t39: x, t40: x, t41: x, t42: x, t43: x, t44: x, t45: x, t46: x, t47: x, t48: x,
           t49: x, t50: x, t51: x}
"""

from ..clouds import spec
from ..diagnostics import ERROR, Finding

CODE = "TOP210"
NAME = "policy-limits"
LEVEL = ERROR


def check(ctx):
    for cloud in ctx.clouds:
        mod = spec(cloud)
        for path, problem in mod.policy_problems(ctx.topology):
            yield Finding(CODE, LEVEL, f"{mod.TITLE}: {problem}", path,
                          "use fewer tags, or split the service's access across services", key=len(path) > 1)
