"""A target cloud cannot apply a setting as written, so it is clamped or ignored (warning).

- Azure: a lock duration (visibility timeout) over 5m is clamped to 5m;
  consumers must renew locks. Service Bus has no queue-level delay.
- GCP: an ack deadline (visibility timeout) is clamped to 10s..600s; the
  client libraries extend leases. Fewer than 5 delivery attempts become 5.
  Pub/Sub has no delivery delay.
- Azure: ``dead_letter.retention`` is not applied: the dead-letter sub-queue
  keeps messages until they are received (warned where it is written).

Passing:

    targets: [aws, azure, gcp]
    queues: {jobs: {visibility_timeout: 5m}}

Failing:

    targets: [aws, azure, gcp]
    queues: {jobs: {visibility_timeout: 2h}}
"""

from ..clouds import origin, setting, spec, stores
from ..diagnostics import WARNING, Finding
from ..units import duration_text

CODE = "TOP203"
NAME = "setting-adjusted"
LEVEL = WARNING


def check(ctx):
    topo = ctx.topology
    for cloud in ctx.clouds:
        mod = spec(cloud)
        for adj in mod.adjustments(topo):
            groups = {}
            for label, s, _path in stores(topo):
                value = setting(s, adj.field)
                if value is None or not adj.applies(value):
                    continue
                if adj.written_only and origin(s, adj.field)[-len(adj.written_path):] != adj.written_path:
                    continue
                groups.setdefault((origin(s, adj.field), value), []).append(label)
            for (where, value), labels in groups.items():  # check_document sorts the diagnostics by position
                shown = str(value) if adj.field == "max_receive_count" else duration_text(value)
                affected = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
                yield Finding(CODE, LEVEL, adj.message.format(text=shown) + f" ({affected})", where, adj.hint)
