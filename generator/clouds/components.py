"""What the three Pulumi programs share."""

from __future__ import annotations

import pulumi


def with_aliases(opts: pulumi.ResourceOptions, old_names: list) -> pulumi.ResourceOptions:
    """``opts`` plus aliases from the component's former logical names; children inherit them."""
    if not old_names:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=n) for n in old_names]))


def env_name(channel: str, suffix: str) -> str:
    """``inference-requests``, ``QUEUE_URL`` -> ``INFERENCE_REQUESTS_QUEUE_URL``."""
    return f"{channel.upper().replace('-', '_')}_{suffix}"
