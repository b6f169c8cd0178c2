"""Semantic rules: one module per rule, each with a stable code.

Every rule module defines ``CODE``, ``NAME``, ``LEVEL`` and
``check(ctx) -> Iterable[Finding]``; its docstring has a one-line summary, an
explanation, and a ``Passing:`` and a ``Failing:`` example (indented YAML,
``version`` and ``name`` implied). The examples feed ``docs/rules.md`` and
are run as tests.

The registry below is explicit: a rule exists when it is listed here.
"""

from __future__ import annotations

from ..diagnostics import Finding
from .common import Context, did_you_mean  # noqa: F401  (re-exported)
from . import (
    top101_unknown_reference,
    top102_queue_and_topic,
    top103_filter_on_queue,
    top104_empty_filter,
    top105_visibility_below_processing_time,
    top106_unknown_message,
    top107_message_schema,
    top108_dlq_retention_shorter,
    top109_unused_channel,
    top110_shared_queue,
    top111_conflicting_queue_options,
    top112_name_collision,
    top113_example_mismatch,
    top114_rename_conflict,
    top115_environment_unknown_channel,
    top116_environment_prefix,
    top117_environment_structure,
    top118_pulumi_name_collision,
    top119_identity_shared_by_stacks,
    top125_setting_spelled_twice,
    top130_channel_of_several_groups,
    top131_service_without_owner,
    top201_limit_out_of_range,
    top202_name_limits,
    top203_setting_adjusted,
    top204_azure_tier,
    top205_kms_subscription_queue,
    top206_filter_limits,
    top207_kms_key_aws_only,
    top208_stack_name_collision,
    top209_identifier_values,
    top210_policy_limits,
    top211_gcp_long_processing,
    top212_example_over_max_message_size,
    top213_large_payload_limits,
    top214_adopted_names,
    top220_aws_managed_kms_key,
    top221_service_identity,
    top222_alarms_notify_no_one,
    top223_role_policy_quota,
    top224_adopted_names_azure_gcp,
    top225_azure_namespace_shared,
    top226_azure_namespace_global_name,
)

RULES = (
    top101_unknown_reference,
    top102_queue_and_topic,
    top103_filter_on_queue,
    top104_empty_filter,
    top105_visibility_below_processing_time,
    top106_unknown_message,
    top107_message_schema,
    top108_dlq_retention_shorter,
    top109_unused_channel,
    top110_shared_queue,
    top111_conflicting_queue_options,
    top112_name_collision,
    top113_example_mismatch,
    top114_rename_conflict,
    top115_environment_unknown_channel,
    top116_environment_prefix,
    top117_environment_structure,
    top118_pulumi_name_collision,
    top119_identity_shared_by_stacks,
    top125_setting_spelled_twice,
    top130_channel_of_several_groups,
    top131_service_without_owner,
    top201_limit_out_of_range,
    top202_name_limits,
    top203_setting_adjusted,
    top204_azure_tier,
    top205_kms_subscription_queue,
    top206_filter_limits,
    top207_kms_key_aws_only,
    top208_stack_name_collision,
    top209_identifier_values,
    top210_policy_limits,
    top211_gcp_long_processing,
    top212_example_over_max_message_size,
    top213_large_payload_limits,
    top214_adopted_names,
    top220_aws_managed_kms_key,
    top221_service_identity,
    top222_alarms_notify_no_one,
    top223_role_policy_quota,
    top224_adopted_names_azure_gcp,
    top225_azure_namespace_shared,
    top226_azure_namespace_global_name,
)


def run(ctx: Context, warnings: bool) -> list[Finding]:
    out: list[Finding] = []
    for rule in RULES:
        if warnings or rule.LEVEL == "error":
            out.extend(rule.check(ctx))
    return out
