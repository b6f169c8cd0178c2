"""`topowire init`: from an empty directory to a valid topology, fresh docs, a plan and working hooks."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from conftest import ROOT, run_cli, run_module
from test_precommit import BIN, sh, snapshot

from generator import __version__ as VERSION

WRITTEN = ["topology.yaml", "Pulumi.yaml", "Pulumi.dev.yaml", "__main__.py", "requirements.txt",
           ".pre-commit-config.yaml", ".github/workflows/topology-comment.yml", ".github/workflows/topology.yml",
           "schema/topology.schema.json",
           "docs/architecture.md",
           # everything the PR workflow checks is written, so that the first pull request is green
           "asyncapi/fulfilment.yaml", "asyncapi/notifier.yaml", "asyncapi/storefront.yaml", "asyncapi/index.md"]


def written(out: str) -> list[str]:
    return [line.removeprefix("wrote ") for line in out.splitlines() if line.startswith("wrote ")]


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_init_then_validate_docs_and_plan(tmp_path, cloud):
    repo = tmp_path / "Order_Service"                       # missing: init creates it
    code, out, err = run_cli("init", repo, "--cloud", cloud)
    assert code == 0, err
    assert written(out) == WRITTEN and "kept" not in out
    assert (repo / "requirements.txt").read_text().splitlines()[-1] == f"topowire[{cloud}]=={VERSION}"
    assert yaml.safe_load((repo / "Pulumi.yaml").read_text())["name"] == "order-service"
    topo = yaml.safe_load((repo / "topology.yaml").read_text())
    assert topo["name"] == "order-service" and topo["targets"] == [cloud]
    assert (repo / "__main__.py").read_text().endswith("from generator.program import main\n\nmain()\n")
    assert (repo / "schema" / "topology.schema.json").read_text() == (ROOT / "schema" / "topology.schema.json").read_text()

    strict = run_module("validate", "--strict", cwd=repo)
    assert strict.returncode == 0 and "1 valid: 0 error(s), 0 warning(s)" in strict.stdout, strict.stdout
    docs = run_module("docs", "--check", cwd=repo)
    assert docs.returncode == 0 and docs.stdout == "docs/architecture.md is up to date\n", docs.stderr
    plan = run_module("plan", "--cloud", cloud, cwd=repo, timeout=300)
    assert plan.returncode == 0, plan.stderr
    assert "resources to create" in plan.stdout and "order-service-dev-orders" in plan.stdout   # stack dev


STACK_KEYS = {  # what generator/program.py reads (project namespace), plus the provider's own keys
    "aws": ["aws:region", "order-service:cloud", "order-service:endpoint", "order-service:topology"],
    "azure": ["azure-native:location", "order-service:actionGroup", "order-service:alerts", "order-service:cloud",
              "order-service:localAuth", "order-service:namespace", "order-service:resourceGroup",
              "order-service:topology"],
    "gcp": ["gcp:project", "order-service:alerts", "order-service:cloud", "order-service:notificationChannels",
            "order-service:topology"],
}


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_stack_config_names_every_key_commented_out(tmp_path, cloud):
    repo = tmp_path / "order-service"
    assert run_cli("init", repo, "--cloud", cloud, "--stack", "staging")[0] == 0
    text = (repo / "Pulumi.staging.yaml").read_text()
    assert yaml.safe_load(text) == {"config": {"order-service:cloud": cloud}}   # only `cloud` is set
    uncommented = "\n".join(line.replace("  # ", "  ", 1) if line.startswith("  # ") else line
                            for line in text.splitlines())
    assert sorted(yaml.safe_load(uncommented)["config"]) == STACK_KEYS[cloud]
    assert not (repo / "Pulumi.dev.yaml").exists()


def test_hooks_are_local_and_run_the_installed_topowire_and_the_workflow_is_pinned(tmp_path):
    repo = tmp_path / "platform"
    assert run_cli("init", repo)[0] == 0
    text = (repo / ".pre-commit-config.yaml").read_text()
    assert "<your-org>" not in text and "rev:" not in text
    [hooks] = yaml.safe_load(text)["repos"]
    assert hooks["repo"] == "local"
    ours = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert list(ours) == ["topowire-validate", "topowire-docs", "topowire-asyncapi"]
    assert [h["id"] for h in hooks["hooks"]] == list(ours)            # asyncapi too: the workflow checks it
    for hook in hooks["hooks"]:                                         # the published hooks, run by the installed
        assert hook["language"] == "system"                             # topowire (nothing downloaded)
        published = {k: v for k, v in ours[hook["id"]].items() if k not in ("language", "description")}
        assert {k: v for k, v in hook.items() if k != "language"} == published
    sources = sorted(p for p in (ROOT / ".github" / "workflows").iterdir() if p.name != "release.yml")
    assert [p.name for p in sources] == ["topology-comment.yml", "topology.yml"]
    assert not (repo / ".github" / "workflows" / "release.yml").exists()   # topowire's own release, not the user's
    changed = {}
    for source in sources:
        copy = (repo / ".github" / "workflows" / source.name).read_text().splitlines()
        original = source.read_text().splitlines()
        assert len(copy) == len(original)
        changed[source.name] = [(a, b) for a, b in zip(original, copy) if a != b]
    assert changed["topology-comment.yml"] == []          # it installs nothing
    [(before, after)] = changed["topology.yml"]           # only the install line differs
    assert re.fullmatch(r"        run: python -m pip install --quiet \.\s+#.*", before)
    assert after == f'        run: python -m pip install --quiet "topowire=={VERSION}"'
    for path in repo.rglob("*"):
        if path.is_file():
            assert "<your-org>" not in path.read_text(), path


def test_hooks_from_a_repository_at_a_revision(tmp_path):
    repo = tmp_path / "platform"
    code, out, _ = run_cli("init", repo, "--hooks-from", "https://git.example.com/acme/topowire@v9.1.0")
    assert code == 0
    [hooks] = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"]
    assert hooks["repo"] == "https://git.example.com/acme/topowire" and hooks["rev"] == "v9.1.0"
    assert [h["id"] for h in hooks["hooks"]] == ["topowire-validate", "topowire-docs", "topowire-asyncapi"]
    assert "the hooks come from https://git.example.com/acme/topowire" in out


@pytest.mark.parametrize("bad", ["https://x/y", "https://x/y@", "https://x/y@v1 extra", "u@v1\nrepo: evil",
                                 'https://x/"y@v1', "https://x/y@$(touch pwned)"])
def test_hooks_from_refuses_what_is_not_url_at_rev(tmp_path, bad):
    code, _, err = run_cli("init", tmp_path / "p", "--hooks-from", bad)
    assert code == 1 and "give URL@REV" in err and not (tmp_path / "p").exists()


def test_topowire_from_a_git_url_or_a_path_goes_into_requirements_and_workflows(tmp_path):
    repo = tmp_path / "platform"
    url = "git+https://git.example.com/acme/topowire@v9.1.0"
    code, out, _ = run_cli("init", repo, "--cloud", "gcp", "--topowire-from", url)
    assert code == 0
    assert (repo / "requirements.txt").read_text().splitlines()[-1] == f"topowire[gcp] @ {url}"
    workflow = (repo / ".github" / "workflows" / "topology.yml").read_text()
    assert f'        run: python -m pip install --quiet "topowire @ {url}"\n' in workflow
    assert f"pip install 'topowire[gcp] @ {url}' pre-commit" in out
    wheel = tmp_path / f"topowire-{VERSION}-py3-none-any.whl"
    wheel.write_bytes(b"")
    code, out, err = run_cli("init", tmp_path / "other", "--topowire-from", str(wheel))
    assert code == 0 and "GitHub's runners cannot reach it" in err
    assert (tmp_path / "other" / "requirements.txt").read_text().splitlines()[-1] == f"topowire[aws] @ {wheel.as_uri()}"


@pytest.mark.parametrize("bad", ["git+https://x/y z", 'git+https://x/"y', "git+https://x/$(id)", "git+https://x/`id`",
                                 "no/such/path"])
def test_topowire_from_refuses_what_would_break_a_line(tmp_path, bad):
    code, _, err = run_cli("init", tmp_path / "p", "--topowire-from", bad)
    assert code == 1 and "--topowire-from" in err and not (tmp_path / "p").exists()


@pytest.mark.parametrize("cloud,key", [("aws", "aws:region"), ("azure", "azure-native:location"),
                                       ("gcp", "gcp:project")])
def test_next_steps_say_what_to_set(tmp_path, cloud, key):
    code, out, _ = run_cli("init", tmp_path / "team", "--cloud", cloud, "--stack", "prod")
    assert code == 0
    nxt = out.split("\nNext:\n", 1)[1]
    assert f"pip install 'topowire[{cloud}]=={VERSION}' pre-commit" in nxt
    assert "git init && pre-commit install" in nxt and "pulumi stack init prod" in nxt
    assert f"pulumi config set {key} " in nxt and "Pulumi.prod.yaml" in nxt


def test_packaged_workflows_are_every_workflow_of_this_repository_and_fresh():
    """`make scaffold-sync` after changing .github/workflows; this fails until then."""
    from generator.scaffold import for_user, workflows

    sources = {p.name: p.read_text() for p in (ROOT / ".github" / "workflows").iterdir() if p.name != "release.yml"}
    assert workflows() == {name: for_user(text) for name, text in sources.items()}
    assert "release.yml" in {p.name for p in (ROOT / ".github" / "workflows").iterdir()}   # and it stays out
    with pytest.raises(ValueError, match="installs something other than topowire"):
        for_user("      - run: pip install requests\n")


@pytest.mark.slow
def test_pre_commit_try_repo_in_an_initialised_repository(tmp_path):
    """The published hooks (--hooks-from) work on a scaffold too; the default local ones: tests/test_first_pr.py."""
    repo = tmp_path / "platform"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    assert run_cli("init", repo)[0] == 0
    sh("git", "init", "-q", cwd=repo)
    sh("git", "add", ".", cwd=repo)
    hooks_repo = snapshot(tmp_path / "topowire", env)
    for hook in ("topowire-validate", "topowire-docs", "topowire-asyncapi"):
        proc = sh(BIN / "pre-commit", "try-repo", hooks_repo, hook, "--all-files", cwd=repo, env=env, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Passed" in proc.stdout


def test_never_overwrites_and_says_what_it_kept(tmp_path):
    repo = tmp_path / "platform"
    repo.mkdir()
    (repo / "topology.yaml").write_text("version: 1\nname: mine\nqueues: {jobs: {}}\n")
    outside = tmp_path / "outside.txt"
    (repo / "requirements.txt").symlink_to(outside)          # dangling: writing through it would create outside.txt
    code, out, err = run_cli("init", repo)
    assert code == 0, err
    assert "kept  topology.yaml (it exists; not overwritten)" in out.splitlines()
    assert "kept  requirements.txt (it exists; not overwritten)" in out.splitlines()
    assert (repo / "topology.yaml").read_text() == "version: 1\nname: mine\nqueues: {jobs: {}}\n"
    assert not outside.exists()
    assert (repo / "docs" / "architecture.md").read_text().count("mine") >= 1   # the docs of the kept topology

    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    code, again, _ = run_cli("init", repo)
    assert code == 0 and "wrote" not in again
    assert [line for line in again.splitlines() if line.startswith("kept")] == [
        f"kept  {rel} (it exists; not overwritten)" for rel in WRITTEN if not rel.startswith("asyncapi/")
    ] + ["kept  asyncapi/index.md (it exists; not overwritten)"]   # the kept topology has no service
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before


def test_never_writes_through_a_symlinked_directory(tmp_path):
    repo, elsewhere = tmp_path / "platform", tmp_path / "elsewhere"
    repo.mkdir()
    elsewhere.mkdir()
    (repo / ".github").symlink_to(elsewhere)   # a cloned repository's .github pointing anywhere
    (repo / "docs").symlink_to(elsewhere)
    (repo / "asyncapi").symlink_to(elsewhere)
    code, out, err = run_cli("init", repo)
    assert code == 0, err
    assert list(elsewhere.iterdir()) == []
    skipped = [line for line in out.splitlines() if line.startswith("skipped ")]
    assert {line.split(":", 1)[0] for line in skipped} == {
        "skipped .github/workflows/topology.yml", "skipped .github/workflows/topology-comment.yml",
        "skipped docs/architecture.md", "skipped asyncapi/"}
    assert (repo / "topology.yaml").is_file()  # the rest is written


def test_an_invalid_kept_topology_gets_no_docs(tmp_path):
    (tmp_path / "topology.yaml").write_text("version: 1\nname: x\nqueues: {jobs: {retention: soon}}\n")
    code, out, err = run_cli("init", tmp_path)
    assert code == 0
    assert err == "docs/architecture.md not written: topology.yaml is not valid yet (topowire validate says why)\n" \
                  "asyncapi/ not written: topology.yaml is not valid yet (topowire validate says why)\n"
    assert not (tmp_path / "docs" / "architecture.md").exists() and not (tmp_path / "asyncapi").exists()


def test_refuses_a_file_a_path_under_a_file_and_a_bad_stack(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("x")
    code, out, err = run_cli("init", f)
    assert (code, out) == (1, "") and err == f"topowire init: {f} is a file, not a directory; choose another DIR\n"
    code, _, err = run_cli("init", f / "repo")
    assert code == 1 and err.startswith(f"topowire init: cannot write into {f / 'repo'}: ")
    code, _, err = run_cli("init", tmp_path / "r", "--stack", "../../etc/x")
    assert code == 2 and "a Pulumi stack name has letters, digits" in err
    assert not (tmp_path / "r").exists() and not list(tmp_path.glob("**/etc"))


@pytest.mark.parametrize("dirname, name", [("My_Shop", "my-shop"), ("2024 orders!", "orders"), ("__", "my-platform"),
                                           ("x" * 40, "x" * 30), ("a", "my-platform")])
def test_project_name_from_the_directory(dirname, name):
    from generator.scaffold import project_name

    assert project_name(dirname) == name


def test_starter_explains_environments_in_a_block_that_validates_when_uncommented(tmp_path):
    assert run_cli("init", tmp_path)[0] == 0
    lines = (tmp_path / "topology.yaml").read_text().splitlines()
    start = lines.index("# environments:                   # optional: settings per Pulumi stack (dev, staging, prod, ...)")
    block = [line[2:] for line in lines[start:] if line.startswith("# ") and not line.startswith("# An ")]
    assert yaml.safe_load("\n".join(block))["environments"] == {
        "dev": {"defaults": {"retention": "1d", "protect": False}},
        "prod": {"defaults": {"retention": "14d"}, "queues": {"orders": {"visibility_timeout": "5m"}}}}
    (tmp_path / "topology.yaml").write_text("\n".join(lines[:start] + block) + "\n")
    code, out, _ = run_cli("validate", "--strict", tmp_path / "topology.yaml")
    assert code == 0, out
