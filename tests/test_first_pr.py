"""The first pull request of a repository made by `topowire init` is green: the scaffolded workflow's own
steps (every `run:` that needs no GitHub, parsed from the written YAML) pass on a fresh scaffold, and
`pre-commit run --all-files` passes on it offline, with the scaffold's local hooks running the installed
topowire (a `topowire` on PATH that runs this checkout, as the user's installed entry point would)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from generator import __version__
from test_precommit import BIN, sh

pytestmark = pytest.mark.slow
OFFLINE = {"PIP_NO_INDEX": "1", "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "NO_PROXY": "", "no_proxy": ""}
GITHUB = {"github.base_ref": "main", "github.event.pull_request.number": "1", "github.server_url": "https://github.com",
          "github.repository": "acme/team", "github.event.pull_request.head.sha": "d" * 40}


def installed_topowire(folder: Path) -> dict:
    """An environment whose PATH has a `topowire` (this checkout's), and no network."""
    folder.mkdir()
    shim = folder / "topowire"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, **OFFLINE, "PYTHONPATH": str(ROOT), "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def first_pull_request(tmp_path, env) -> Path:
    """main with one commit and no topology; the branch `adopt` adds what `topowire init` wrote."""
    repo = tmp_path / "team"
    repo.mkdir()
    sh("git", "init", "-q", "-b", "main", cwd=repo, env=env)
    (repo / "README.md").write_text("# team\n")
    sh("git", "add", ".", cwd=repo, env=env)
    sh("git", "commit", "-qm", "start", cwd=repo, env=env)
    sh("git", "update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo, env=env)
    sh("git", "checkout", "-q", "-b", "adopt", cwd=repo, env=env)
    code, _, err = run_cli("init", repo)
    assert code == 0, err
    sh("git", "add", "-A", cwd=repo, env=env)
    sh("git", "commit", "-qm", "adopt topowire", cwd=repo, env=env)
    return repo


def expand(step: dict) -> dict:
    out = {}
    for key, value in (step.get("env") or {}).items():
        for expr, v in GITHUB.items():
            value = str(value).replace("${{ " + expr + " }}", v)
        assert "${{" not in value, f"{key}: {value}"
        out[key] = value
    return out


def test_the_scaffolded_workflow_passes_on_the_first_pull_request(tmp_path):
    env = installed_topowire(tmp_path / "bin")
    repo = first_pull_request(tmp_path, env)
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "topology.yml").read_text())
    ran = {}
    for step in workflow["jobs"]["review"]["steps"]:
        if "run" not in step:
            continue
        if step["name"] == "Install topowire":   # the package index's release: here, the topowire on PATH
            assert step["run"] == f'python -m pip install --quiet "topowire=={__version__}"'
            continue
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True,
                              timeout=600, env={**env, **expand(step)})
        assert proc.returncode == 0, f"{step['name']}:\n{proc.stdout}\n{proc.stderr}"
        ran[step["name"]] = proc
    assert list(ran) == ["Validate", "Docs are fresh", "AsyncAPI contracts are fresh", "Diff against the base branch",
                         "Fail on destructive changes"]
    assert "is up to date" in ran["AsyncAPI contracts are fresh"].stdout
    report = (repo / "topology-diff" / "comment.md").read_text()
    assert "does not exist, so the base is empty" in report and "- [notifier](" in report
    assert sh("git", "status", "--porcelain", "--", ":!topology-diff", cwd=repo, env=env).stdout == ""


def test_pre_commit_run_all_files_passes_offline_on_a_fresh_scaffold(tmp_path):
    env = installed_topowire(tmp_path / "bin")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "cache")
    repo = first_pull_request(tmp_path, env)
    proc = sh(BIN / "pre-commit", "run", "--all-files", cwd=repo, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for hook in ("topowire validate", "topowire docs", "topowire asyncapi"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in proc.stdout.splitlines()), proc.stdout
    # a stale contract is what the workflow would catch: the hook catches it first, and fixes it
    topology = repo / "topology.yaml"
    topology.write_text(topology.read_text().replace("Tells customers where their order is.", "Tells customers."))
    stale = sh(BIN / "pre-commit", "run", "--all-files", cwd=repo, env=env, check=False)
    assert stale.returncode == 1 and "topowire asyncapi" in stale.stdout
    assert "Tells customers." in (repo / "asyncapi" / "notifier.yaml").read_text()
