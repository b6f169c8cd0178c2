"""An adopted name (``adopt``) cannot be the resource it claims to keep.

``adopt.aws`` keeps the physical names of resources that already run (the
queue, its dead-letter queue, a topic, a topic consumer's subscription) so
that `pulumi up` imports them instead of creating new ones. The names are
checked like derived ones (TOP202 for the cloud's naming rules, TOP112 and
TOP208 for collisions); this rule checks what only an adopted name can get
wrong: a FIFO queue's name ends in ``.fifo`` and no other does, a dead-letter
name needs a dead-letter queue, ``subscriptions`` name the topic's consumers, a subscription ARN is of the topic it is under, and
``accounts.aws`` says where they run (an import id holds the account and
region). A consumer's ``encryption`` (its subscription queue's, as an
adopted one runs) is for a topic consumer only.

Passing:

    accounts: {aws: {account: "123456789012", region: eu-west-1}}
    queues: {jobs: {adopt: {aws: {name: legacy-jobs}}}}

Failing:

    accounts: {aws: {account: "123456789012", region: eu-west-1}}
    queues: {jobs: {fifo: true, adopt: {aws: {name: legacy-jobs}}}}
"""

from ..clouds.aws import spec as aws_spec
from ..diagnostics import ERROR, Finding

CODE = "TOP214"
NAME = "adopted-names"
LEVEL = ERROR


def _fifo(name: str, fifo: bool, what: str, path: tuple):
    if name and name.endswith(".fifo") != fifo:
        want = "ends in '.fifo'" if fifo else "does not end in '.fifo'"
        yield Finding(CODE, LEVEL, f"adopted {what} name '{name}' must match the channel's FIFO-ness: SQS and SNS "
                      f"require a name that {want}", path,
                      "set fifo to what the resource is, or adopt the right resource")


def check(ctx):
    topo = ctx.topology
    loc = aws_spec.location(topo)
    needs_location = []
    for ch in topo.channels():
        a = ch.adopt.get("aws")
        if a is None:
            continue
        needs_location.append(a.path)
        yield from _fifo(a.name, ch.fifo, f"{ch.kind}", a.path + ("name",))
        if ch.kind == "queue":
            yield from _fifo(a.dead_letter, ch.fifo, "dead-letter queue", a.path + ("dead_letter",))
            if a.dead_letter and not ch.settings.dead_letter.enabled:
                yield Finding(CODE, LEVEL, f"queue '{ch.name}' adopts dead-letter queue '{a.dead_letter}' but has "
                              "dead_letter: false", a.path + ("dead_letter",),
                              "remove adopt.aws.dead_letter, or turn dead_letter on")
            continue
        consumers = {c.service for c in topo.consumers.get(ch.name, ())}
        tname = aws_spec.topic_name(topo, ch)
        for service, sub in a.subscriptions.items():
            spath = a.path + ("subscriptions", service)
            if service not in consumers:
                yield Finding(CODE, LEVEL, f"topic '{ch.name}' adopts a subscription of service '{service}', which "
                              "does not consume it", spath, f"add '{ch.name}' to the consumes of '{service}'",
                              key=True)
                continue
            yield from _fifo(sub.get("queue"), ch.fifo, "subscription queue", spath + ("queue",))
            yield from _fifo(sub.get("dead_letter"), ch.fifo, "dead-letter queue", spath + ("dead_letter",))
            arn = sub.get("arn")
            if arn:
                parts = arn.split(":")
                where = (parts[4], parts[3]) if len(parts) == 7 else None
                if len(parts) != 7 or parts[5] != tname:
                    yield Finding(CODE, LEVEL, f"subscription ARN '{arn}' is not a subscription of topic '{tname}'",
                                  spath + ("arn",), "copy the ARN from the topic's subscriptions")
                elif loc and where != (loc[0], loc[1]):
                    yield Finding(CODE, LEVEL, f"subscription ARN '{arn}' is of account {where[0]} in {where[1]}, "
                                  f"but accounts.aws is {loc[0]} in {loc[1]}", spath + ("arn",),
                                  "adopt resources of the stack's own account and region")
    for c in topo.all_consumers():
        if c.kind == "queue" and "encryption" in c.options:
            yield Finding(CODE, LEVEL, f"encryption on consumer '{c.service}' of queue '{c.channel}' would be "
                          "ignored: a queue has one encryption, set on the queue", c.options["encryption"],
                          "move encryption to the queue (a consumer's encryption is for a topic's subscription)")
    if needs_location and loc is None and "aws" in ctx.clouds:
        yield Finding(CODE, LEVEL, "adopted AWS names need accounts.aws (account and region): their import ids "
                      "are URLs and ARNs that hold them", needs_location[0],
                      'add accounts: {aws: {account: "<12 digits>", region: <region>}} (or per environment)')
