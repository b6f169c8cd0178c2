"""A stack's Azure Service Bus namespace is derived from its prefix: a global DNS name anyone may hold (info).

A namespace is ``<namespace>.servicebus.windows.net``, unique across all of
Azure. Unless the file names it (``clouds.azure.namespace``, per stack under
``environments.<stack>.clouds.azure.namespace``) or adopts one
(``accounts.azure.namespace``), a stack's namespace is its
prefix (``tiny-dev``), which someone else may already hold: the first
``pulumi up`` then fails. validate says so once per file, naming each such
stack (info: never fails ``--strict``; a stack deployed under the derived
name keeps it, and writing that name keeps it too). A file without queues
or topics is not told. Two stacks that name one namespace: TOP225.

Passing:

    targets: [azure]
    clouds: {azure: {namespace: demo-dev-7f3a}}
    queues: {jobs: {}}

Failing:

    targets: [azure]
    queues: {jobs: {}}
"""

from ..clouds.azure import spec as azure_spec
from ..diagnostics import INFO, Finding
from .top119_identity_shared_by_stacks import stacks_of

CODE = "TOP226"
NAME = "azure-namespace-global-name"
LEVEL = INFO
SHOWN = 6  # stacks named in the message; the rest are counted


def check(ctx):
    topo = ctx.topology
    if "azure" not in ctx.clouds or ctx.environment is not None or not (topo.queues or topo.topics):
        return  # once per file, over its stacks
    stacks = stacks_of(ctx) or {topo.stack: topo}  # a file without environments is its one stack
    unnamed = [(stack, azure_spec.namespace_name(t)) for stack, t in sorted(stacks.items())
               if not t.clouds.azure_namespace and not (t.accounts.get("azure") or {}).get("namespace")]
    if not unnamed:
        return
    parts = [f"'{name}' (stack {stack})" for stack, name in unnamed[:SHOWN]]
    shown = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if len(unnamed) > SHOWN:
        shown = ", ".join(parts) + f" and {len(unnamed) - SHOWN} more"
    stack, name = unnamed[0]
    yield Finding(CODE, LEVEL, f"Azure: Service Bus namespace{'s' if len(unnamed) > 1 else ''} {shown} "
                  f"{'come' if len(unnamed) > 1 else 'comes'} from the stack's prefix (unless stack config namespace "
                  "names another): a global DNS name (<namespace>.servicebus.windows.net) that anyone in Azure may "
                  "already hold, and then the first pulumi up fails", ("name",),
                  "name one of yours per stack: environments.<stack>.clouds.azure.namespace (or clouds.azure."
                  f"namespace for a file of one stack), e.g. {name}-<your team or 4 letters>; a deployed stack "
                  f"keeps its namespace by writing the name it has ('{name}' for stack {stack})", key=True)
