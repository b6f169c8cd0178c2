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
from ..words import plural

CODE = "TOP222"
NAME = "alarms-notify-no-one"
LEVEL = WARNING


def _where(ctx, cloud: str) -> tuple:
    """The node to point at: the clouds entry that should say it, or the nearest that exists."""
    data = ctx.data
    if ctx.environment is not None:
        env = (data.get("environments") or {}).get(ctx.environment) or {}
        base = ("environments", ctx.environment)
        if cloud in (env.get("clouds") or {}):
            return base + ("clouds", cloud)
        return base + ("clouds",) if env.get("clouds") else base
    if cloud in (data.get("clouds") or {}):
        return ("clouds", cloud)
    return ("clouds",) if data.get("clouds") else ("name",)


def check(ctx):
    clouds = ctx.topology.clouds
    for cloud in ctx.clouds:
        mod = spec(cloud)
        count = mod.alarms(ctx.topology)
        if not count or clouds.targets(cloud) or clouds.notifies_no_one_on_purpose(cloud):
            continue
        key, what, one, many = mod.ALARM_TARGET
        yield Finding(CODE, LEVEL, f"on {mod.TITLE}, {plural(count, one, many)} on dead letters "
                      f"{'notifies' if count == 1 else 'notify'} no one: {key} is not set", _where(ctx, cloud),
                      f"set {key} to {what} (per stack: environments.<stack>.{key}), or to none if no one is to "
                      "be notified")
