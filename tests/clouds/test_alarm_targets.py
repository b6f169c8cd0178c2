"""Alarms that notify someone (issue 29): a notification target per cloud and per stack, in the file.

The dead-letter alarms of every cloud had no action unless a target was configured, and validate said
nothing. ``clouds.aws.alarm_topic``, ``clouds.azure.action_group`` and ``clouds.gcp.notification_channels``
(each over the top-level ``clouds`` in ``environments.<stack>.clouds``, or ``none``: no one, on purpose) are
what the programs use; TOP222 warns about a stack whose alarms have nowhere to go.
"""

from __future__ import annotations

import pytest

from conftest import run_cli
from generator.check import check_file
from generator.plan import engine

GROUP = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/ops/providers/microsoft.insights/actionGroups/"
TOPIC = "arn:aws:sns:us-east-1:123456789012:"
CHANNEL = "projects/shop-1/notificationChannels/"
FILE = f"""queues: {{jobs: {{}}}}
services:
  api: {{publishes: [jobs]}}
  worker: {{consumes: [jobs]}}
clouds: {{aws: {{alarm_topic: none}}, azure: {{action_group: none}}, gcp: {{notification_channels: none}}}}
environments:
  dev: {{}}
  prod:
    clouds:
      aws: {{alarm_topic: "{TOPIC}oncall"}}
      azure: {{action_group: {GROUP}oncall}}
      gcp: {{notification_channels: [{CHANNEL}1, {CHANNEL}2]}}
"""


def targets(plan):
    return {
        "aws": [(r.inputs.get("alarmActions"), r.inputs.get("okActions"))
                for r in plan.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")],
        "azure": [r.inputs.get("actions") for r in plan.by_type("azure-native:monitor:MetricAlert")],
        "gcp": [r.inputs.get("notificationChannels") for r in plan.by_type("gcp:monitoring/alertPolicy:AlertPolicy")],
    }[plan.cloud]


@pytest.mark.parametrize("cloud,prod", [
    ("aws", [([TOPIC + "oncall"], [TOPIC + "oncall"])]),
    ("azure", [[{"actionGroupId": GROUP + "oncall"}]]),
    ("gcp", [[CHANNEL + "1", CHANNEL + "2"]]),
])
def test_each_stack_notifies_its_own_target(write, cloud, prod):
    path = write(FILE)
    assert targets(engine.run(str(path), cloud, stack="prod")) == prod
    none = {"aws": [(None, None)], "azure": [None], "gcp": [None]}[cloud]
    # 'none' at the top level: dev (and every stack environments does not list) notifies no one, on purpose
    assert targets(engine.run(str(path), cloud, stack="dev")) == none
    assert targets(engine.run(str(path), cloud, stack="staging")) == none


def test_stack_config_still_names_a_target_when_the_file_says_nothing(write):
    path = write("queues: {jobs: {}}\n")
    plan = engine.run(str(path), "gcp", config={"notificationChannels": f"{CHANNEL}9, {CHANNEL}8"})
    assert targets(plan) == [[CHANNEL + "9", CHANNEL + "8"]]
    # the file wins over stack config, 'none' included (the file is the truth)
    path = write(FILE, "file.yaml")
    assert targets(engine.run(str(path), "gcp", stack="prod", config={"notificationChannels": CHANNEL + "9"})) == \
        [[CHANNEL + "1", CHANNEL + "2"]]
    assert targets(engine.run(str(path), "gcp", stack="dev", config={"notificationChannels": CHANNEL + "9"})) == [None]


def test_alarms_with_nowhere_to_go_are_warned_once_naming_the_stacks_and_clouds(write):
    silent = FILE.replace("clouds: {aws: {alarm_topic: none}, azure: {action_group: none}, "
                          "gcp: {notification_channels: none}}\n", "")
    [d] = [d for d in check_file(write(silent)).diagnostics if d.code == "TOP222"]
    assert (d.level, d.line, d.col) == ("warning", 2, 7)
    assert d.message == ("the dead-letter alarms on AWS (1 CloudWatch alarm; clouds.aws.alarm_topic), Azure (1 Azure "
                         "Monitor alert; clouds.azure.action_group) and GCP (1 Cloud Monitoring alert policy; "
                         "clouds.gcp.notification_channels) notify no one in stack 'dev', and in every stack that "
                         "environments does not list: the file says nowhere for them to go")
    assert d.hint == ("set clouds.aws.alarm_topic / clouds.azure.action_group / clouds.gcp.notification_channels (per "
                      "stack under environments.<stack>.clouds) to where alarms go, or to none if no one is to be "
                      "notified")
    assert run_cli("validate", "--strict", write(silent, "silent.yaml"))[0] == 1
    assert not [d for d in check_file(write(FILE, "ok.yaml")).diagnostics if d.code == "TOP222"]


def test_only_clouds_with_alarms_and_without_a_target_are_named(write):
    # no dead letters: no alarm on AWS, no alert policy on GCP; Azure alerts on every entity, here to a group
    text = f"queues: {{jobs: {{dead_letter: false}}}}\nclouds: {{azure: {{action_group: {GROUP}a}}}}\n"
    assert not [d for d in check_file(write(text)).diagnostics if d.code == "TOP222"]
    # a topic nobody consumes: only Azure's alert on the topic exists, and it notifies no one
    [d] = [d for d in check_file(write("topics: {tt: {}}\nservices: {pp: {publishes: [tt]}}\n", "t.yaml")).diagnostics
           if d.code == "TOP222"]
    assert d.message.startswith("the dead-letter alarms on Azure (1 Azure Monitor alert; clouds.azure.action_group) "
                                "notify no one in every stack")


@pytest.mark.parametrize("key,value", [
    ("aws: {alarm_topic", "arn:aws:sns:us-east-1:123456789012:*"),
    ("aws: {alarm_topic", "nobody"),
    ("azure: {action_group", "/subscriptions/x/resourceGroups/ops/providers/microsoft.insights/actionGroups/a"),
    ("azure: {action_group", f"{GROUP}a/../../b"),
    ("gcp: {notification_channels", "[]"),
    ("gcp: {notification_channels", "[projects/p/notificationChannels/1]"),
    ("gcp: {notification_channels", f"[{CHANNEL}1, {CHANNEL}1]"),
    ("gcp: {notification_channels", "[" + ", ".join(f"{CHANNEL}{i}" for i in range(17)) + "]"),
])
def test_a_target_that_names_no_single_target_is_an_error_at_its_line(write, key, value):
    path = write(f"queues: {{jobs: {{}}}}\nclouds: {{{key}: \"{value}\"}}}}\n" if not value.startswith("[") else
                 f"queues: {{jobs: {{}}}}\nclouds: {{{key}: {value}}}}}\n")
    code, out, _ = run_cli("validate", path)
    assert code == 1 and ":4:" in out and "TOP010" in out, out
