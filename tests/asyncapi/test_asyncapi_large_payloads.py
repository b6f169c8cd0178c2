"""AsyncAPI contracts of offloading channels (issue 32): the claim check is part of the contract.

A consumer of a channel with ``large_payloads`` receives either the message or a pointer to it; its contract says
so (the pointer message on the channel and its operations) and where the body is (``x-largePayloads``), with the
same bucket, container, prefix and threshold the Pulumi programs give the service's environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import asyncapi
from generator.check import load_topology
from generator.clouds import env_name, spec
from generator.payloads import expiry_days

ROOT = Path(__file__).resolve().parents[2]
LARGE = str(ROOT / "tests" / "payloads" / "large.yaml")


def _offloading(topo):
    return [c for c in topo.channels() if c.large_payloads is not None]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_cloud_names_the_storage_its_program_gives_the_service(stack):
    topo = load_topology(LARGE, stack=stack)[0]
    offloading = _offloading(topo)
    assert offloading, "the fixture must offload"
    checked = 0
    for name, svc in sorted(topo.services.items()):
        doc = asyncapi.document(topo, name, LARGE)
        touched = {r.channel for r in svc.publishes} | {c.channel for c in svc.consumes}
        for ch in offloading:
            if ch.name not in touched:
                continue
            for cloud in topo.targets:
                env = spec(cloud).payload_environment(topo, svc)
                lp = doc["channels"][f"{ch.name}.{cloud}"]["x-largePayloads"]
                assert str(lp["threshold"]) == env[env_name(ch.name, "PAYLOAD_THRESHOLD")]
                assert lp["storage"]["prefix"] == env[env_name(ch.name, "PAYLOAD_PREFIX")]
                where = lp["storage"].get("bucket") or lp["storage"]["container"]
                assert where == env.get(env_name(ch.name, "PAYLOAD_BUCKET"), env.get(env_name(ch.name, "PAYLOAD_CONTAINER")))
                if cloud == "azure":
                    assert lp["storage"]["accountUrl"] == env[env_name(ch.name, "PAYLOAD_ACCOUNT_URL")]
                assert lp["expiresAfterDays"] == expiry_days(topo, ch)
                assert lp["pointer"] == {"$ref": f"#/components/messages/{asyncapi.POINTER}"}
                checked += 1
    assert checked >= 2


def test_the_pointer_is_a_message_of_the_channel_and_of_each_operation():
    topo = load_topology(LARGE)[0]
    ch = _offloading(topo)[0]
    for name in sorted(topo.services):
        doc = asyncapi.document(topo, name, LARGE)
        for cloud in topo.targets:
            key = f"{ch.name}.{cloud}"
            if key not in doc["channels"]:
                continue
            assert asyncapi.POINTER in doc["channels"][key]["messages"]
            for op_key in (f"send.{key}", f"receive.{key}"):
                if op_key in doc["operations"]:
                    refs = [m["$ref"] for m in doc["operations"][op_key]["messages"]]
                    assert f"#/channels/{key}/messages/{asyncapi.POINTER}" in refs
            assert doc["components"]["messages"][asyncapi.POINTER]["payload"]["items"][0] == {
                "const": asyncapi.POINTER_CLASS}


def test_no_pointer_where_nothing_offloads(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: small\nqueues:\n  jobs: {}\nservices:\n  api: {publishes: [jobs]}\n"
                    "  worker: {consumes: [jobs]}\n")
    topo = load_topology(str(path))[0]
    for name in ("api", "worker"):
        text = asyncapi.dump(asyncapi.document(topo, name, str(path)))
        assert "x-largePayloads" not in text and asyncapi.POINTER not in text


def test_the_pointer_name_cannot_be_a_topology_message_name(tmp_path):
    """A topology message named like the pointer is refused by the schema: the component can never collide."""
    from generator.cli import main

    path = tmp_path / "topology.yaml"
    path.write_text(f"version: 1\nname: small\nmessages:\n  {asyncapi.POINTER}: {{}}\nqueues:\n  jobs: {{}}\n")
    assert main(["validate", "-q", str(path)]) == 1
