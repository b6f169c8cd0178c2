"""A message's ``schema`` file is missing or unreadable, or is not valid JSON Schema.

``schema`` is an inline JSON Schema or a path, relative to the topology file,
to a JSON or YAML file holding one.

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
            hint = ("check the path: it is relative to the topology file" if m.schema_file and "not found"
                    in m.schema_error else "see https://json-schema.org/understanding-json-schema/")
            yield Finding(CODE, LEVEL, f"message '{m.name}': {m.schema_error}", m.path + ("schema",), hint)
