"""A message's ``schema`` cannot be used: unreadable or refused file, bad ``$ref``, regex, or not JSON Schema.

``schema`` is an inline JSON Schema or a path, relative to the topology file,
to a JSON or YAML file holding one. Schema files and the files their
``$ref``s name must lie inside the topology's directory (or ``--root``);
``$ref`` resolves only inside the document or to such files, never over a
network; regexes run on RE2, so backreferences and lookaround are refused.
The error points at the offending line of the schema file when it is there.

Passing:

    messages:
      Job:
        schema: {type: object, required: [id]}

Failing:

    messages:
      Job:
        schema: {type: objekt}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP107"
NAME = "message-schema"
LEVEL = ERROR


def check(ctx):
    for m in ctx.topology.messages.values():
        if m.schema_error:
            # every problem of generator/message_schema.py carries its own hint
            yield Finding(CODE, LEVEL, f"message '{m.name}': {m.schema_error}",
                          m.path + ("schema",) + tuple(m.schema_error_pointer), m.schema_error_hint,
                          key=m.schema_error_key,
                          at=m.schema_error_at)
