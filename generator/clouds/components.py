"""What the three Pulumi programs share."""

from __future__ import annotations

import pulumi

from . import env_name  # noqa: F401  (re-exported: the programs name environment variables with it)


def adopted(opts: pulumi.ResourceOptions, import_id, kept) -> pulumi.ResourceOptions:
    """``opts`` importing ``import_id`` (an existing resource), keeping the live value of ``kept`` inputs."""
    if not import_id:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(import_=import_id, ignore_changes=list(kept)))


def with_aliases(opts: pulumi.ResourceOptions, old_names: list) -> pulumi.ResourceOptions:
    """``opts`` plus aliases from the component's former logical names; children inherit them."""
    if not old_names:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=n) for n in old_names]))


from . import env_name  # noqa: E402,F401  (defined with the core, for diff; used by the programs from here)
