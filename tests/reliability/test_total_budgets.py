"""Issue #30, "total-work budgets": each limit is a total for the run, checked before the work it bounds.

Verified by counting the work (documents rendered, files read, names compared), not by timing it.
"""

from __future__ import annotations

import difflib
import json

import pytest

from conftest import run_cli

from generator import asyncapi, check, confine, message_schema, output


def _asyncapi_bomb(tmp_path, publishers: int, example_kb: int):
    example = json.dumps({"blob": "x" * (example_kb * 1024)})
    lines = ["version: 1", "name: demo", "messages:", "  Big:", "    schema: {type: object}",
             f"    example: {example}", "topics:", "  big: {message: Big}", "services:"]
    lines += [f"  p{i:04d}: {{publishes: [big]}}" for i in range(publishers)]
    path = tmp_path / "topology.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_asyncapi_stops_at_the_first_document_past_the_bound(tmp_path, monkeypatch):
    path = _asyncapi_bomb(tmp_path, 200, 20)  # 200 documents of about 20 KB: 4 MB; the bound here is 100 KB
    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", 100_000)
    built = []
    real = asyncapi.document
    monkeypatch.setattr(asyncapi, "document", lambda topo, name, source: built.append(name) or real(topo, name, source))
    rc, out, err = run_cli("asyncapi", str(path), "-o", str(tmp_path / "out"))
    assert rc == 1 and "larger than" in err and "Traceback" not in err, out + err
    assert len(built) <= 6, f"{len(built)} documents rendered after the bound was passed"
    assert not (tmp_path / "out").exists()  # nothing written


def test_one_huge_document_stops_while_it_is_written(tmp_path, monkeypatch):
    example = json.dumps({"blob": "x" * 20_000})
    lines = ["version: 1", "name: demo", "messages:"]
    lines += [f"  M{i}: {{schema: {{type: object}}, example: {example}}}" for i in range(30)]
    lines += ["topics:"] + [f"  t{i:03d}: {{message: M{i}}}" for i in range(30)]
    lines += ["services:", f"  one: {{publishes: [{', '.join(f't{i:03d}' for i in range(30))}]}}"]
    (tmp_path / "topology.yaml").write_text("\n".join(lines) + "\n")  # one document of 30 x 20 KB examples
    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", 100_000)
    written = []
    real = output._Counted.write
    monkeypatch.setattr(output._Counted, "write", lambda self, text: written.append(len(text)) or real(self, text))
    rc, out, err = run_cli("asyncapi", str(tmp_path / "topology.yaml"), "-o", str(tmp_path / "out"))
    assert rc == 1 and "larger than" in err, out + err
    assert sum(written) <= 100_000 + 25_000  # stopped within one example of the bound, not after 600 KB


@pytest.mark.parametrize("spelling", ["d{i}/../big.json", "./" * 3 + "d{i}/../big.json", "d{i}/./../big.json",
                                      "link{j}/big.json"])
def test_one_schema_file_named_many_ways_is_read_once(tmp_path, monkeypatch, spelling):
    (tmp_path / "big.json").write_text(json.dumps({"type": "object", "description": "y" * 50_000}))
    for j in range(3):
        (tmp_path / f"link{j}").symlink_to(".")
    n = 300
    lines = ["version: 1", "name: demo", "messages:"]
    lines += [f"  M{i}: {{schema: '{spelling.format(i=i, j=i % 3)}'}}" for i in range(n)]
    (tmp_path / "topology.yaml").write_text("\n".join(lines) + "\n")
    reads = []
    real = confine.read
    monkeypatch.setattr(confine, "read", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    rc, out, err = run_cli("validate", "-q", str(tmp_path / "topology.yaml"))
    assert "Traceback" not in out + err
    assert len(reads) == 1, f"big.json read {len(reads)} times"


def test_bytes_read_from_schema_files_are_one_total(tmp_path, monkeypatch):
    files = 24  # each 900 KB (under the 1 MiB of one file), 21 MB in all: past the 16 MiB total
    for i in range(files):
        (tmp_path / f"s{i}.json").write_text(json.dumps({"type": "object", "description": "z" * 900_000}))
    lines = ["version: 1", "name: demo", "messages:"] + [f"  M{i}: {{schema: s{i}.json}}" for i in range(files)]
    (tmp_path / "topology.yaml").write_text("\n".join(lines) + "\n")
    read = []
    real = confine.read
    monkeypatch.setattr(confine, "read", lambda *a, **k: read.append(len(r := real(*a, **k))) or r)
    rc, out, err = run_cli("validate", str(tmp_path / "topology.yaml"))
    assert rc == 1 and "TOP107" in out and "in all" in out, out + err
    assert sum(read) <= message_schema.MAX_TOTAL_SCHEMA_BYTES


def _compared(monkeypatch) -> list:
    spent = []
    real = difflib.get_close_matches

    def counted(word, possibilities, *a, **k):
        possibilities = list(possibilities)
        spent.append(len(possibilities))
        return real(word, possibilities, *a, **k)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    return spent


@pytest.mark.parametrize("section", ["queues", "topics"])
def test_top115_did_you_mean_is_one_budget_per_run(tmp_path, monkeypatch, section):
    from generator.rules.common import Names

    n = 400
    lines = ["version: 1", "name: demo", f"{section}:"] + [f"  c{i:04d}x: {{}}" for i in range(n)]
    lines += ["environments:", "  prod:", f"    {section}:"] + [f"      c{i:04d}y: {{}}" for i in range(n)]
    (tmp_path / "topology.yaml").write_text("\n".join(lines) + "\n")
    spent = _compared(monkeypatch)
    rc, out, err = run_cli("validate", "-q", str(tmp_path / "topology.yaml"))
    assert rc == 1 and out.count("TOP115") == n, out[-2000:]
    assert sum(spent) <= Names.BUDGET + n * Names.NEIGHBOURS, f"{sum(spent):,} names compared"


def _with_environments(services: int, environments: int, targets: str = "[aws]") -> str:
    lines = ["version: 1", "name: demo", f"targets: {targets}", "queues:"]
    lines += [f"  q{i}: {{}}" for i in range(services)] + ["services:"]
    lines += [f"  s{i}: {{publishes: [q{i}], consumes: [q{i}]}}" for i in range(services)]
    lines += ["environments:"] + [f"  e{i}: {{}}" for i in range(environments)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", [("validate",), ("docs", "-o", "-"), ("plan", "--cloud", "aws")])
def test_environments_targets_resources_are_one_budget(tmp_path, monkeypatch, command):
    monkeypatch.setattr(check, "MAX_STACK_WORK", 10_000)  # the same budget, scaled down: counted, not timed
    path = tmp_path / "topology.yaml"
    path.write_text(_with_environments(100, 49, "[aws, azure, gcp]"))  # 50 x 3 x 300 = 45,000
    builds = []
    from generator import model

    real = model.build
    monkeypatch.setattr(model, "build", lambda *a, **k: builds.append(a[1] if len(a) > 1 else "") or real(*a, **k))
    rc, out, err = run_cli(command[0], str(path), *command[1:])
    assert rc == 1 and "TOP117" in out + err and "budget" in out + err, out + err
    assert "Traceback" not in out + err
    assert len(builds) <= 2, f"{len(builds)} stacks built before the budget was checked"


def test_an_ordinary_topology_with_environments_is_within_the_budget(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(_with_environments(50, 3, "[aws, azure, gcp]"))
    rc, out, err = run_cli("validate", "-q", str(path))
    assert rc == 0, out + err
    _, _, _, work = check.stack_work(check.load_topology(str(path))[0])
    assert work == 4 * 3 * 150
