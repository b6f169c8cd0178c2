"""The schema as CI and editors use it: check-jsonschema, the standard CLI, on the real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, ROOT

CHECK = Path(sys.executable).parent / "check-jsonschema"
SCHEMA = ROOT / "schema" / "topology.schema.json"


def run(*files):
    return subprocess.run([str(CHECK), "--schemafile", str(SCHEMA), *map(str, files)], capture_output=True,
                          text=True, timeout=120)


def test_check_jsonschema_accepts_the_topologies():
    proc = run(ROOT / "topology.yaml", *EXAMPLES)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_jsonschema_rejects_an_unknown_key(tmp_path):
    bad = tmp_path / "topology.yaml"
    bad.write_text("version: 1\nname: demo\nqueues:\n  jobs: {visiblity_timeout: 5s}\n")
    proc = run(bad)
    assert proc.returncode == 1 and "visiblity_timeout" in proc.stdout + proc.stderr
