"""What users notice first: bare `topowire`, help on every option, clean errors for paths, plan progress."""

from __future__ import annotations

import argparse
import io
import os
import pty
import subprocess
import sys

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from generate import topology as synthetic  # noqa: E402


def test_bare_topowire_prints_the_whole_help():
    code, out, err = run_cli()
    assert code == 2 and out == ""
    assert err.startswith("usage: topowire [-h] [--version] COMMAND ...")
    for command in ("init", "validate", "docs", "plan", "diff", "local", "schema"):
        assert f"\n    {command} " in err


def _actions(p, path=("topowire",)):
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield path + (choice.dest,), choice
            for name, sub in action.choices.items():
                yield from _actions(sub, path + (name,))
        else:
            yield path, action


def test_every_option_argument_and_subcommand_has_help():
    from generator.cli import parser

    seen = list(_actions(parser()))
    missing = [(" ".join(path), a.option_strings or a.dest) for path, a in seen
               if not a.help or a.help == argparse.SUPPRESS]
    assert missing == []
    assert len(seen) > 40     # the walk reached the sub-subcommands (local up --port)
    assert ("topowire local up", ["--port"]) in [(" ".join(p), a.option_strings) for p, a in seen]


def test_docs_into_a_directory_is_an_input_error(tmp_path):
    code, out, err = run_cli("docs", ROOT / "topology.yaml", "-o", tmp_path)
    assert (code, out) == (1, "")
    assert err == (f"topowire: -o {tmp_path} is a directory; give the file to write, e.g. -o "
                   f"{tmp_path / 'architecture.md'}\n")


def test_docs_into_an_unwritable_path_is_an_input_error(tmp_path):
    blocker = tmp_path / "docs"
    blocker.write_text("a file where a directory should be")
    code, out, err = run_cli("docs", ROOT / "topology.yaml", "-o", blocker / "architecture.md")
    assert (code, out) == (1, "")
    assert err.startswith(f"topowire: cannot write {blocker / 'architecture.md'}: ")
    assert "bug" not in err


def test_an_os_error_anywhere_is_exit_1_not_a_bug(tmp_path, monkeypatch):
    from generator.cli import validate

    def refuse(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(validate, "run", refuse)
    code, _, err = run_cli("validate")
    assert code == 1 and err == f"topowire: {tmp_path / 'x'}: Permission denied\n"


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal_with_text_and_not_in_ci():
    from generator.plan.progress import wanted

    assert wanted(FakeTTY(), "text", environ={}) is True
    assert wanted(FakeTTY(), "json", environ={}) is False
    assert wanted(FakeTTY(), "text", environ={"CI": "true"}) is False
    assert wanted(io.StringIO(), "text", environ={}) is False


def test_progress_waits_then_counts_throttled_and_erases_itself():
    from generator.plan.progress import Counter

    now = [100.0]
    stream = FakeTTY()
    counter = Counter("planning big.yaml on aws", stream, clock=lambda: now[0])
    for step in (0.1, 0.2, 0.3):          # the first half second: nothing (small files stay quiet)
        now[0] = 100 + step
        counter()
    assert stream.getvalue() == ""
    now[0] = 100.6
    counter()
    now[0] = 100.65                         # within 0.1 s of the last line: not redrawn
    counter()
    now[0] = 100.8
    counter()
    counter.close()
    assert stream.getvalue() == ("\rplanning big.yaml on aws: 4 resources registered\x1b[K"
                                 "\rplanning big.yaml on aws: 6 resources registered\x1b[K" "\r\x1b[K")


def test_plan_progress_goes_to_a_terminal_stderr_only(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(synthetic(120))
    env = {k: v for k, v in os.environ.items() if k != "CI"}

    def plan(*extra):
        master, slave = pty.openpty()
        stdout = (tmp_path / "stdout").open("w+")       # a file: a full pipe would block the plan
        proc = subprocess.Popen([sys.executable, "-m", "generator", "plan", str(big), "--cloud", "aws", *extra],
                                stdout=stdout, stderr=slave, env=env, cwd=ROOT)
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        proc.wait(timeout=300)
        os.close(master)
        stdout.seek(0)
        return proc.returncode, stdout.read(), err.decode()

    code, out, err = plan()
    assert code == 0 and "resources to create" in out
    assert f"\rplanning {big} on aws: " in err and " resources registered\x1b[K" in err
    assert err.endswith("\r\x1b[K")                 # erased: the terminal is left clean
    assert "\r" not in out and "registered" not in out
    code, out, err = plan("--format", "json")
    assert code == 0 and "registered" not in err


def test_every_warning_of_the_demo_topology_is_explained_on_its_line():
    import json

    code, out, _ = run_cli("validate", ROOT / "topology.yaml", "--format", "json")
    found = json.loads(out)["files"][0]["diagnostics"]
    # infos say what a service without a role gets (TOP221) and that the namespace name is derived (TOP226): not a
    # warning to explain
    assert {d["code"] for d in found if d["level"] == "info"} <= {"TOP221", "TOP226"}
    diagnostics = [d for d in found if d["level"] != "info"]
    lines = (ROOT / "topology.yaml").read_text().splitlines()
    assert code == 0 and [d["level"] for d in diagnostics] == ["warning"] * 9
    unexplained = [(d["line"], d["code"]) for d in diagnostics
                   if "# on purpose" not in lines[d["line"] - 1] or d["code"] not in lines[d["line"] - 1]]
    assert unexplained == []
