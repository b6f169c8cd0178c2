"""A consumer's ``processing_time`` exceeds the Pub/Sub ack deadline maximum of 600 s (warning, GCP).

Pub/Sub's ack deadline is at most 10 minutes. A longer job is safe only while
its client extends the lease (``modifyAckDeadline``), which the high-level
client libraries do automatically, for at most 60 minutes by default
(https://cloud.google.com/pubsub/docs/lease-management). The consumer's client
must keep lease management on and, beyond an hour, raise the maximum
extension to the processing time; the service's environment carries the value
as ``<CHANNEL>_MAX_LEASE_SECONDS``.

Passing:

    targets: [gcp]
    queues: {jobs: {visibility_timeout: 10m}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {processing_time: 8m}

Failing:

    targets: [gcp]
    queues: {jobs: {visibility_timeout: 2h}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {processing_time: 90m}
"""

from ..clouds.gcp import spec as gcp_spec
from ..diagnostics import WARNING, Finding
from ..units import duration_text

CODE = "TOP211"
NAME = "gcp-long-processing"
LEVEL = WARNING


def check(ctx):
    if "gcp" not in ctx.clouds:
        return
    for c in gcp_spec.long_processing(ctx.topology):
        pt = c.processing_time
        if pt > gcp_spec.LEASE_EXTENSION_DEFAULT:
            need = (f"the client libraries stop extending leases after "
                    f"{duration_text(gcp_spec.LEASE_EXTENSION_DEFAULT)} by default, so its client must raise the "
                    f"maximum lease extension to {pt}s or the message is delivered again while still processed")
        else:
            need = (f"its client must keep lease management on (the client libraries extend leases up to "
                    f"{duration_text(gcp_spec.LEASE_EXTENSION_DEFAULT)} by default)")
        yield Finding(CODE, LEVEL,
                      f"on GCP, service '{c.service}' needs up to {duration_text(pt)} per message of '{c.channel}', "
                      f"longer than the {gcp_spec.ACK_MAX}s Pub/Sub ack deadline: {need}",
                      c.options["processing_time"],
                      f"set the maximum lease extension to {pt}s (environment {gcp_spec.max_lease_env(c.channel)}): "
                      + gcp_spec.lease_settings(pt))
