"""The Azure Service Bus tier lacks a feature the topology uses.

The Basic tier has no topics and no sessions (ordered, FIFO delivery). Use
Standard (the default) or Premium.

Passing:

    targets: [azure]
    clouds: {azure: {sku: Standard}}
    topics: {events: {}}

Failing:

    targets: [azure]
    clouds: {azure: {sku: Basic}}
    topics: {events: {}}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP204"
NAME = "azure-tier"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    if "azure" not in ctx.clouds or topo.clouds.azure_sku != "Basic":
        return
    sku_path = ("clouds", "azure", "sku")
    if topo.topics:
        names = ", ".join(topo.topics)
        yield Finding(CODE, LEVEL, f"the Service Bus Basic tier has no topics, but this topology declares {names}",
                      sku_path, "use sku: Standard (or Premium)")
    fifo = [q.name for q in topo.queues.values() if q.fifo]
    if fifo:
        yield Finding(CODE, LEVEL, "the Service Bus Basic tier has no sessions, which FIFO queues need: "
                      + ", ".join(fifo), sku_path, "use sku: Standard (or Premium)")
