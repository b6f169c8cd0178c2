"""The Pulumi program: stack config in, validated topology, one cloud's resources out.

``__main__.py`` at the repository root calls ``main()``; ``topowire plan`` runs
the very same function under Pulumi's mock engine.

Stack config (the namespace of the Pulumi project, Pulumi.yaml's name: ``topowire`` here, ``team`` in a
repository made by `topowire init team`; `topowire plan` uses the same, see plan/project.py):
  cloud      aws | azure | gcp (required)
  topology   the topology file, default topology.yaml (relative to the project)
  root       the directory files the topology names must stay in (default: the topology's directory)
  endpoint   AWS only: an emulator endpoint (LocalStack, moto) for sqs, sns, iam,
             cloudwatch, kms and sts, with credential and region checks skipped
  resourceGroup, namespace, localAuth, actionGroup   Azure, see docs/azure.md
  notificationChannels   GCP: comma-separated monitoring channels for the dead-letter alert
  alerts     false to create no dead-letter alerts (Azure, GCP)

The stack (``pulumi.get_stack()``) selects the environment: its entry in
``environments`` (settings, tags, cloud choices, name prefix) is applied
once, in the model; every physical name starts with the stack's prefix.
"""

from __future__ import annotations

import pulumi

from .check import load_topology
from .errors import InputError
from .model import CLOUDS
from .reporters import text

IMPLEMENTED = ("aws", "azure", "gcp")


class InvalidTopology(pulumi.RunError):
    """Stops the program (Pulumi prints RunError without a stack trace) and keeps the diagnostics."""

    def __init__(self, message: str, diagnostics=()):
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


def load(path: str, cloud: str, stack: str = "dev", root: str | None = None):
    """The validated topology of ``stack`` for ``cloud``, or a RunError with `topowire validate`'s report."""
    try:
        topo, warnings = load_topology(path, clouds=(cloud,), stack=stack, root=root)
    except InputError as exc:
        from .check import Result

        if not exc.diagnostics:  # not the file: the command line or stack config (e.g. a --root outside the repository)
            raise InvalidTopology(f"{path}: {exc}; nothing was deployed.") from None
        report = text([Result(path, list(exc.diagnostics))])
        raise InvalidTopology(f"{path} is not a valid topology; nothing was deployed.\n{report}", exc.diagnostics) \
            from None
    if cloud not in topo.targets:
        raise pulumi.RunError(f"{path} lists targets {list(topo.targets)}, which do not include '{cloud}': add it to "
                              "'targets' or deploy this stack to another cloud")
    for d in warnings:
        pulumi.log.warn(f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}" + (f" (hint: {d.hint})" if d.hint else ""))
    return topo


def main() -> None:
    config = pulumi.Config()
    cloud = config.require("cloud")
    if cloud not in CLOUDS:
        raise pulumi.RunError(f"config 'cloud' is '{cloud}'; use one of {', '.join(CLOUDS)}: "
                              "pulumi config set cloud aws")
    path = config.get("topology") or "topology.yaml"
    topo = load(path, cloud, pulumi.get_stack(), config.get("root"))
    if cloud not in IMPLEMENTED:
        raise pulumi.RunError(f"the {cloud} back-end is not part of this version of topowire yet; "
                              f"implemented: {', '.join(IMPLEMENTED)}")
    if cloud == "aws":
        from .clouds.aws import program as aws

        outputs = aws.deploy(topo, aws.Options(region=pulumi.Config("aws").get("region"),
                                               endpoint=config.get("endpoint")))
    elif cloud == "azure":
        from .clouds.azure import program as azure

        outputs = azure.deploy(topo, azure.Options(
            resource_group=config.get("resourceGroup"), namespace=config.get("namespace"),
            location=pulumi.Config("azure-native").get("location"), local_auth=config.get_bool("localAuth") or False,
            action_group=config.get("actionGroup"), alerts=config.get_bool("alerts") is not False))
    elif cloud == "gcp":
        from .clouds.gcp import program as gcp

        channels = config.get("notificationChannels")
        outputs = gcp.deploy(topo, gcp.Options(
            project=pulumi.Config("gcp").get("project"), alerts=config.get_bool("alerts") is not False,
            notification_channels=tuple(c.strip() for c in channels.split(",") if c.strip()) if channels else ()))
    outputs = {**outputs, "stack": topo.stack, "prefix": topo.prefix}
    for key, value in outputs.items():
        pulumi.export(key, value)
