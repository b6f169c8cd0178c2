"""The `topowire-asyncapi` pre-commit hook, installed and run by pre-commit itself (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import shutil

import test_precommit as pc
from conftest import ROOT


def test_asyncapi_hook_rewrites_and_fails_when_stale(tmp_path):
    repo = tmp_path / "platform"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    pc.sh("git", "init", "-q", cwd=repo)
    shutil.copy(ROOT / "topology.yaml", repo / "topology.yaml")
    pc.sh("git", "add", ".", cwd=repo)
    hooks_repo = pc.snapshot(tmp_path / "topowire", env)

    def hook():
        return pc.sh(pc.BIN / "pre-commit", "try-repo", hooks_repo, "topowire-asyncapi", "--all-files", cwd=repo,
                     env=env, check=False)

    first = hook()
    assert first.returncode == 1 and "asyncapi/notifier.yaml: it was missing; review and commit it" in first.stdout
    assert (repo / "asyncapi" / "notifier.yaml").read_text() == (ROOT / "asyncapi" / "notifier.yaml").read_text()
    pc.sh("git", "add", ".", cwd=repo)
    second = hook()
    assert second.returncode == 0, second.stdout + second.stderr

    (repo / "topology.yaml").write_text((repo / "topology.yaml").read_text().replace(
        "Tells users that their job is done.", "Tells users by e-mail that their job is done."))
    pc.sh("git", "add", ".", cwd=repo)
    stale = hook()
    assert stale.returncode == 1 and "asyncapi/notifier.yaml: it was stale" in stale.stdout
    assert "by e-mail" in (repo / "asyncapi" / "notifier.yaml").read_text()
