"""Runs the official AsyncAPI CLI (`node_modules/.bin/asyncapi validate`, pinned in package.json) on files.

`asyncapi validate` takes one document per call (about a second each), so a
batch runs two calls at a time. Its anonymous usage metrics are switched off
the documented way (`asyncapi config analytics --disable` writes
``analyticsEnabled: "false"`` to the file ``ASYNCAPI_METRICS_CONFIG_PATH``
names): with that, validation makes no network connection at all.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import ROOT

ASYNCAPI = ROOT / "node_modules" / ".bin" / "asyncapi"
SEVERITY = {0: "error", 1: "warning", 2: "info", 3: "hint"}
# Diagnostics that remain on every document, explained in docs/asyncapi.md ("What the validator says").
EXPLAINED = {"asyncapi-latest-version"}


def env(tmp: Path) -> dict:
    cfg = tmp / "asyncapi-analytics.json"
    cfg.write_text(json.dumps({"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "topowire-tests"}))
    return {**os.environ, "ASYNCAPI_METRICS_CONFIG_PATH": str(cfg), "SUPPRESS_NO_CONFIG_WARNING": "1",
            "NODE_CONFIG_STRICT_MODE": "0"}


def validate(paths, tmp: Path) -> dict:
    """path -> (exit code, [(severity, code, json path, message)]) from `asyncapi validate`."""
    assert ASYNCAPI.exists(), "@asyncapi/cli is missing: 'make test' installs it (npm ci)"
    e = env(tmp)

    def one(path: Path):
        report = path.with_name(path.name + ".diagnostics.json")
        proc = subprocess.run([str(ASYNCAPI), "validate", str(path), "--diagnostics-format", "json", "-s",
                               str(report)], capture_output=True, text=True, env=e, cwd=tmp, timeout=300)
        diags = json.loads(report.read_text()) if report.exists() else []
        found = [(SEVERITY[d["severity"]], d["code"], ".".join(map(str, d["path"])), d["message"]) for d in diags]
        if proc.returncode != 0 and not found:
            found = [("error", "cli", "", proc.stdout + proc.stderr)]
        return path, (proc.returncode, found)

    paths = list(paths)
    # The CLI creates node_modules/@asyncapi/cli/lib/utils/logs on its first run; two first runs at once race
    # (EEXIST on a fresh checkout). One call alone first, then two at a time.
    results = dict(map(one, paths[:1]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results.update(pool.map(one, paths[1:]))
    return results


def problems(results: dict) -> list:
    """Every error or warning, and every diagnostic that docs/asyncapi.md does not explain."""
    out = []
    for path, (code, diags) in sorted(results.items()):
        if code != 0:
            out.append((path.name, "exit", code))
        out += [(path.name, *d) for d in diags if d[0] in ("error", "warning") or d[1] not in EXPLAINED]
    return out
