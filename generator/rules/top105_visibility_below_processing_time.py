"""The visibility timeout is shorter than the consumer's ``processing_time``.

While a consumer works on a message, the message stays hidden for the
visibility timeout (ack deadline, lock duration). If handling takes longer,
the message reappears and another consumer processes it again.

A visibility timeout equal to ``processing_time`` is accepted: ``processing_time``
is the longest one message takes, so the consumer deletes (acknowledges) it
before it reappears; only a strictly shorter timeout is refused. The hint
suggests twice the processing time for margin (retries, slow acknowledgements).

Passing:

    queues: {jobs: {visibility_timeout: 10m}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {processing_time: 8m}

Failing:

    queues: {jobs: {visibility_timeout: 30s}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {processing_time: 8m}
"""

from ..diagnostics import ERROR, Finding
from ..units import duration_text

CODE = "TOP105"
NAME = "visibility-below-processing-time"
LEVEL = ERROR


def check(ctx):
    for c in ctx.topology.all_consumers():
        if c.settings is None or c.processing_time is None:
            continue
        vt = c.settings.visibility_timeout
        if vt < c.processing_time:
            where = "this consumer" if c.kind == "topic" else f"queue '{c.channel}' or this consumer"
            yield Finding(CODE, LEVEL,
                          f"service '{c.service}' needs up to {duration_text(c.processing_time)} per message of "
                          f"'{c.channel}', but the visibility timeout is {duration_text(vt)}: messages would be "
                          "delivered again while still being processed",
                          c.options["processing_time"],
                          f"set visibility_timeout: {duration_text(c.processing_time * 2)} (or at least "
                          f"{duration_text(c.processing_time)}) on {where}")
