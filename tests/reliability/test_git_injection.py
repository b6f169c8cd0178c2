"""Git option injection: refs and paths given to `topowire diff` never reach git as options.

`topowire diff --base=--output=<path>` once made `git show` write <path>. Every variant below must exit 1
with a message, leave the file system alone, and never run git with an argument that starts with '-'
and came from the user.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

BASE = "version: 1\nname: shop\nqueues:\n  orders: {}\nservices:\n  web: {publishes: [orders]}\n  worker: {consumes: [orders]}\n"


def git(repo, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    (r / "topology.yaml").write_text(BASE)
    git(r, "add", ".")
    git(r, "commit", "-qm", "base")
    git(r, "tag", "v1")
    (r / "topology.yaml").write_text(BASE.replace("  orders: {}\n", "  orders: {}\n  refunds: {}\n"))
    return r


def topowire(repo, *args):
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))))))}
    return subprocess.run([sys.executable, "-m", "generator", "diff", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)


def outputs(tmp_path):
    return sorted(p.name for p in tmp_path.rglob("*") if ".git" not in p.parts)


HOSTILE_BASES = [
    ("--output={out}", "cannot start with '-'"),
    ("--output", "cannot start with '-'"),
    ("-O{out}", "cannot start with '-'"),
    ("-o{out}", "cannot start with '-'"),
    ("--end-of-options", "cannot start with '-'"),
    ("--textconv", "cannot start with '-'"),
    ("main..v1", "is a range"),
    ("main...v1", "is a range"),
    ("HEAD..", "is a range"),
    ("main\n--output={out}", "is not a git ref"),
    ("main --output={out}", "is not a git ref"),
    ("main\x01", "is not a git ref"),
    ("", "the git ref before ':' is empty"),
    ("no-such-branch", "'no-such-branch' is not a commit here"),
    ("deadbeef" * 5, "is not a commit here"),
]


@pytest.mark.parametrize("base, message", HOSTILE_BASES, ids=[repr(b) for b, _ in HOSTILE_BASES])
def test_hostile_base_refs_are_refused(repo, tmp_path, base, message):
    out = tmp_path / "pwned.txt"
    before = outputs(tmp_path)
    p = topowire(repo, f"--base={base.format(out=out)}", "topology.yaml")
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert not out.exists()
    assert outputs(tmp_path) == before


@pytest.mark.parametrize("spec, message", [
    ("--output={out}:topology.yaml", "cannot start with '-'"),
    ("-O{out}:topology.yaml", "cannot start with '-'"),
    ("main:/etc/passwd", "must be relative"),
    ("main:", "the path after ':' is empty"),
    ("main:topology.yaml\n--output={out}", "control characters"),
    ("main:../../../../etc/passwd", "outside repository"),
    ("main:.", "not a file"),
])
def test_hostile_specs_are_refused(repo, tmp_path, spec, message):
    out = tmp_path / "pwned.txt"
    before = outputs(tmp_path)
    p = topowire(repo, "--", spec.format(out=out), "topology.yaml")   # '--': argparse passes it on as it is
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert message in p.stderr, p.stderr
    assert "Traceback" not in p.stderr
    assert not out.exists()
    assert outputs(tmp_path) == before


def test_a_path_that_looks_like_an_option_is_a_path(repo):
    """A file named '--output=x' in the repository is read as that file, never as an option."""
    (repo / "--output=x.yaml").write_text(BASE)
    git(repo, "add", "--", "--output=x.yaml")
    git(repo, "commit", "-qm", "odd name")
    p = topowire(repo, "main:--output=x.yaml", "topology.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    assert '"subject": "queue \'refunds\'"' in p.stdout
    assert not (repo / "x.yaml").exists()


@pytest.mark.parametrize("ref", ["main", "v1", "HEAD", "HEAD~0", "main^{commit}", "refs/heads/main"])
def test_ordinary_refs_still_work(repo, ref):
    p = topowire(repo, "--base", ref, "--format", "json")
    assert p.returncode == 0, p.stderr
    assert '"subject": "queue \'refunds\'"' in p.stdout


def test_a_commit_id_works(repo):
    sha = git(repo, "rev-parse", "main").strip()
    p = topowire(repo, f"{sha}:topology.yaml", "topology.yaml", "--format", "json")
    assert p.returncode == 0, p.stderr
    assert '"subject": "queue \'refunds\'"' in p.stdout


def test_a_blob_over_the_size_limit_is_not_read(repo, monkeypatch):
    from generator.diff import sources
    from generator.errors import InputError

    (repo / "big.yaml").write_bytes(b"# " + b"x" * 2048 + b"\n")
    git(repo, "add", "big.yaml")
    git(repo, "commit", "-qm", "big")
    monkeypatch.chdir(repo)
    monkeypatch.setattr(sources, "MAX_BYTES", 1024)
    with pytest.raises(InputError, match="larger than"):
        sources.read_git("main:big.yaml")
