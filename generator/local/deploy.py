"""Deploy a topology into an AWS emulator: plan it with the AWS program, then materialise the plan."""

from __future__ import annotations

from dataclasses import dataclass

from ..check import load_topology
from ..plan import engine
from . import emulator
from .materialize import Deployed, materialize


@dataclass
class Local:
    topology: object
    endpoint: str
    outputs: dict  # the stack outputs, with the emulator's real URLs and ARNs
    deployed: Deployed
    clients: dict


def up(path: str, endpoint: str, progress=None, stack: str = "dev", root=None) -> Local:
    emulator.check_endpoint(endpoint)
    topo, _ = load_topology(path, clouds=("aws",), stack=stack, root=root)
    clients = emulator.clients(endpoint)
    emulator.probe(endpoint, clients)
    plan = engine.run(path, "aws", region=emulator.REGION, endpoint=endpoint, stack=stack, root=root)
    with emulator.answers(endpoint):
        deployed = materialize(plan, clients, progress)
    return Local(topo, endpoint, deployed.translate(plan.outputs), deployed, clients)
