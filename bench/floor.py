"""The SDK's floor for `topowire plan`: a minimal Pulumi program that registers the same resources.

It reads the resources of a `topowire plan --format json` run and registers each one, with the same type,
name, parent, aliases and inputs, under the same mocks: no topology, no validation, no outputs awaited between
resources. What `topowire plan` costs beyond this is topowire's own work.

    python bench/floor.py plan.json
"""

from __future__ import annotations

import importlib
import json
import sys

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from generator.clouds.aws import mock as aws_mock
from generator.clouds.azure import mock as azure_mock
from generator.clouds.gcp import mock as gcp_mock
from generator.plan import DEFAULT_REGION


def main(path: str) -> None:
    plan = json.load(open(path))
    cloud = plan["cloud"]
    # A hand-written program imports its provider SDK too (and would build its resources with it).
    importlib.import_module({"aws": "pulumi_aws", "azure": "pulumi_azure_native", "gcp": "pulumi_gcp"}[cloud])
    mock = {"aws": aws_mock, "azure": azure_mock, "gcp": gcp_mock}[cloud]
    region = DEFAULT_REGION[cloud]

    class Mocks(pulumi_mocks.Mocks):
        def new_resource(self, args):
            return ("", {}) if not args.custom else mock.new_resource(args.typ, args.name, args.inputs, region)

        def call(self, args):
            return mock.call(args.token, args.args, region)

    pulumi_mocks.set_mocks(Mocks(), project="topowire", stack="plan", preview=False)
    resources = [r for r in plan["resources"] if r["type"] != "pulumi:pulumi:Stack"]
    resources.sort(key=lambda r: r["urn"].split("::")[2].count("$"))  # parents before children

    def program():
        made = {}
        for r in resources:
            # The same aliases: provider SDKs give their resources type aliases (azure-native has many).
            aliases = [pulumi.Alias(type_=a.split("(type ", 1)[1].rstrip(")")) if a.startswith(" (type ")
                       else pulumi.Alias(name=a) for a in r.get("aliases", [])]
            opts = pulumi.ResourceOptions(parent=made.get(r["parent"]), protect=r["protect"], aliases=aliases or None)
            if r["type"].startswith("pulumi:providers:"):
                made[r["urn"]] = pulumi.ProviderResource(r["type"].rsplit(":", 1)[1], r["name"], r["inputs"], opts)
            elif r["custom"]:
                made[r["urn"]] = pulumi.CustomResource(r["type"], r["name"], r["inputs"], opts)
            else:
                made[r["urn"]] = pulumi.ComponentResource(r["type"], r["name"], None, opts)

    _sync_await(run_pulumi_func(program))


if __name__ == "__main__":
    main(sys.argv[1])
