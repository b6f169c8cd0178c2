"""Issue #30, "the tool's own files on disk": outputs, the topology file and the asyncapi/ scan are confined too.

A committed symlink at an output path (``asyncapi/api.yaml -> ../.git/hooks/pre-commit``) must not make ``docs`` or
``asyncapi`` write through it; the topology file is read like the files it names; the names of committed files are
escaped wherever they are printed, and no committed file can hang a hook.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

CANARY = "CANARY-30-own-files"
TOPOLOGY = """version: 1
name: demo
messages:
  Job:
    schema: {type: object, required: [id]}
    example: {id: 1}
queues:
  jobs: {message: Job}
services:
  api: {publishes: [jobs]}
  worker: {consumes: {jobs: {}}}
"""
HOOK = "#!/bin/sh\necho original hook\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """tmp/repo (a git repository: .git/hooks/pre-commit), tmp/outside/ (a secret), cwd = tmp/repo."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"token: {CANARY}\n")
    (outside / "notes.md").write_text(f"{CANARY}\n")
    repo = tmp_path / "repo"
    (repo / ".git" / "hooks").mkdir(parents=True)
    (repo / ".git" / "hooks" / "pre-commit").write_text(HOOK)
    (repo / "topology.yaml").write_text(TOPOLOGY)
    monkeypatch.chdir(repo)
    return repo


def _untouched(repo):
    assert (repo / ".git" / "hooks" / "pre-commit").read_text() == HOOK
    assert (repo.parent / "outside" / "notes.md").read_text() == f"{CANARY}\n"
    assert sorted(p.name for p in (repo.parent / "outside").iterdir()) == ["notes.md", "secret.yaml"]


def _refused(rc, out, err, *words):
    assert rc == 1, out + err
    assert "Traceback" not in out + err and CANARY not in out + err
    for w in words:
        assert w in out + err, out + err


# --- outputs written through committed symlinks ---------------------------------------------------------------

DOC_LINKS = {
    "file-to-hook": ("docs/architecture.md", "../.git/hooks/pre-commit"),
    "file-to-outside": ("docs/architecture.md", "../../outside/notes.md"),
    "dangling-outside": ("docs/architecture.md", "../../outside/new.md"),
    "dangling-into-git": ("docs/architecture.md", "../.git/hooks/post-checkout"),
    "dir-to-hooks": ("docs", ".git/hooks"),
    "dir-to-outside": ("docs", "../outside"),
    "file-inside-repo": ("docs/architecture.md", "../topology.yaml"),  # would overwrite the topology itself
}


@pytest.mark.parametrize("variant", sorted(DOC_LINKS))
@pytest.mark.parametrize("mode", ["write", "--check", "--fail-on-change"])
def test_docs_never_writes_or_reads_through_a_symlink(repo, variant, mode):
    at, target = DOC_LINKS[variant]
    (repo / "docs").mkdir(exist_ok=True) if at != "docs" else None
    (repo / at).symlink_to(target)
    args = ["docs", "topology.yaml", "-o", "docs/architecture.md"] + ([] if mode == "write" else [mode])
    rc, out, err = run_cli(*args)
    _refused(rc, out, err, "symbolic link")
    _untouched(repo)
    assert (repo / "topology.yaml").read_text() == TOPOLOGY
    assert not (repo.parent / "outside" / "new.md").exists()
    assert not (repo / ".git" / "hooks" / "post-checkout").exists()


ASYNC_LINKS = {
    "document-to-hook": ("asyncapi/api.yaml", "../.git/hooks/pre-commit"),
    "document-dangling-into-git": ("asyncapi/worker.yaml", "../.git/hooks/post-merge"),
    "index-to-outside": ("asyncapi/index.md", "../../outside/notes.md"),
    "dir-to-hooks": ("asyncapi", ".git/hooks"),
    "dir-to-outside": ("asyncapi", "../outside"),
}


@pytest.mark.parametrize("variant", sorted(ASYNC_LINKS))
@pytest.mark.parametrize("mode", ["write", "--check", "--fail-on-change"])
def test_asyncapi_never_writes_or_reads_through_a_symlink(repo, variant, mode):
    at, target = ASYNC_LINKS[variant]
    (repo / "asyncapi").mkdir(exist_ok=True) if at != "asyncapi" else None
    (repo / at).symlink_to(target)
    args = ["asyncapi", "topology.yaml", "-o", "asyncapi"] + ([] if mode == "write" else [mode])
    rc, out, err = run_cli(*args)
    _refused(rc, out, err, "symbolic link")
    _untouched(repo)
    assert not (repo / ".git" / "hooks" / "post-merge").exists()


@pytest.mark.parametrize("command", [("docs", "-o", ".git/hooks/pre-commit"), ("asyncapi", "-o", ".git/hooks")])
def test_outputs_into_git_are_refused(repo, command):
    rc, out, err = run_cli(command[0], "topology.yaml", *command[1:])
    _refused(rc, out, err, ".git")
    _untouched(repo)


def test_outputs_are_written_atomically_and_leave_no_temporary_file(repo):
    (repo / "asyncapi").mkdir()
    (repo / "asyncapi" / "api.yaml").write_text("old\n")
    os.link(repo / "asyncapi" / "api.yaml", repo / "hardlink-of-api.yaml")  # a rename never writes into the old inode
    assert run_cli("asyncapi", "topology.yaml", "-o", "asyncapi")[0] == 0
    assert run_cli("docs", "topology.yaml", "-o", "docs/architecture.md")[0] == 0
    assert (repo / "hardlink-of-api.yaml").read_text() == "old\n"
    assert (repo / "asyncapi" / "api.yaml").read_text().startswith("# Generated by `topowire asyncapi`")
    assert sorted(p.name for p in (repo / "asyncapi").iterdir()) == ["api.yaml", "index.md", "worker.yaml"]
    assert [p.name for p in (repo / "docs").iterdir()] == ["architecture.md"]
    assert run_cli("docs", "topology.yaml", "-o", "docs/architecture.md", "--check")[0] == 0
    assert run_cli("asyncapi", "topology.yaml", "-o", "asyncapi", "--check")[0] == 0


@pytest.mark.parametrize("command", ["docs", "asyncapi"])
@pytest.mark.parametrize("mode", ["--check", "--fail-on-change"])
def test_non_utf8_committed_outputs_are_stale_not_a_crash(repo, command, mode):
    path = repo / ("docs/architecture.md" if command == "docs" else "asyncapi/api.yaml")
    path.parent.mkdir()
    path.write_bytes(b"\xff\xfe not UTF-8 \x80\n")
    out_arg = "docs/architecture.md" if command == "docs" else "asyncapi"
    rc, out, err = run_cli(command, "topology.yaml", "-o", out_arg, mode)
    assert rc == 1, out + err
    assert "stale" in err and "Traceback" not in out + err


# --- the topology file itself ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["../outside/secret.yaml", ".git/config", "/etc/passwd"])
@pytest.mark.parametrize("command", [("validate",), ("docs", "-o", "-"), ("plan", "--cloud", "aws"), ("asyncapi", "-o", "-",
                                                                                    "--service", "api")])
def test_the_topology_file_is_not_read_through_a_symlink_out(repo, target, command):
    (repo / ".git" / "config").write_text(f"[http]\n  extraheader = AUTHORIZATION: {CANARY}\n")
    (repo / "linked.yaml").symlink_to(target)
    rc, out, err = run_cli(command[0], "linked.yaml", *command[1:])
    _refused(rc, out, err, "linked.yaml")
    assert "TOP009" in out + err or "leads" in out + err


def test_a_topology_in_a_linked_directory_is_refused(repo):
    (repo.parent / "outside" / "topology.yaml").write_text(f"version: 1\nname: {CANARY}\n")
    (repo / "infra").symlink_to("../outside")
    rc, out, err = run_cli("validate", "infra/topology.yaml")
    _refused(rc, out, err, "out of the repository")


def test_a_symlink_that_stays_in_the_repository_is_read(repo):
    (repo / "alias.yaml").symlink_to("topology.yaml")
    rc, out, err = run_cli("validate", "alias.yaml")
    assert rc == 0, out + err


def _cli(*args, cwd, timeout=60):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.PIPE, env=env)


def test_a_fifo_or_stdin_as_topology_does_not_hang(repo):
    os.mkfifo(repo / "fifo.yaml")
    (repo / "stdin.yaml").symlink_to("/dev/stdin")
    for name in ("fifo.yaml", "stdin.yaml"):
        proc = _cli("validate", name, cwd=repo, timeout=30)  # the pipe of stdin is never closed: a read would hang
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "TOP009" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


# --- the scan of asyncapi/ --------------------------------------------------------------------------------------

HEADER = "# Generated by `topowire asyncapi` from x\n"
FORGED = {
    "newline-workflow-command": "x\n::error file=topology.yaml::no destructive change.yaml",
    "carriage-return": "x\r::warning::forged.yaml",
    "ansi-csi": "\x1b[2J\x1b[Hcleared.yaml",
    "osc-title": "\x1b]0;owned\x07title.yaml",
    "osc8-link": "\x1b]8;;https:evil.example\x1b\\click\x1b]8;;\x1b\\.yaml",
    "bidi": "\u202eLMY.yaml",
    "nel": "x\x85::error::nel.yaml",
    "line-separator": "x\u2028::error::ls.yaml",
}


@pytest.mark.parametrize("variant", sorted(FORGED))
@pytest.mark.parametrize("mode", ["--check", "--fail-on-change", "write"])
def test_committed_file_names_are_escaped_when_printed(repo, variant, mode):
    (repo / "asyncapi").mkdir()
    name = FORGED[variant]
    (repo / "asyncapi" / name).write_text(HEADER)
    rc, out, err = run_cli(*["asyncapi", "topology.yaml", "-o", "asyncapi"] + ([] if mode == "write" else [mode]))
    text = out + err
    assert "obsolete" in text or "removed" in text, text
    for line in text.splitlines():
        assert not line.startswith("::"), line
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text and "\r" not in text
    assert "\x85" not in text and "\u2028" not in text


def test_special_files_in_the_output_directory_are_skipped_without_hanging(repo):
    (repo / "asyncapi").mkdir()
    os.mkfifo(repo / "asyncapi" / "fifo.yaml")
    (repo / "asyncapi" / "stdin.yaml").symlink_to("/dev/stdin")
    (repo / "asyncapi" / "hook.yaml").symlink_to("../.git/hooks/pre-commit")
    (repo / "asyncapi" / "dir.yaml").mkdir()
    (repo / ".git" / "hooks" / "pre-commit").write_text(HEADER)  # a generated header: still not removed via the link
    for mode in ("--check", "--fail-on-change"):
        proc = _cli("asyncapi", "topology.yaml", "-o", "asyncapi", mode, cwd=repo, timeout=60)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert os.path.islink(repo / "asyncapi" / "hook.yaml") and os.path.islink(repo / "asyncapi" / "stdin.yaml")
    assert (repo / "asyncapi" / "fifo.yaml").exists() and (repo / ".git" / "hooks" / "pre-commit").read_text() == HEADER


# --- file names that are not UTF-8 -------------------------------------------------------------------------------

NOT_UTF8 = os.fsdecode(b"caf\xe9-\xff")  # Latin-1 bytes: a lone surrogate once decoded (surrogateescape)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_of_a_path_that_is_not_utf8(repo, fmt):
    (repo / f"{NOT_UTF8}.yaml").write_text(TOPOLOGY)
    rc, out, err = run_cli("diff", "topology.yaml", f"{NOT_UTF8}.yaml", "--format", fmt)
    assert rc == 0 and "internal error" not in err, out + err
    out.encode("utf-8")  # printable as UTF-8: the name's bytes are shown, not passed through
    assert "\\udcff" in out.lower() or "U+DCFF" in out


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_validate_of_a_path_that_is_not_utf8(repo, fmt):
    (repo / f"{NOT_UTF8}.yaml").write_text(TOPOLOGY.replace("name: demo", "name: demo\nbogus: 1"))
    rc, out, err = run_cli("validate", f"{NOT_UTF8}.yaml", "--format", fmt)
    assert rc == 1 and "internal error" not in err, out + err
    out.encode("utf-8")


def test_a_committed_output_named_in_bytes_that_are_not_utf8(repo):
    (repo / "asyncapi").mkdir()
    os.close(os.open(os.fsencode(repo / "asyncapi") + b"/\xff\x1b[31m.yaml", os.O_CREAT | os.O_WRONLY))
    with open(os.fsencode(repo / "asyncapi") + b"/\xff\x1b[31m.yaml", "w") as fh:
        fh.write(HEADER)
    for mode in ("--check", "--fail-on-change"):
        rc, out, err = run_cli("asyncapi", "topology.yaml", "-o", "asyncapi", mode)
        assert rc == 1 and "internal error" not in err, out + err
        (out + err).encode("utf-8")
        assert "\x1b" not in out + err
    assert not os.path.exists(os.fsencode(repo / "asyncapi") + b"/\xff\x1b[31m.yaml")  # obsolete: removed


def test_a_rewritten_output_keeps_its_mode_and_a_stale_temporary_name_does_not_block(repo):
    (repo / "docs").mkdir()
    out = repo / "docs" / "architecture.md"
    out.write_text("old\n")
    out.chmod(0o640)
    (repo / "docs" / f".architecture.md.topowire-{os.getpid()}.tmp").symlink_to("../.git/hooks/pre-commit")
    rc, o, e = run_cli("docs", "topology.yaml", "-o", "docs/architecture.md")
    assert rc == 0, o + e
    assert out.stat().st_mode & 0o777 == 0o640 and out.read_text() != "old\n"
    _untouched(repo)
