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


def _where(data, cloud: str) -> tuple:
    """The node to point at: the top-level clouds entry that should say it, or the nearest that exists."""
    if cloud in (data.get("clouds") or {}):
        return ("clouds", cloud)
    return ("clouds",) if data.get("clouds") else ("name",)


def check(ctx):
    if ctx.environment is not None:
        return  # an environment can set a target, never take one away: the file as written decides, once
    clouds = ctx.topology.clouds
    for cloud in ctx.clouds:
        mod = spec(cloud)
        count = mod.alarms(ctx.topology)
        if not count or clouds.targets(cloud) or clouds.notifies_no_one_on_purpose(cloud):
            continue
        silent = [stack for stack, topo in sorted(ctx.stacks.items())
                  if not topo.clouds.targets(cloud) and not topo.clouds.notifies_no_one_on_purpose(cloud)]
        where = f"in stacks {words.listing(silent)}, and " if len(silent) > 1 else \
            f"in stack '{silent[0]}', and " if silent else ""
        where += "in every stack that environments does not list" if ctx.stacks else "in every stack"
        key, what, one, many = mod.ALARM_TARGET
        yield Finding(CODE, LEVEL, f"on {mod.TITLE}, {plural(count, one, many)} on dead letters "
                      f"{'notifies' if count == 1 else 'notify'} no one {where}: {key} is not set",
                      _where(ctx.data, cloud),
                      f"set {key} to {what} (per stack: environments.<stack>.{key}), or to none if no one is to "
                      "be notified")
