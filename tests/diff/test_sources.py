"""How `topowire diff` runs git for a ``<git-ref>:<path>`` side: never waiting on a person, never forever.

In CI, `topowire diff --base origin/main` runs next to secrets, on refs a pull request names: git must not
prompt for credentials (the job would hang until the CI timeout), must not take the index lock of the
checkout, must give up after GIT_TIMEOUT seconds, and its errors reach the user as one readable line.
"""

from __future__ import annotations

import json
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
], ids=["several-lines", "not-utf8", "empty", "blank"])  # plain ids: mutmut re-selects tests by id, "\n" in one fails
def test_the_last_line_of_git_stderr_is_what_the_user_reads(stderr, line):
    assert sources._last_line(subprocess.CompletedProcess(["git"], 128, b"", stderr)) == line


BASE = "version: 1\nname: shop\nqueues:\n  orders: {}\nservices:\n  web: {publishes: [orders]}\n  worker: {consumes: [orders]}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    run = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("init", "-q", "-b", "main")
    (tmp_path / "topology.yaml").write_text(BASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "t.yaml").write_text(BASE)
    run("add", ".")
    run("commit", "-qm", "base")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Every refusal, whole: what is wrong and what to give instead (the hostile variants are in
# tests/reliability/test_git_injection.py, which runs the CLI in a fresh interpreter).
REFUSED = [
    (":topology.yaml", "':topology.yaml': the git ref before ':' is empty; write <git-ref>:<path>, e.g. "
                       "origin/main:topology.yaml"),
    ("-x:topology.yaml", "'-x:topology.yaml': a git ref cannot start with '-' (it would be read as an option); "
                         "give a branch, tag or commit id"),
    ("a..b:topology.yaml", "'a..b:topology.yaml': 'a..b' is a range; give one branch, tag or commit id"),
    ("a b:topology.yaml", "'a b:topology.yaml': 'a b' is not a git ref (allowed: letters, digits and _ . / ~ ^ @ { } "
                          "+ -, not starting with '-'); give a branch, tag or commit id"),
    ("main:", "'main:': the path after ':' is empty or holds control characters"),
    ("main:a\tb", "'main:a\\tb': the path after ':' is empty or holds control characters"),
    ("main:/etc/passwd", "'main:/etc/passwd': the path after ':' must be relative to the current directory, inside "
                         "the repository"),
    ("no-such:topology.yaml", "cannot read no-such:topology.yaml from git: 'no-such' is not a commit here (in CI, "
                              "fetch it first: actions/checkout with fetch-depth: 0)"),
    ("main:sub", "cannot read main:sub from git: it is a tree, not a file"),
]


@pytest.mark.parametrize("spec, message", REFUSED, ids=[s for s, _ in REFUSED])
def test_each_refused_side_says_what_is_wrong_and_what_to_give(repo, spec, message):
    with pytest.raises(InputError) as caught:
        sources.read_git(spec)
    assert str(caught.value) == message


def test_a_path_missing_at_the_ref_is_none_and_dot_slash_is_the_same_path(repo):
    assert sources.read_git("main:nothing.yaml") is None
    assert sources.read_git("main:./sub/t.yaml") == BASE.encode()
    assert sources.read_git("main:sub/t.yaml") == BASE.encode()


def test_a_blob_over_the_limit_names_the_limit_in_mib(repo, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 3 * 1048576)
    big = repo / "big.yaml"
    big.write_bytes(b"#" * (3 * 1048576 + 1))
    subprocess.run(["git", "add", "big.yaml"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "big"], cwd=repo, check=True)
    with pytest.raises(InputError) as caught:
        sources.read_git("main:big.yaml")
    assert str(caught.value) == "cannot read main:big.yaml from git: larger than 3 MiB"
    big.write_bytes(b"#" * (3 * 1048576))     # at the limit: read
    subprocess.run(["git", "commit", "-qam", "at"], cwd=repo, check=True)
    assert len(sources.read_git("main:big.yaml")) == 3 * 1048576


@pytest.mark.parametrize("step", ["rev-parse --quiet", "cat-file -t", "cat-file -s", "cat-file blob"])
def test_git_hanging_at_any_step_names_the_side(repo, monkeypatch, step):
    real = subprocess.run

    def hanging_at(argv, **kwargs):
        if " ".join(argv[1:3]) == step:
            raise subprocess.TimeoutExpired(argv, 60)
        return real(argv, **kwargs)

    monkeypatch.setattr(sources.subprocess, "run", hanging_at)
    with pytest.raises(InputError) as caught:
        sources.read_git("main:topology.yaml")
    assert str(caught.value) == "cannot read main:topology.yaml from git: git did not answer within 60 s"


def test_a_missing_file_without_a_colon_is_a_missing_file_not_a_git_ref(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert not sources.is_git_spec("nope.yaml") and sources.is_git_spec("main:nope.yaml")
    (tmp_path / "a:b.yaml").write_text(BASE)          # a file whose name has a colon is a file
    assert not sources.is_git_spec("a:b.yaml")
    with pytest.raises(InputError) as caught:
        sources.read_result("nope.yaml", "dev")
    [d] = caught.value.diagnostics
    assert (d.file, d.line, d.code, d.message) == ("nope.yaml", 1, "TOP009", "file not found")


def test_read_is_none_for_a_path_missing_at_the_ref_and_the_stacks_topology_otherwise(repo):
    assert sources.read("main:nothing.yaml", "dev") is None
    assert sources.read("main:topology.yaml", "prod").prefix == "shop-prod"


def test_git_failing_to_give_the_blob_says_why(repo, monkeypatch):
    real = subprocess.run

    def failing_blob(argv, **kwargs):
        if argv[1:3] == ["cat-file", "blob"]:
            return subprocess.CompletedProcess(argv, 128, b"", b"fatal: unable to read 0123abc\n")
        return real(argv, **kwargs)

    monkeypatch.setattr(sources.subprocess, "run", failing_blob)
    with pytest.raises(InputError) as caught:
        sources.read_git("main:topology.yaml")
    assert str(caught.value) == "cannot read main:topology.yaml from git: fatal: unable to read 0123abc"


def test_a_file_new_in_this_change_lists_every_channel_and_service_as_added(repo):
    from conftest import run_cli

    (repo / "new.yaml").write_text(BASE)
    code, out, err = run_cli("diff", "main:new.yaml", "new.yaml", "--format", "json")
    changes = json.loads(out)["changes"]
    assert code == 0 and changes == [{"op": "added", "subject": s, "detail": ""} for s in
                                     ("queue 'orders'", "service 'web'", "service 'worker'")]


def test_root_applies_to_the_git_side_as_to_the_file(repo):
    """`--root` widens what a topology may read (message schema files) for both sides; without it, each side may
    read only next to itself, and a schema one directory up is refused on the git side too."""
    from conftest import run_cli

    (repo / "schemas").mkdir()
    (repo / "schemas" / "order.json").write_text('{"type": "object"}\n')
    (repo / "sub" / "t.yaml").write_text(BASE.replace("version: 1\n", "version: 1\nmessages:\n  Order: {schema: "
                                                      "../schemas/order.json}\n").replace("  orders: {}",
                                                                                          "  orders: {message: Order}"))
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "schema"], cwd=repo, check=True)
    code, out, err = run_cli("diff", "--root", str(repo), "main:sub/t.yaml", "sub/t.yaml")
    assert (code, err) == (0, "") and "No changes." in out
    code, out, err = run_cli("diff", "main:sub/t.yaml", "sub/t.yaml")
    assert code == 1 and err.startswith("main:sub/t.yaml:3:19: error TOP107 message 'Order': schema file "
                                        "'../schemas/order.json' climbs out of the directory topowire may read")


def test_a_path_with_a_colon_reads_its_message_schema_next_to_it(repo):
    """``main:team:a/topology.yaml``: the path is everything after the first ':', so the schema file named by
    the topology is looked up in ``team:a/``, next to it."""
    import subprocess as sp

    d = repo / "team:a"
    d.mkdir()
    (d / "job.json").write_text('{"type": "object", "required": ["id"]}')
    (d / "topology.yaml").write_text(BASE + "messages:\n  Job: {schema: job.json, example: {id: 1}}\n")
    sp.run(["git", "add", "."], cwd=repo, check=True, capture_output=True)
    sp.run(["git", "commit", "-qm", "colon"], cwd=repo, check=True, capture_output=True)
    result = sources.read_result("main:team:a/topology.yaml", "dev")
    assert result.ok and sorted(result.topology.messages) == ["Job"]
