"""A dead-letter channel keeps messages for less time than its source (warning).

SQS keeps a message's original enqueue time when it moves to a standard
dead-letter queue, so with a shorter retention there a failed message can
expire almost as soon as it arrives: it is lost before anyone looks at it.

Passing:

    queues:
      jobs: {retention: 4d, dead_letter: {retention: 14d}}

Failing:

    queues:
      jobs: {retention: 4d, dead_letter: {retention: 1d}}
"""

from ..diagnostics import WARNING, Finding
from ..units import duration_text
from ..clouds import stores

CODE = "TOP108"
NAME = "dlq-retention-shorter"
LEVEL = WARNING


def check(ctx):
    for label, s, _path in stores(ctx.topology):
        dl = s.dead_letter
        if dl.enabled and dl.retention < s.retention:
            yield Finding(CODE, LEVEL,
                          f"the dead-letter channel of {label} keeps messages {duration_text(dl.retention)}, "
                          f"less than the {duration_text(s.retention)} of its source: failed messages may expire "
                          "before anyone reads them",
                          s.origins["dead_letter_retention"],
                          f"set dead_letter.retention to at least {duration_text(s.retention)}")
