"""Former logical names of renamed channels and services (``renamed_from``), for Pulumi aliases.

Cloud names keep deriving from the deployed name; the Pulumi logical names
follow the YAML, and these aliases tell the engine that the resources it
knows under the old logical names are the same ones, so nothing is replaced.
"""

from __future__ import annotations


def channel(ch) -> list:
    return [ch.deployed_name] if ch.deployed_name != ch.name else []


def service(topo, name: str) -> list:
    deployed = topo.deployed(name)
    return [deployed] if deployed != name else []


def subscription(topo, topic, service_name: str) -> list:
    topics = {topic.name, topic.deployed_name}
    services = {service_name, topo.deployed(service_name)}
    return sorted(f"{t}-{s}" for t in topics for s in services if (t, s) != (topic.name, service_name))
