"""How `topowire diff` runs git for a ``<git-ref>:<path>`` side: never waiting on a person, never forever.

In CI, `topowire diff --base origin/main` runs next to secrets, on refs a pull request names: git must not
prompt for credentials (the job would hang until the CI timeout), must not take the index lock of the
checkout, must give up after GIT_TIMEOUT seconds, and its errors reach the user as one readable line.
"""

from __future__ import annotations

import subprocess

import pytest

from generator.diff import sources
from generator.errors import InputError


def test_git_runs_without_a_prompt_a_lock_or_stdin_and_with_a_timeout(monkeypatch):
    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(kwargs, argv=argv)
        return subprocess.CompletedProcess(argv, 0, b"out", b"")

    monkeypatch.setattr(sources.subprocess, "run", fake_run)
    monkeypatch.setenv("TOPOWIRE_TEST_MARK", "kept")
    proc = sources._git("cat-file", "-t", "abc:./t.yaml", what="main:t.yaml")
    assert proc.stdout == b"out"
    assert seen["argv"] == ["git", "cat-file", "-t", "abc:./t.yaml"]
    assert seen["capture_output"] is True
    assert seen["timeout"] == 60
    assert seen["stdin"] is subprocess.DEVNULL
    env = seen["env"]
    assert env["GIT_TERMINAL_PROMPT"] == "0"          # no username/password prompt on a private remote
    assert env["GIT_OPTIONAL_LOCKS"] == "0"           # no index.lock taken in the user's checkout
    assert env["TOPOWIRE_TEST_MARK"] == "kept"        # the rest of the environment (HOME, PATH) is kept


@pytest.mark.parametrize("error, message", [
    (FileNotFoundError("git"), "cannot read main:t.yaml from git: git is not installed"),
    (subprocess.TimeoutExpired(["git"], 60), "cannot read main:t.yaml from git: git did not answer within 60 s"),
])
def test_git_missing_or_hanging_is_a_message(monkeypatch, error, message):
    def fake_run(argv, **kwargs):
        raise error

    monkeypatch.setattr(sources.subprocess, "run", fake_run)
    with pytest.raises(InputError) as caught:
        sources._git("rev-parse", what="main:t.yaml")
    assert str(caught.value) == message


@pytest.mark.parametrize("stderr, line", [
    (b"warning: something\nfatal: path 'x' does not exist\n", "fatal: path 'x' does not exist"),
    (b"  fatal: bad object \xff\xfe  \n\n", "fatal: bad object \ufffd\ufffd"),  # not UTF-8: shown, not a crash
    (b"", "git failed"),
    (b" \n", "git failed"),
])
def test_the_last_line_of_git_stderr_is_what_the_user_reads(stderr, line):
    assert sources._last_line(subprocess.CompletedProcess(["git"], 128, b"", stderr)) == line
