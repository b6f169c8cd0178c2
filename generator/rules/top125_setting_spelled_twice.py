"""One mapping sets one setting twice, in its two spellings, to different values.

``max_receive_count`` can be written on its own or inside ``dead_letter``
(``dead_letter: {max_receive_count: 10}``). Written both ways in one queue,
topic, consumer or ``defaults`` with different values, one of them would
silently win: say it once.

Passing:

    queues:
      jobs: {dead_letter: {max_receive_count: 10}}
    services:
      api: {publishes: [jobs]}
      worker: {consumes: [jobs]}

Failing:

    queues:
      jobs: {max_receive_count: 4, dead_letter: {max_receive_count: 10}}
    services:
      api: {publishes: [jobs]}
      worker: {consumes: [jobs]}
"""

from ..diagnostics import ERROR, Finding

CODE = "TOP125"
NAME = "setting-spelled-twice"
LEVEL = ERROR

# setting -> the other place it can be written, relative to the same mapping
SPELLINGS = {"max_receive_count": ("dead_letter", "max_receive_count")}


def _settings_mappings(data: dict):
    """(mapping, path, what) for every mapping that holds channel settings."""
    yield data.get("defaults"), ("defaults",), "defaults"
    for kind in ("queues", "topics"):
        for name, m in (data.get(kind) or {}).items():
            yield m, (kind, name), f"{kind[:-1]} '{name}'"
    for sname, s in (data.get("services") or {}).items():
        consumes = (s or {}).get("consumes")
        if isinstance(consumes, dict):
            for cname, m in consumes.items():
                yield m, ("services", sname, "consumes", cname), f"service '{sname}' (consumer of '{cname}')"
    for ename, env in (data.get("environments") or {}).items():
        env = env or {}
        yield env.get("defaults"), ("environments", ename, "defaults"), f"environment '{ename}' defaults"
        for kind in ("queues", "topics"):
            for name, m in (env.get(kind) or {}).items():
                yield m, ("environments", ename, kind, name), f"environment '{ename}' {kind[:-1]} '{name}'"


def check(ctx):
    if ctx.environment is not None:
        return  # the raw document is the same in every pass: report once
    for mapping, path, what in _settings_mappings(ctx.data):
        if not isinstance(mapping, dict):
            continue
        for field, (outer, inner) in SPELLINGS.items():
            nested = mapping.get(outer)
            if field not in mapping or not isinstance(nested, dict) or inner not in nested:
                continue
            one, two = mapping[field], nested[inner]
            if one == two:
                continue
            yield Finding(CODE, LEVEL,
                          f"{what} sets {field} twice: {field}: {one} and {outer}: {{{inner}: {two}}}; "
                          f"{two} would win", path + (field,),
                          f"keep one: {outer}: {{{inner}: {two}}} or {field}: {one}", key=True)
