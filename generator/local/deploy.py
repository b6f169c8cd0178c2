"""Deploy a topology into an AWS emulator: plan it with the AWS program, then materialise the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..check import load_topology
from ..plan import engine
from . import emulator, keys
from .materialize import Deployed, materialize


@dataclass
class Local:
    topology: object
    endpoint: str
    outputs: dict  # the stack outputs, with the emulator's real URLs and ARNs
    deployed: Deployed
    clients: dict
    unchecked: list = field(default_factory=list)  # what the emulator could not check, one line each


def up(path: str, endpoint: str, progress=None, stack: str = "dev", root=None, embedded: bool = False) -> Local:
    """Deploy ``path`` into the emulator at ``endpoint``. ``embedded``: the emulator is topowire's own, started
    empty, so the caller's KMS keys cannot be on it and are listed as not checked instead of looked up."""
    emulator.check_endpoint(endpoint)
    topo, _ = load_topology(path, clouds=("aws",), stack=stack, root=root)
    clients = emulator.clients(endpoint)
    emulator.probe(endpoint, clients)
    plan = engine.run(path, "aws", region=emulator.REGION, endpoint=endpoint, stack=stack, root=root)
    with emulator.answers(endpoint):
        if not embedded:
            keys.check(plan, clients, endpoint)
        deployed = materialize(plan, clients, progress)
    unchecked = keys.unchecked(plan) if embedded else []
    return Local(topo, endpoint, deployed.translate(plan.outputs), deployed, clients, unchecked)
