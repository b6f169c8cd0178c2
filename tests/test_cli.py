"""`topowire validate`: exit codes, formats, flags; and the CLI's promises (no traceback, -m works)."""

from __future__ import annotations

import json

from conftest import EXAMPLES, ROOT, run_cli, run_module

VALID = "queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n"


def test_examples_and_the_root_topology_are_valid():
    for path in [ROOT / "topology.yaml", *EXAMPLES]:
        code, out, _ = run_cli("validate", path)
        assert code == 0, out
        assert " 0 error(s)" in out


def test_default_file_is_topology_yaml(tmp_path, monkeypatch, write):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli("validate")
    assert code == 1  # no topology.yaml here: a clean error
    write(VALID)
    code, out, _ = run_cli("validate")
    assert code == 0 and "1 file(s) checked, 1 valid" in out


def test_exit_codes_and_strict(write):
    ok = write(VALID, "ok.yaml")
    warn = write("queues: {jobs: {}}\n", "warn.yaml")
    bad = write("queues: {jobs: {retention: soon}}\n", "bad.yaml")
    assert run_cli("validate", ok)[0] == 0
    assert run_cli("validate", warn)[0] == 0
    assert run_cli("validate", "--strict", warn)[0] == 1
    assert run_cli("validate", ok, bad)[0] == 1
    assert run_cli("validate", "--format", "yaml", ok)[0] == 2
    assert run_cli("validate", "--cloud", "oracle", ok)[0] == 2
    assert run_cli("nonsense")[0] == 2


def test_text_format_has_position_level_code_and_hint(write):
    bad = write("queues: {jobs: {visiblity_timeout: 5s}}\n")
    code, out, _ = run_cli("validate", bad)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{bad}:3:17: error TOP010 unknown key 'visiblity_timeout' in queue 'jobs'"
    assert lines[1] == "  hint: did you mean 'visibility_timeout'?"


def test_json_format(write):
    bad = write("queues: {jobs: {fifo: maybe}}\n")
    code, out, _ = run_cli("validate", "--format", "json", bad)
    doc = json.loads(out)
    assert code == 1 and doc["valid"] is False
    [d] = doc["files"][0]["diagnostics"]
    assert d["path"] == "$.queues.jobs.fifo" and d["code"] == "TOP010" and (d["line"], d["col"]) == (3, 23)


def test_github_format_is_workflow_annotations(write):
    bad = write("queues: {jobs: {retention: 1d, dead_letter: {retention: 1h}}}\n")
    code, out, _ = run_cli("validate", "--format", "github", bad)
    [line] = [x for x in out.splitlines() if ",title=TOP108::" in x]
    assert line.startswith(f"::warning file={bad},line=3,col=57,")
    assert "%0A" not in line and "::the dead-letter channel of queue 'jobs'" in line


def test_cloud_flag_restricts_limit_checks(write):
    path = write("queues:\n  jobs: {retention: 20d}\nservices:\n  a1: {publishes: [jobs]}\n  b1: {consumes: [jobs]}\n")
    assert run_cli("validate", path)[0] == 1
    assert run_cli("validate", "--cloud", "gcp", path)[0] == 0
    assert run_cli("validate", "--cloud", "aws", path)[0] == 1


def test_python_dash_m_and_garbage_never_show_a_traceback(tmp_path):
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(bytes(range(256)) * 10)
    proc = run_module("validate", garbage)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert f"{garbage}:1:1: error TOP006" in proc.stdout
    assert run_module("--version").stdout.startswith("topowire ")


def test_a_bug_exits_3_with_a_short_message(monkeypatch, write):
    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("generator.cli.validate.check_file", boom)
    code, out, err = run_cli("validate", write(VALID))
    assert code == 3 and "Traceback" not in err
    assert "internal error (RuntimeError: kaboom). This is a bug in topowire" in err
    assert "Set TOPOWIRE_DEBUG=1 to see the traceback." in err
    monkeypatch.setenv("TOPOWIRE_DEBUG", "1")
    code, out, err = run_cli("validate", write(VALID))
    assert code == 3 and "Traceback (most recent call last)" in err and "RuntimeError: kaboom" in err


def test_validate_imports_no_pulumi():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "validate", "topology.yaml"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert "generator.check" in imported
    assert not [m for m in imported if m.split(".")[0] == "pulumi" or m.startswith("pulumi_")]
