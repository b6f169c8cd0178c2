"""One name is declared both as a queue and as a topic.

References are plain names, so a name must mean one channel.

Passing:

    queues: {jobs: {}}
    topics: {job-events: {}}

Failing:

    queues: {jobs: {}}
    topics: {jobs: {}}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP102"
NAME = "queue-and-topic"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    for name in sorted(set(topo.queues) & set(topo.topics)):
        yield Finding(CODE, LEVEL, f"'{name}' is declared both as a queue and as a topic", ("topics", name),
                      f"rename one of them, e.g. the topic to '{name}-events'", key=True)
