"""Shared helpers: the repository's paths, a CLI runner, and topology snippets."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis: in CI every run draws the same examples (derandomize), so a red run is reproducible
# by running it again; on a developer's machine runs explore new examples and remember failures.
# HYPOTHESIS_PROFILE=ci|dev chooses explicitly; a set CI variable (GitHub, .ci/run) means ci.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = ROOT / "tests" / "cases"
HEADER = "version: 1\nname: demo\n"


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run `topowire ARGS` in-process; returns (exit code, stdout, stderr)."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def run_module(*args: str, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    """Run `python -m generator ARGS` in a fresh interpreter, as a user would."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def write(tmp_path):
    """Write a topology (``version``/``name`` added unless present) and return its path."""

    def _write(body: str, name: str = "topology.yaml", header: bool = True) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        text = body if (not header or body.startswith("version:")) else HEADER + body
        p.write_text(text, "utf-8")
        return p

    return _write


def pytest_configure(config):
    if not EXAMPLES:
        raise pytest.UsageError(f"no examples under {ROOT / 'examples'}")


def emulator_keys(path, endpoint: str) -> None:
    """Create on an emulator every customer KMS alias a topology file names (``local up --endpoint`` refuses a
    key the emulator does not have, as AWS would refuse the messages)."""
    import re

    import boto3

    kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test")
    have = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    for alias in sorted(set(re.findall(r"kms_key:\s*\"?(alias/[A-Za-z0-9/_-]+)", Path(path).read_text("utf-8")))):
        if not alias.startswith("alias/aws/") and alias not in have:
            kms.create_alias(AliasName=alias, TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
