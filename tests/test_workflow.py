"""The GitHub Actions workflows: the pull_request half run step by step on a local pull request, the
workflow_run half (the poster) run on hostile artifacts with a stand-in `gh`, and zizmor on every
workflow the project ships."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_precommit import sh, snapshot

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "topology.yml"
POSTER = WORKFLOWS / "topology-comment.yml"
SHIPPED = sorted(WORKFLOWS.glob("*.yml")) + sorted((ROOT / "generator").rglob("workflows/*.yml"))


def load(path):
    doc = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True) if True in doc else doc["on"]  # YAML 1.1 reads the key 'on' as true
    return doc


def steps(path=WORKFLOW, job="review"):
    return load(path)["jobs"][job]["steps"]


def expand(step, values):
    """A step's env with the ${{ }} expressions the test knows replaced by values."""
    out = {}
    for key, value in (step.get("env") or {}).items():
        for expr, v in values.items():
            value = str(value).replace("${{ " + expr + " }}", v)
        assert "${{" not in value, f"{key}: {value} (unknown expression)"
        out[key] = value
    return out


def test_the_pull_request_half_is_read_only_and_posts_nothing():
    doc = load(WORKFLOW)
    assert "topology.yaml" in doc["on"]["pull_request"]["paths"]
    assert list(doc["on"]) == ["pull_request"]
    assert doc["permissions"] == {}
    assert doc["jobs"]["review"]["permissions"] == {"contents": "read"}
    checkout = steps()[0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["persist-credentials"] is False
    names = [s.get("name") for s in steps() if "run" in s]
    assert names == ["Install topowire", "Validate", "Docs are fresh", "AsyncAPI contracts are fresh",
                     "Diff against the base branch", "Fail on destructive changes"]
    assert "gh " not in WORKFLOW.read_text() and "GH_TOKEN" not in WORKFLOW.read_text()
    upload = next(s for s in steps() if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "topology-diff" and upload["with"]["path"] == "topology-diff/"


def test_the_posting_half_runs_nothing_from_the_pull_request():
    doc = load(POSTER)
    assert doc["on"] == {"workflow_run": {"workflows": ["topology"], "types": ["completed"]}}
    assert doc["permissions"] == {}
    job = doc["jobs"]["comment"]
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert job["if"] == "github.event.workflow_run.event == 'pull_request'"
    assert all("uses" not in s for s in job["steps"])          # no checkout, no action at all
    assert "pip install" not in POSTER.read_text() and "topowire " not in job["steps"][0]["run"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_expression_inside_run_and_every_action_pinned(path):
    for job in load(path)["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_zizmor_finds_nothing_in_any_shipped_workflow():
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert zizmor, "zizmor is a dev dependency: pip install -e '.[dev]'"
    proc = subprocess.run([zizmor, "--offline", "--persona=pedantic", "--no-progress", *map(str, SHIPPED)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr
    # The one suppression: workflow_run is what the fork-safe split needs (docs/reliability.md).
    ignores = [(p.name, line.strip()) for p in SHIPPED for line in p.read_text().splitlines() if "zizmor: ignore" in line]
    assert all(name == "topology-comment.yml" and "ignore[dangerous-triggers]" in line for name, line in ignores), ignores


def test_every_step_runs_locally_on_a_pull_request(tmp_path):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    repo = snapshot(tmp_path / "repo", env)              # the base branch: this repository as it is
    sh("git", "branch", "-M", "main", cwd=repo, env=env)
    sh("git", "update-ref", "refs/remotes/origin/main", "HEAD", cwd=repo, env=env)
    sh("git", "checkout", "-q", "-b", "change", cwd=repo, env=env)
    text = (repo / "topology.yaml").read_text()
    text = text.replace("    fifo: true\n    visibility_timeout: 2m\n", "    visibility_timeout: 2m\n")  # destructive
    text = text.replace("Runs model inference on GPUs.", "Runs model inference on H100 GPUs.")
    (repo / "topology.yaml").write_text(text)
    for cmd in (["docs", "topology.yaml", "-o", "docs/architecture.md"], ["asyncapi", "topology.yaml", "-o", "asyncapi"]):
        subprocess.run([sys.executable, "-m", "generator", *cmd], cwd=repo, check=True, capture_output=True,
                       env={**env, "PYTHONPATH": str(ROOT)})
    sh("git", "commit", "-qam", "embedding jobs need no order", cwd=repo, env=env)

    tools = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(tools)
    path = f"{tools / 'bin'}{os.pathsep}{env['PATH']}"
    values = {"github.base_ref": "main", "github.event.pull_request.number": "42",
              "github.server_url": "https://github.com", "github.repository": "acme/shop",
              "github.event.pull_request.head.sha": "c" * 40}
    results = {}
    for step in steps():
        if "run" not in step:
            continue
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True, timeout=600,
                              env={**env, "PATH": path, "VIRTUAL_ENV": str(tools), **expand(step, values)})
        results[step["name"]] = proc
    for name in ("Install topowire", "Validate", "Docs are fresh", "AsyncAPI contracts are fresh",
                 "Diff against the base branch"):
        assert results[name].returncode == 0, f"{name}: {results[name].stdout}{results[name].stderr}"
    assert "::warning file=topology.yaml,line=" in results["Validate"].stdout
    diff = (repo / "topology-diff" / "comment.md").read_text()
    full = (repo / "topology-diff" / "full.md").read_text()
    assert diff == full and "left out" not in diff  # a small change: the comment is the whole report
    assert "> [!CAUTION]" in diff and "ai-platform-dev-embedding-jobs" in diff and "```mermaid" in diff
    assert (repo / "topology-diff" / "pr-number").read_text() == "42\n"
    contracts = "https://github.com/acme/shop/blob/" + "c" * 40 + "/asyncapi"
    assert diff.endswith("### AsyncAPI contracts\n\nDocuments that this change alters (stack `dev`):\n\n"
                         f"- [api-gateway]({contracts}/api-gateway.yaml): changed\n"
                         f"- [embedder]({contracts}/embedder.yaml): changed\n"
                         f"- [gpu-worker]({contracts}/gpu-worker.yaml): changed\n")
    assert results["Fail on destructive changes"].returncode == 1


# ---- the poster, on hostile artifacts: a stand-in gh records what it would do ----

FAKE_GH = r"""#!/bin/bash
# gh run download RUN --repo R --name N --dir D | gh api repos/R/pulls/N --jq .head.sha | gh pr comment N ...
log="$FAKE_GH_STATE/calls"
printf '%q ' "$@" >> "$log"; echo >> "$log"
case "$1 $2" in
  "run download")
    dir="${@: -1}"
    [ -d "$FAKE_GH_STATE/artifact" ] || { echo "no artifact" >&2; exit 1; }
    mkdir -p "$dir"; cp -a "$FAKE_GH_STATE/artifact/." "$dir/" ;;
  "api "*)
    cat "$FAKE_GH_STATE/head-sha" ;;
  "pr comment")
    shift 2; pr="$1"; shift
    while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$FAKE_GH_STATE/posted-$pr"; shift; done ;;
esac
"""
HEAD_SHA = "a" * 40


def post(tmp_path, comment: bytes | None = b"### topowire diff\n", pr: bytes = b"42\n", sha: str = HEAD_SHA,
         symlink: bool = False):
    state = tmp_path / "gh"
    (state / "bin").mkdir(parents=True)
    gh = state / "bin" / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    (state / "head-sha").write_text(sha + "\n")
    if comment is not None:
        art = state / "artifact"
        art.mkdir()
        (art / "pr-number").write_bytes(pr)
        if symlink:
            (art / "comment.md").symlink_to("/etc/passwd")
        else:
            (art / "comment.md").write_bytes(comment)
    step = steps(POSTER, "comment")[0]
    values = {"github.token": "t0ken", "github.repository": "acme/shop", "github.event.workflow_run.id": "99",
              "github.event.workflow_run.head_sha": HEAD_SHA}
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{state / 'bin'}{os.pathsep}{os.environ['PATH']}", "FAKE_GH_STATE": str(state),
                               "RUNNER_TEMP": str(runner_temp), "GITHUB_SERVER_URL": "https://github.com",
                               **expand(step, values)})
    posted = {p.name.removeprefix("posted-"): p.read_text(errors="surrogateescape") for p in state.glob("posted-*")}
    return proc, posted


def test_the_poster_posts_the_report_on_its_pull_request(tmp_path):
    proc, posted = post(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(posted) == ["42"]
    assert posted["42"] == (PROVENANCE + "### topowire diff\n")


PROVENANCE = ("<sub>Computed by [the pull request's own run](https://github.com/acme/shop/actions/runs/99) on commit "
              + HEAD_SHA + ": what follows is that run's output, not checked by this workflow.</sub>\n\n")


# Issue 30: the artifact is the pull request's to write. Whatever it holds, the provenance line comes first and
# whole, no HTML of the artifact reaches the comment but the report's own bare tags, and no one is mentioned.
HOSTILE = {
    "unclosed-comment": b"### topowire diff\n\nNo destructive change.\n<!--\n",
    "comment-in-line": b"No destructive change <!-- hidden: queue orders deleted --> here\n",
    "mentions": b"LGTM @acme/platform-team @octocat, please merge\n",
    "mention-after-markup": b"**@admin** (@root) [@x](https://e.example)\n",
    "tags": b"<img src=x onerror=alert(1)><a href='https://e.example'>ok</a><sub>Computed by a fake run</sub>\n",
    "details-with-attributes": b"<details open><summary>x</summary><script>x</script></details>\n",
    "uppercase-and-spaces": b"< !-- x --><!--x--><DETAILS><Summary>\n",
    "not-utf8": b"\xff\xfe<!-- \xc3(\n@\xffteam @team\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_report_cannot_hide_the_provenance_mention_anyone_or_inject_html(tmp_path, name):
    proc, posted = post(tmp_path, comment=HOSTILE[name])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    body = posted["42"]
    assert body.startswith(PROVENANCE)
    rest = body[len(PROVENANCE):]
    assert "<!--" not in rest and not re.search(r"<(?!/?(details|summary)>|br/>)", rest)
    assert not re.search(r"@[A-Za-z0-9_-]", rest)       # @\u200bname: shown, but notifies no one
    if name == "mentions":
        assert "@\u200bacme/platform-team @\u200boctocat" in rest


def test_an_escaped_angle_bracket_of_the_report_still_reads_as_one(tmp_path):
    """topowire writes a '<' of a description as '\\<': the poster makes it '&lt;' (shows '<'), not '\\&lt;'
    (which would show '&lt;')."""
    proc, posted = post(tmp_path, comment=b"- **changed** queue 'a': description: a \\<b\\> c\n")
    assert proc.returncode == 0 and posted["42"] == PROVENANCE + "- **changed** queue 'a': description: a &lt;b\\> c\n"


def test_the_reports_own_markup_is_kept(tmp_path):
    report = (b"<details><summary>AWS: 1 resource change(s)</summary>\n\n| a | b |\n\n</details>\n"
              b"```mermaid\n  n1[\"orders<br/>removed\"]\n```\n")
    proc, posted = post(tmp_path, comment=report)
    assert proc.returncode == 0 and posted["42"] == PROVENANCE + report.decode()


@pytest.mark.parametrize("pr", [b"42; rm -rf ~\n", b"$(id)\n", b"-1\n", b"0\n", b"42 43\n", b"4\n2\n", b"\n",
                                b"1" * 40 + b"\n", b"--repo=evil/x\n", b"\x00\n"])
def test_a_pr_number_that_is_not_an_integer_is_refused(tmp_path, pr):
    proc, posted = post(tmp_path, pr=pr)
    assert proc.returncode != 0 and posted == {}
    assert "::error::" in proc.stdout


def test_a_pr_whose_head_is_not_the_built_commit_gets_nothing(tmp_path):
    proc, posted = post(tmp_path, pr=b"7\n", sha="b" * 40)     # another PR's number
    assert proc.returncode == 0 and posted == {}
    assert "not posted" in proc.stdout


def test_an_oversized_report_is_refused(tmp_path):
    proc, posted = post(tmp_path, comment=b"x" * 60_001)
    assert proc.returncode != 0 and posted == {} and "larger than 60,000 bytes" in proc.stdout


def test_a_symlinked_report_is_refused(tmp_path):
    proc, posted = post(tmp_path, symlink=True)
    assert proc.returncode != 0 and posted == {} and "not a regular file" in proc.stdout


def test_no_artifact_posts_nothing_and_does_not_fail(tmp_path):
    proc, posted = post(tmp_path, comment=None)
    assert proc.returncode == 0 and posted == {} and "no report" in proc.stdout


def test_the_paths_filter_covers_every_file_a_topology_may_name():
    """Issue 30: a change only in a message schema file (or a file its $ref names) must run the review. Every file
    the loader reads through confine.read ends in one of ALLOWED_SUFFIXES, wherever it is in the repository."""
    from fnmatch import fnmatch

    from generator.confine import ALLOWED_SUFFIXES

    for path in (WORKFLOW, ROOT / "generator" / "scaffold" / "workflows" / "topology.yml"):
        patterns = load(path)["on"]["pull_request"]["paths"]
        for suffix in ALLOWED_SUFFIXES:
            assert f"**{suffix}" in patterns, (path, suffix)
        for changed in ("schemas/order.json", "deep/er/contracts/a.yaml", "x.yml", "topology.yaml"):
            # GitHub's '**' matches any number of directories, fnmatch's '*' too
            assert any(fnmatch(changed, p.replace("**", "*")) for p in patterns), changed
