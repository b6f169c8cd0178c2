"""A message's ``example`` does not match its ``schema``.

Examples are shown in the docs and sent by ``topowire local smoke``; one that
breaks its own contract misleads every reader.

Passing:

    messages:
      Job:
        schema: {type: object, required: [id]}
        example: {id: j-1}

Failing:

    messages:
      Job:
        schema: {type: object, required: [id]}
        example: {name: j-1}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP113"
NAME = "example-mismatch"
LEVEL = ERROR


def check(ctx):
    for m in ctx.topology.messages.values():
        if not m.has_example or m.schema is None or m.schema_error:
            continue
        import jsonschema  # only for messages with a schema and an example

        cls = jsonschema.validators.validator_for(m.schema if isinstance(m.schema, dict) else {})
        error = jsonschema.exceptions.best_match(cls(m.schema).iter_errors(m.example))
        if error is not None:
            path = m.path + ("example",) + tuple(error.absolute_path)
            at = "/".join(str(p) for p in error.absolute_path)
            yield Finding(CODE, LEVEL, f"the example of message '{m.name}' does not match its schema"
                          + (f" at {at}" if at else "") + f": {error.message}", path,
                          "fix the example or the schema so that they agree")
