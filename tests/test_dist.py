"""The release as users get it: `python -m build` (what `make dist` and the release workflow run), `twine check`,
the wheel installed into a clean virtualenv, and tests/dist/smoke.sh (the release workflow's own check) run
from a temporary directory with nothing of the checkout on sys.path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from generator import __version__

pytestmark = pytest.mark.slow
PY = sys.executable


def run(*args, cwd, env=None, timeout=900):
    proc = subprocess.run(list(map(str, args)), cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env or {k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert proc.returncode == 0, f"{args}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(PY, "-m", "build", "--outdir", out, ROOT, cwd=out)
    run(PY, "-m", "twine", "check", "--strict", *sorted(out.iterdir()), cwd=out)
    return out


def test_make_dist_builds_an_sdist_and_a_wheel_of_this_version(dist):
    assert sorted(p.name for p in dist.iterdir()) == [f"topowire-{__version__}-py3-none-any.whl",
                                                      f"topowire-{__version__}.tar.gz"]


def test_the_wheel_holds_every_package_data_file(dist):
    [wheel] = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [p.relative_to(ROOT).as_posix() for sub in ("data", "docs/templates", "scaffold/templates",
                                                         "scaffold/workflows")
            for p in sorted((ROOT / "generator" / sub).iterdir()) if p.is_file() and p.suffix != ".py"
            and p.name != "__pycache__"]
    assert data and any(n.endswith(".schema.json") for n in data) and any("workflows/" in n for n in data)
    assert set(data) <= names, sorted(set(data) - names)
    assert not any(n.startswith(("tests/", "bench/", "schema/")) for n in names)   # the package only
    meta = zipfile.ZipFile(wheel).read(f"topowire-{__version__}.dist-info/METADATA").decode()
    assert re.search(rf"^Version: {re.escape(__version__)}$", meta, re.M)


def test_the_installed_wheel_validates_documents_plans_and_scaffolds(dist, tmp_path):
    [wheel] = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[aws]", cwd=tmp_path)
    proc = run("bash", ROOT / "tests" / "dist" / "smoke.sh", bin_dir, ROOT, cwd=tmp_path,
               env={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)})
    assert f"generator from {env_dir}" in proc.stdout and proc.stdout.endswith("wheel smoke: ok\n")
    assert f"topowire {__version__}" in proc.stdout
