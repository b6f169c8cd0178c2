"""A message's ``example`` does not match its ``schema``.

Examples are shown in the docs and sent by ``topowire local smoke``; one that
breaks its own contract misleads every reader. The example is checked
offline (``$ref`` only to the files already loaded) with RE2 for every
regex; for a schema kept in a file, the message names the failing keyword and
its place in the schema, never the schema file's values.

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
    total = [0]  # keyword evaluations for the whole file, bounded as well
    for m in ctx.topology.messages.values():
        if not m.has_example or m.schema is None or m.schema_error:
            continue
        import jsonschema  # only for messages with a schema and an example

        from ..message_schema import MAX_STEPS, MAX_TOTAL_STEPS, BudgetExceeded, validator
        from referencing.exceptions import Unresolvable

        try:
            error = jsonschema.exceptions.best_match(
                validator(m.schema, m.schema_uri, m.schema_resources, total).iter_errors(m.example))
        except Unresolvable as exc:  # a reference the loader did not see; never fetched, never read
            ref = exc.ref  # jsonschema's wrapper of the referencing error hands its attributes through
            yield Finding(CODE, LEVEL, f"the schema of message '{m.name}' has a $ref that points nowhere"
                          + (f" ('{ref}')" if ref and not m.schema_file else ""), m.path + ("schema",),
                          "refer only inside the document or to schema files by relative path")
            continue
        except (BudgetExceeded, RecursionError):
            yield Finding(CODE, LEVEL, f"checking the example of message '{m.name}' against its schema does not end "
                          f"in bounded time (a $ref cycle, or more than {MAX_STEPS:,} keyword evaluations, "
                          f"{MAX_TOTAL_STEPS:,} for the whole file)",
                          m.path + ("schema",), "remove the $ref cycle, or simplify the schema's nested anyOf/oneOf")
            continue
        if error is not None:
            path = m.path + ("example",) + tuple(error.absolute_path)
            at = "/".join(str(p) for p in error.absolute_path)
            if m.schema_file:
                where = "/".join(str(p) for p in error.absolute_schema_path)
                why = f"it fails the schema's '{error.validator}' (at /{where} of {m.schema_file})"
            else:
                why = error.message
            yield Finding(CODE, LEVEL, f"the example of message '{m.name}' does not match its schema"
                          + (f" at {at}" if at else "") + f": {why}", path,
                          "fix the example or the schema so that they agree")
