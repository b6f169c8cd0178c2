"""Two resources would get the same Pulumi name, and the deployment would keep only one.

Some Pulumi names join two YAML names with '-': a subscription is
``<topic>-<service>`` on every cloud, an Azure role assignment
``<service>-<send|receive>-<queue|topic|subscription>-<channel>``, a GCP IAM
member ``<service>-<publisher|subscriber>-<channel>``. Names contain '-', so
different pairs can meet: topic ``ab-cd`` consumed by ``ee`` and topic ``ab``
consumed by ``cd-ee`` are both ``ab-cd-ee``. Pulumi names are the identity of
deployed resources (renaming them would replace what is deployed), so the
pair is refused here, for every cloud in ``targets``, even where the cloud's
own names differ (Azure scopes subscription names to their topic).

Passing:

    topics: {ab-cd: {}, ab: {}}
    services:
      api: {publishes: [ab-cd, ab]}
      ee: {consumes: [ab-cd]}
      cd-ef: {consumes: [ab]}

Failing:

    targets: [azure]
    topics: {ab-cd: {}, ab: {}}
    services:
      api: {publishes: [ab-cd, ab]}
      ee: {consumes: [ab-cd]}
      cd-ee: {consumes: [ab]}
"""

from ..clouds import spec
from ..diagnostics import ERROR, Finding

CODE = "TOP118"
NAME = "pulumi-name-collision"
LEVEL = ERROR


def check(ctx):
    reported = set()
    for cloud in ctx.clouds:
        mod = spec(cloud)
        seen = {}
        for pn in mod.pulumi_names(ctx.topology):
            key = (pn.scope, pn.name)
            first = seen.setdefault(key, pn)
            if first is pn or (first.path, pn.path) in reported:  # one YAML node gives one name per scope
                continue
            reported.add((first.path, pn.path))
            yield Finding(CODE, LEVEL, f"{pn.what} and {first.what} would both be the Pulumi resource "
                          f"'{pn.name}' on {mod.TITLE}: one of them would not be deployed", pn.path,
                          "rename a topic or a service so that the joined names differ (for example without a '-' "
                          "at the same place)", key=True)
