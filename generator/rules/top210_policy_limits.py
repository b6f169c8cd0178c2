"""Tags or access policies exceed a target cloud's documented limits.

- Tags: AWS and Azure resources take at most 50, GCP at most 64 labels
  (``tags`` apply to every resource).
- AWS: a service's managed IAM policy holds at most 6,144 characters
  (checked here as a lower bound from its ARNs, exactly when the program
  builds the policy).
- Azure: at most 4,000 role assignments per subscription.
- GCP: tags become labels, whose keys are lowercase letters, digits, ``_``
  and ``-``, at most 63 characters: two tags that become one key
  (``Cost-Center`` and ``cost-center``, ``cost.center`` and ``cost_center``)
  would keep only one value, so the second is an error.

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
from ..clouds.gcp import spec as gcp_spec
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
    if "gcp" in ctx.clouds:
        yield from _label_collisions(ctx)


def _written_tags(ctx) -> dict:
    """Each tag key of this pass's topology -> where it is written, in file order (the environment's own last)."""
    out = {k: ("tags", k) for k in (ctx.data.get("tags") or {}) if isinstance(k, str)}
    envs = ctx.data.get("environments") or {}
    env = envs.get(ctx.environment) if ctx.environment is not None and isinstance(envs, dict) else None
    tags = env.get("tags") if isinstance(env, dict) else None
    for k in (tags if isinstance(tags, dict) else {}):
        if isinstance(k, str) and k not in out:
            out[k] = ("environments", ctx.environment, "tags", k)
    return out


def _label_collisions(ctx):
    first = {}
    for tag, path in _written_tags(ctx).items():  # at most the schema's tags: bounded
        key = gcp_spec.label(tag, key=True)
        if key in first:
            yield Finding(CODE, LEVEL, f"GCP: tags '{first[key]}' and '{tag}' both become label key '{key}' (label "
                          "keys are lowercase letters, digits, '_' and '-', at most 63 characters); one value would "
                          "be lost", path, f"rename tag '{tag}' so that its label key differs from that of "
                          f"'{first[key]}'", key=True)
        else:
            first[key] = tag
