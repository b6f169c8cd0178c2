"""Where each side of a review comes from (issue 30): the base is the base commit, whole.

A pull request controls the working tree. With ``diff --base REF`` and ``asyncapi --changes-since REF`` the base
must come from git -- never from a committed file or symlink named ``REF:topology.yaml`` (``:`` is legal in a
path) -- and so must the files the base's topology names (message ``schema:`` files, the ``$ref`` inside them):
read from the working tree, a breaking change only in a schema file compares the PR's schema with itself.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import run_cli

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
BASE = """version: 1
name: shop
messages:
  Order:
    schema: schemas/order.json
    example: {id: "o-1"}
queues:
  orders: {message: Order}
  audit: {}
services:
  web: {publishes: [orders, audit]}
  worker: {consumes: [orders, audit]}
"""
SCHEMA = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **ENV}, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository whose main is BASE with its schema file, checked out on a branch 'change'."""
    r = tmp_path / "repo"
    (r / "schemas").mkdir(parents=True)
    git(r, "init", "-q", "-b", "main")
    (r / "topology.yaml").write_text(BASE)
    (r / "schemas" / "order.json").write_text(json.dumps(SCHEMA))
    git(r, "add", ".")
    git(r, "commit", "-qm", "base")
    git(r, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(r, "checkout", "-q", "-b", "change")
    monkeypatch.chdir(r)
    return r


def destructive(*args) -> tuple:
    code, out, err = run_cli("diff", *args, "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    return [a["name"] for a in report["destructive"]], [c["subject"] + ": " + c["detail"] for c in report["changes"]]


def delete_audit(repo):
    (repo / "topology.yaml").write_text(BASE.replace("  audit: {}\n", "").replace(", audit]", "]"))


# ---- 1. the base can be planted by the PR ----

@pytest.mark.parametrize("plant", ["file", "symlink", "symlink-dir"])
def test_a_planted_file_named_like_the_base_is_never_read_as_the_base(repo, plant):
    delete_audit(repo)
    if plant == "file":      # a copy of the head, committed as 'origin/main:topology.yaml' (under origin/)
        (repo / "origin").mkdir()
        (repo / "origin" / "main:topology.yaml").write_text((repo / "topology.yaml").read_text())
    elif plant == "symlink":
        (repo / "origin").mkdir()
        (repo / "origin" / "main:topology.yaml").symlink_to("../topology.yaml")
    else:                    # the directory 'origin' itself a symlink to where a planted copy is
        (repo / "planted").mkdir()
        (repo / "planted" / "main:topology.yaml").write_text((repo / "topology.yaml").read_text())
        (repo / "origin").symlink_to("planted")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hide the deletion")
    gone, _ = destructive("--base", "origin/main", "topology.yaml")
    assert any("audit" in name for name in gone)
    code, _, err = run_cli("diff", "--base", "origin/main", "topology.yaml", "--fail-on-destructive")
    assert code == 1 and "destructive" in err
    # the two-sided form is refused as ambiguous rather than read either way
    code, _, err = run_cli("diff", "origin/main:topology.yaml", "topology.yaml")
    assert code == 1 and "both a file" in err and "Traceback" not in err


def test_changes_since_reads_the_base_from_git_not_a_planted_file(repo):
    (repo / "topology.yaml").write_text(BASE.replace("  web: {publishes: [orders, audit]}\n",
                                                     "  web: {publishes: [orders]}\n"))
    (repo / "origin").mkdir()
    (repo / "origin" / "main:topology.yaml").write_text((repo / "topology.yaml").read_text())
    code, out, err = run_cli("asyncapi", "topology.yaml", "--changes-since", "origin/main", "--link", "x")
    assert code == 0, err
    assert "[web](x/web.yaml): changed" in out


def test_a_base_ref_with_a_colon_is_refused(repo):
    code, _, err = run_cli("diff", "--base", "origin/main:origin/main", "topology.yaml")
    assert code == 1 and "is not a git ref" in err


def test_a_head_path_given_absolute_is_read_at_the_ref_too(repo):
    delete_audit(repo)
    gone, _ = destructive("--base", "origin/main", str(repo / "topology.yaml"))
    assert any("audit" in name for name in gone)


# ---- 2. the base's referenced files come from the base commit ----

def test_a_breaking_change_only_in_a_schema_file_shows_in_the_diff(repo):
    (repo / "schemas" / "order.json").write_text(json.dumps({**SCHEMA, "additionalProperties": False}))
    git(repo, "commit", "-qam", "a required field")
    _, changes = destructive("--base", "origin/main", "topology.yaml")
    assert "message 'Order': schema changed" in changes
    code, out, err = run_cli("asyncapi", "topology.yaml", "--changes-since", "origin/main", "--link", "x")
    assert code == 0, err
    assert "changed" in out and "No service's AsyncAPI document changes" not in out


def test_a_schema_change_that_breaks_the_bases_example_does_not_blame_the_base(repo):
    (repo / "schemas" / "order.json").write_text(json.dumps({**SCHEMA, "properties": {"id": {"type": "integer"}}}))
    (repo / "topology.yaml").write_text(BASE.replace('{id: "o-1"}', "{id: 1}"))
    git(repo, "commit", "-qam", "ids are numbers")
    _, changes = destructive("--base", "origin/main", "topology.yaml")
    assert "message 'Order': schema changed" in changes and "message 'Order': example changed" in changes


def test_a_schema_file_new_in_the_pr_is_not_the_bases(repo):
    """The base names a schema file the PR adds only now: at the base it does not exist, an error of the base."""
    (repo / "schemas" / "order.json").unlink()
    git(repo, "commit", "-qam", "no schema")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    (repo / "schemas" / "order.json").write_text(json.dumps(SCHEMA))
    code, _, err = run_cli("diff", "--base", "origin/main", "topology.yaml")
    assert code == 1 and "does not exist at origin/main" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["symlink-in-base", "ref-to-symlink", "schema-out-of-root", "ref-into-git"])
def test_the_bases_schema_files_keep_the_confinement_rules(repo, kind):
    """What confine.read refuses in the working tree is refused at the commit: symlinks (a blob holding a target
    path, followed nowhere), '..' out of the root, '.git'."""
    schema = dict(SCHEMA)
    if kind == "symlink-in-base":
        (repo / "schemas" / "order.json").unlink()
        (repo / "schemas" / "real.json").write_text(json.dumps(SCHEMA))
        (repo / "schemas" / "order.json").symlink_to("real.json")
    elif kind == "ref-to-symlink":
        os.symlink("/etc/passwd", repo / "schemas" / "id.json")
        schema["properties"] = {"id": {"$ref": "id.json"}}
    elif kind == "schema-out-of-root":
        (repo / "topology.yaml").write_text(BASE.replace("schema: schemas/order.json", "schema: ../outside.json"))
    else:
        schema["properties"] = {"id": {"$ref": "../.git/config.json"}}
    (repo / "schemas" / "order.json").write_text(json.dumps(schema)) if kind != "symlink-in-base" else None
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base with a hostile schema")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    (repo / "schemas").mkdir(exist_ok=True)
    code, _, err = run_cli("diff", "--base", "origin/main", "topology.yaml")
    assert code == 1 and "Traceback" not in err
    why = {"symlink-in-base": "is a symlink at origin/main", "ref-to-symlink": "is a symlink at origin/main",
           "schema-out-of-root": "climbs out of", "ref-into-git": ".git"}[kind]
    assert why in err
    assert "root:" not in err  # nothing of /etc/passwd


# ---- 4. the whole comment within one budget, the destructive changes always in it, first ----

LINK = "https://github.com/acme/shop/blob/" + "c" * 40 + "/asyncapi"


def _sides(tmp_path, edit):
    from bench.generate import topology as synthetic

    base = synthetic(300)
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(edit(base))
    return tmp_path / "base.yaml", tmp_path / "head.yaml"


@pytest.mark.parametrize("limit", [50_000, 20_000, 5_000, 1_000])
@pytest.mark.parametrize("edit", ["description", "description+retention", "description+delete"])
def test_300_services_and_a_description_edit_stay_under_the_budget_with_the_contracts(tmp_path, limit, edit):
    """One description edit changes all 300 services' AsyncAPI documents (37 KB of links): the contracts list is
    inside --max-bytes, cut first; the destructive changes are in the comment, before everything they outrank."""
    def change(text):
        text = text.replace("description: synthetic topology", "description: a synthetic topology")
        if "retention" in edit:
            text = text.replace("retention: 4d", "retention: 1d")          # every queue keeps messages shorter
        if "delete" in edit:
            text = text.replace("q-00002", "q-99999")                      # a queue deleted (and another added)
        return text

    base, head = _sides(tmp_path, change)
    code, md, err = run_cli("diff", base, head, "--format", "markdown", "--max-bytes", str(limit),
                            "--contracts-link", LINK)
    assert code == 0, err
    assert len(md.encode()) <= limit
    assert md.startswith("### topowire diff:")
    if edit != "description":
        assert "> [!CAUTION]" in md
        assert md.index("> [!CAUTION]") < md.index("| Cloud |") if "| Cloud |" in md else True
        assert "destructive change(s)**" in md
    if limit == 50_000 and edit == "description":   # 37 KB of links and a small diff: all of it fits
        assert md.count("): changed") == 300 and "left out" not in md
    if limit == 20_000 and edit == "description":   # the links are cut, with a note
        assert "### AsyncAPI contracts" in md and "more service(s) whose document changes, left out" in md
    assert md.count("<details>") == md.count("</details>")


def test_without_a_limit_the_contracts_list_is_whole_and_as_asyncapi_prints_it(tmp_path, monkeypatch):
    base, head = _sides(tmp_path, lambda t: t.replace("description: synthetic topology", "description: other"))
    code, md, err = run_cli("diff", base, head, "--format", "markdown", "--contracts-link", LINK)
    assert code == 0, err
    assert md.count("): changed") == 300 and "left out" not in md


def test_contracts_link_is_for_markdown_only(tmp_path):
    base, head = _sides(tmp_path, lambda t: t)
    code, _, err = run_cli("diff", base, head, "--contracts-link", LINK)
    assert code == 2 and "--contracts-link is for --format markdown" in err


# ---- 5. an ARN of another account is refused like a foreign role (TOP209) ----

A, B = "111111111111", "222222222222"
ROLE = f"arn:aws:iam::{A}:role/r"


def _key(account, alias=False):
    return (f"arn:aws:kms:us-east-1:{account}:alias/k" if alias else
            f"arn:aws:kms:us-east-1:{account}:key/1111aaaa-2222-3333-4444-555566667777")


FOREIGN = {
    "key ARN vs roles": (f"queues: {{jobs: {{encryption: {{kms_key: '{_key(B)}'}}}}}}\n", ROLE, None, True),
    "alias ARN vs roles": (f"queues: {{jobs: {{encryption: {{kms_key: '{_key(B, True)}'}}}}}}\n", ROLE, None, True),
    "topic key vs roles": (f"queues: {{jobs: {{}}}}\ntopics: {{ev: {{encryption: {{kms_key: '{_key(B)}'}}}}}}\n", ROLE,
                           None, True),
    "alarm topic vs roles": ("queues: {jobs: {}}\n", ROLE, f"arn:aws:sns:us-east-1:{B}:oncall", True),
    "alarm topic vs key, no role": (f"queues: {{jobs: {{encryption: {{kms_key: '{_key(A)}'}}}}}}\n", None,
                                    f"arn:aws:sns:us-east-1:{B}:oncall", True),
    "two keys, no role": (f"queues: {{jobs: {{encryption: {{kms_key: '{_key(A)}'}}}}, "
                          f"more: {{encryption: {{kms_key: '{_key(B)}'}}}}}}\n", None, None, True),
    "one account everywhere": (f"queues: {{jobs: {{encryption: {{kms_key: '{_key(A)}'}}}}}}\n", ROLE,
                               f"arn:aws:sns:us-east-1:{A}:oncall", False),
    "alias name (looked up in the deploying account)": ("queues: {jobs: {encryption: {kms_key: alias/k}}}\n", ROLE,
                                                        None, False),
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_a_kms_key_or_alarm_topic_of_another_account_is_refused(tmp_path, name):
    channels, role, alarm, refused = FOREIGN[name]
    text = "version: 1\nname: shop\ntargets: [aws]\n" + channels
    if alarm:
        text += f"clouds: {{aws: {{alarm_topic: '{alarm}'}}}}\n"
    identity = f", identity: {{aws_role: '{role}'}}" if role else ""
    consumes = "[jobs, more]" if "more:" in channels else "[jobs]"
    text += f"services:\n  web: {{publishes: {consumes}{identity}}}\n  worker: {{consumes: {consumes}}}\n"
    (tmp_path / "t.yaml").write_text(text)
    code, out, err = run_cli("validate", tmp_path / "t.yaml")
    if refused:
        assert code == 1 and "TOP209" in out + err and f"is in account {B}" in out + err, out + err
    else:
        assert "TOP209" not in out + err, out + err


def test_a_symlink_put_in_the_working_tree_does_not_change_which_base_files_are_read(repo):
    """The PR replaces schemas/ by a symlink to a directory with a schema of its own: the base still reads
    its schema from the commit (and the head, from the working tree, reads the PR's)."""
    (repo / "other").mkdir()
    (repo / "other" / "order.json").write_text(json.dumps({**SCHEMA, "additionalProperties": False}))
    git(repo, "rm", "-rq", "schemas")
    (repo / "schemas").symlink_to("other")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "schemas elsewhere")
    _, changes = destructive("--base", "origin/main", "topology.yaml")
    assert "message 'Order': schema changed" in changes
