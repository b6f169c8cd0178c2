"""Two stacks of one file name the same Azure Service Bus namespace (error).

``clouds.azure.namespace`` at the top level applies to every stack that does
not set its own (``environments.<stack>.clouds.azure.namespace``). Two stacks
on one namespace would each manage, and could delete, the other's queues and
topics (namespace names are global and ignore case). Give each stack its own.

Passing:

    targets: [azure]
    queues: {jobs: {}}
    environments:
      dev: {clouds: {azure: {namespace: demo-dev-7f3a}}}
      prod: {clouds: {azure: {namespace: demo-prod-7f3a}}}

Failing:

    targets: [azure]
    clouds: {azure: {namespace: demo-shared-7f3a}}
    queues: {jobs: {}}
    environments:
      dev: {}
      prod: {}
"""

from .. import words
from ..clouds.azure import spec as azure_spec
from ..diagnostics import ERROR, Finding
from .top119_identity_shared_by_stacks import stacks_of

CODE = "TOP225"
NAME = "azure-namespace-shared"
LEVEL = ERROR


def check(ctx):
    if "azure" not in ctx.clouds or ctx.environment is not None:
        return  # compares the stacks with each other, once
    seen: dict = {}  # lowercased name (DNS names ignore case) -> [(stack, topology)]
    for stack, topo in sorted(stacks_of(ctx).items()):
        seen.setdefault(azure_spec.namespace_name(topo).lower(), []).append((stack, topo))
    for _name, found in sorted(seen.items()):
        written = sorted({t.clouds.azure_namespace_path for _s, t in found if t.clouds.azure_namespace})
        if len(found) < 2 or not written:
            continue  # derived names follow the prefixes, which TOP116 and TOP208 keep apart
        name = next(t.clouds.azure_namespace for _s, t in found if t.clouds.azure_namespace)
        for path in written:
            yield Finding(CODE, LEVEL, f"Azure: stacks {words.listing([s for s, _t in found])} would deploy one "
                          f"Service Bus namespace '{name}': each stack would manage, and could delete, the other's "
                          "queues and topics", path, "give each stack its own: environments.<stack>.clouds.azure."
                          "namespace")
