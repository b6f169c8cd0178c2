"""A stack's dead-letter alarms notify no one: messages can pile up in dead letters unseen (warning).

Every cloud gets alarms on its dead-letter channels (CloudWatch alarms,
Azure Monitor alerts, a Cloud Monitoring alert policy), but an alarm
notifies only the targets it is given. Name them in the file, per cloud and
per stack (``environments.<stack>.clouds`` over the top-level ``clouds``):
``clouds.aws.alarm_topic`` (an SNS topic ARN), ``clouds.azure.action_group``
(an action group's resource id), ``clouds.gcp.notification_channels``
(Cloud Monitoring channels). ``none`` says on purpose that a stack's alarms
notify no one (a developer's stack). Stack config ``actionGroup`` and
``notificationChannels`` (and ``alerts: false``) still work when the file
sets nothing, but the file cannot see them: move them into the file.

Passing:

    targets: [aws]
    queues: {jobs: {}}
    clouds: {aws: {alarm_topic: none}}
    environments:
      prod:
        clouds: {aws: {alarm_topic: "arn:aws:sns:eu-west-1:123456789012:oncall"}}

Failing:

    targets: [aws]
    queues: {jobs: {}}
"""

from ..clouds import spec
from ..diagnostics import WARNING, Finding
from .. import words
from ..words import plural

CODE = "TOP222"
NAME = "alarms-notify-no-one"
LEVEL = WARNING


def _where(data, clouds: list) -> tuple:
    """The node to point at: the top-level clouds entry that should say it, or the nearest that exists."""
    for cloud in clouds:
        if cloud in (data.get("clouds") or {}):
            return ("clouds", cloud)
    return ("clouds",) if data.get("clouds") else ("name",)


def check(ctx):
    if ctx.environment is not None:
        return  # an environment can set a target, never take one away: the file as written decides, once
    silent, parts = [], []
    stacks = set()
    for cloud in ctx.clouds:
        mod = spec(cloud)
        count = mod.alarms(ctx.topology)
        if not count or ctx.topology.clouds.targets(cloud) or ctx.topology.clouds.notifies_no_one_on_purpose(cloud):
            continue
        key, _what, one, many = mod.ALARM_TARGET
        silent.append(cloud)
        parts.append(f"{mod.TITLE} ({plural(count, one, many)}; {key})")
        stacks |= {stack for stack, topo in ctx.stacks.items()
                   if not topo.clouds.targets(cloud) and not topo.clouds.notifies_no_one_on_purpose(cloud)}
    if not silent:
        return
    where = f"in stacks {words.listing(sorted(stacks))}, and " if len(stacks) > 1 else \
        f"in stack '{next(iter(stacks))}', and " if stacks else ""
    where += "in every stack that environments does not list" if ctx.stacks else "in every stack"
    shown = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    keys = " / ".join(spec(c).ALARM_TARGET[0] for c in silent)
    yield Finding(CODE, LEVEL, f"the dead-letter alarms on {shown} notify no one {where}: the file says nowhere "
                  "for them to go", _where(ctx.data, silent),
                  f"set {keys} (per stack under environments.<stack>.clouds) to where alarms go, or to none if no "
                  "one is to be notified")
