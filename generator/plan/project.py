"""The Pulumi project a topology belongs to: the ``name`` of the Pulumi.yaml beside it, else ``topowire``.

`pulumi up` runs the program as that project, so its stack config keys are ``<name>:cloud`` and so on, and its
URNs and stack resource say ``<name>``; `topowire plan` must run the program the same way (issue 31: a
repository made by `topowire init team` is project ``team``). Pulumi.yaml is read as untrusted input: bounded,
YAML's safe loader, and a name in Pulumi's own form, else the default with no error (plan does not deploy).
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT = "topowire"
# Pulumi: "project names may only contain alphanumerics, hyphens, underscores, and periods" (100 at most).
NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
MAX_BYTES = 64 * 1024


def name_for(topology: str | Path) -> str:
    """The project name of the Pulumi.yaml (or Pulumi.yml) in ``topology``'s directory; ``topowire`` without one."""
    import yaml

    folder = Path(topology).resolve().parent
    for fname in ("Pulumi.yaml", "Pulumi.yml"):
        path = folder / fname
        try:
            if not path.is_file():
                continue
            with path.open("rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
        except OSError:
            continue
        if len(raw) > MAX_BYTES:
            return DEFAULT
        try:
            doc = yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError):
            return DEFAULT
        name = doc.get("name") if isinstance(doc, dict) else None
        return name if isinstance(name, str) and NAME.fullmatch(name) else DEFAULT
    return DEFAULT
