"""The GitHub Actions workflow, run step by step on a local pull request (all but the posting)."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import yaml

from conftest import ROOT
from test_precommit import sh, snapshot

WORKFLOW = ROOT / ".github" / "workflows" / "topology.yml"


def steps():
    doc = yaml.safe_load(WORKFLOW.read_text())
    return doc["jobs"]["review"]["steps"]


def test_workflow_triggers_and_permissions():
    doc = yaml.safe_load(WORKFLOW.read_text())
    on = doc[True] if True in doc else doc["on"]  # YAML 1.1 reads the key 'on' as true
    assert "topology.yaml" in on["pull_request"]["paths"]
    assert doc["permissions"] == {"contents": "read", "pull-requests": "write"}
    names = [s.get("name") for s in steps() if "run" in s]
    assert names == ["Install topowire", "Validate", "Docs are fresh", "Diff against the base branch",
                     "Post the diff", "Fail on destructive changes"]


def test_every_step_runs_locally_on_a_pull_request(tmp_path):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    repo = snapshot(tmp_path / "repo", env)              # the base branch: this repository as it is
    sh("git", "branch", "-M", "main", cwd=repo, env=env)
    sh("git", "update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo, env=env)
    sh("git", "checkout", "-q", "-b", "change", cwd=repo, env=env)
    text = (repo / "topology.yaml").read_text()
    text = text.replace("    fifo: true\n    visibility_timeout: 2m\n", "    visibility_timeout: 2m\n")  # destructive
    text = text.replace("Runs model inference on GPUs.", "Runs model inference on H100 GPUs.")
    (repo / "topology.yaml").write_text(text)
    subprocess.run([sys.executable, "-m", "generator", "docs", "topology.yaml", "-o", "docs/architecture.md"],
                   cwd=repo, check=True, capture_output=True, env={**env, "PYTHONPATH": str(ROOT)})
    sh("git", "commit", "-qam", "embedding jobs need no order", cwd=repo, env=env)

    tools = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(tools)
    path = f"{tools / 'bin'}{os.pathsep}{env['PATH']}"
    results = {}
    for step in steps():
        if "run" not in step or step["name"] == "Post the diff":
            continue
        script = step["run"].replace("${{ github.base_ref }}", "main")
        proc = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, timeout=600,
                              env={**env, "PATH": path, "VIRTUAL_ENV": str(tools)})
        results[step["name"]] = proc
    for name in ("Install topowire", "Validate", "Docs are fresh", "Diff against the base branch"):
        assert results[name].returncode == 0, f"{name}: {results[name].stdout}{results[name].stderr}"
    assert "::warning file=topology.yaml,line=" in results["Validate"].stdout
    diff = (repo / "topology-diff.md").read_text()
    assert "> [!CAUTION]" in diff and "ai-platform-embedding-jobs" in diff and "```mermaid" in diff
    assert results["Fail on destructive changes"].returncode == 1
