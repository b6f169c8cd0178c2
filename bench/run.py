"""Benchmarks: topowire against what users would use instead, side by side in one run.

    python bench/run.py                      # everything; writes bench/RESULTS.md (about 10 minutes, quiet machine)
    python bench/run.py --sizes 10 --plan-sizes 10 --growth-sizes "" --runs 1 --no-install --out build/bench.md

Every measurement is a fresh process (what pre-commit and CI pay), with its wall-clock time and its CPU time
(user + system, from wait4's rusage) and peak resident memory. Ratios compare CPU times measured in the same
run: on a shared machine, other processes stretch wall-clock times far more than CPU times (the load average
is recorded). Not part of `make test`: speed lives here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import topology  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
SCHEMA = ROOT / "schema" / "topology.schema.json"
CLOUDS = ("aws", "azure", "gcp")
HEAD = ["| command | wall s | CPU s (median) | CPU min | CPU max | peak MiB | ratio (CPU) |",
        "| --- | --- | --- | --- | --- | --- | --- |"]


def measure(cmd: list, runs: int, stdout_path: Path | None = None) -> dict:
    return measure_together([cmd], runs, stdout_path)[0]


def compiled() -> None:
    """topowire's modules compiled to bytecode once, as an installed package has them (pip compiles on install):
    with PYTHONDONTWRITEBYTECODE set, every measured process would compile them again from source, and the
    command that imports more modules (docs: Jinja2 and the templates' code) would pay more of it."""
    import compileall

    compileall.compile_dir(str(ROOT / "generator"), quiet=1)


def measure_together(cmds: list, runs: int, stdout_path: Path | None = None) -> list:
    """Each command ``runs`` times, taking turns (a, b, c, a, b, c, ...): the commands a ratio compares share
    the same minutes, so a shared host's load, which drifts within a run, stretches all of them alike.
    ``stdout_path``: where the first command writes its output."""
    compiled()
    walls, cpus, peaks = ([[] for _ in cmds] for _ in range(3))
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            out = open(stdout_path, "w") if stdout_path and i == 0 else subprocess.DEVNULL
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)})
            _, status, usage = os.wait4(proc.pid, 0)
            walls[i].append(time.perf_counter() - start)
            if out is not subprocess.DEVNULL:
                out.close()
            cpus[i].append(usage.ru_utime + usage.ru_stime)
            peaks[i].append(usage.ru_maxrss / 1024)  # KiB -> MiB
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                raise SystemExit(f"{' '.join(map(str, cmd))} exited {code}")
    return [{"wall": statistics.median(w), "cpu": statistics.median(c), "min": min(c), "max": max(c), "rss": max(p)}
            for w, c, p in zip(walls, cpus, peaks)]


def _plan_and_floor(path: Path, cloud: str, plan_json: Path, runs: int) -> list:
    """``topowire plan`` (its JSON written to ``plan_json``) and the minimal program registering the same
    resources, taking turns; the floor reads the JSON the plan before it wrote."""
    return measure_together([[PY, "-m", "generator", "plan", str(path), "--cloud", cloud, "--format", "json"],
                             [PY, str(ROOT / "bench" / "floor.py"), str(plan_json)]], runs, stdout_path=plan_json)


def row(name: str, m: dict, ratio: str = "") -> str:
    return f"| {name} | {m['wall']:.3f} | {m['cpu']:.3f} | {m['min']:.3f} | {m['max']:.3f} | {m['rss']:.0f} | {ratio} |"


def versions() -> list:
    import yaml

    out = [f"Python {platform.python_version()}", f"PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__})"]
    for dist in ("topowire", "jsonschema", "jsonschema-rs", "check-jsonschema", "pulumi", "pulumi-aws",
                 "pulumi-azure-native", "pulumi-gcp"):
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist} (not installed)")
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def install_cost() -> list:
    """Time and size of `pip install .` (the core) into a fresh venv, with and without jsonschema-rs."""
    lines = ["## Installing the core", "",
             "`pip install .` into a fresh virtual environment (what the pre-commit hooks do), from pip's cache; "
             "the size is the environment's site-packages.", "",
             "| core | install s | site-packages MiB | packages |", "| --- | --- | --- | --- |"]
    deps = [d for d in _core_dependencies()]
    for label, wanted in (("without jsonschema-rs (before)", [d for d in deps if not d.startswith("jsonschema-rs")]),
                          ("with jsonschema-rs (now)", deps)):
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            subprocess.run([PY, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            start = time.perf_counter()
            subprocess.run(pip + ["--no-deps", str(ROOT)], check=True, capture_output=True, cwd=tmp)
            subprocess.run(pip + wanted, check=True, capture_output=True, cwd=tmp)
            took = time.perf_counter() - start
            site = next(venv.glob("lib/python*/site-packages"))
            size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 2**20
            dists = len(list(site.glob("*.dist-info"))) - 1  # less pip itself
            lines.append(f"| {label} | {took:.1f} | {size:.1f} | {dists} |")
    return lines + [""]


def _core_dependencies() -> list:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def resources(plan_json: Path) -> int:
    return sum(1 for r in json.loads(plan_json.read_text())["resources"] if r["type"] != "pulumi:pulumi:Stack")


def docs_by_part(path: Path, work: Path, runs: int) -> list:
    """`topowire docs` against itself with a part of the page left out (bench/docs_parts.py), taking turns with
    validate: what each part costs, and how far from 1.15× validate the page would be without it."""
    page, out = work / "docs-whole.md", str(work / "docs-part.md")
    validate, whole, *less = measure_together(
        [[PY, "-m", "generator", "validate", "-q", str(path)],
         [PY, "-m", "generator", "docs", str(path), "-o", str(page)]]
        + [[PY, str(ROOT / "bench" / "docs_parts.py"), part, str(path), out] for part in ("diagram", "tables", "page")],
        runs)
    blocks = sum(1 for line in page.read_text("utf-8").splitlines() if line.startswith("```") and "mermaid" in line)
    names = (f"`topowire docs` without its diagram ({blocks} Mermaid block(s))",
             "`topowire docs` without the rows of its large tables",
             "`topowire docs` rendering no page (load, check without the warning rules, imports)")
    return [f"## docs part by part ({path.stat().st_size / 1024:.0f} KiB)", "",
            "Not a goal: why `docs` is where it is. The same page with a part left out (bench/docs_parts.py), taking "
            "turns with validate and the whole page.", "", *HEAD,
            row("`topowire validate`", validate),
            row("`topowire docs`", whole, f"{whole['cpu'] / validate['cpu']:.2f}× validate"),
            *[row(name, m, f"{m['cpu'] / validate['cpu']:.2f}× validate") for name, m in zip(names, less)], ""]


def growth(costs: list) -> float:
    """The largest rise of a per-resource cost from a size to any larger one (``costs`` by size, smallest first);
    below 1× when it only falls."""
    pairs = [b / a for i, a in enumerate(costs) for b in costs[i + 1:]]
    return max(pairs) if pairs else 0


def _growth_decomposition(ns: list, per_resource: dict, floor_per_resource: dict) -> list:
    """Whose cost grows: the SDK floor's CPU per resource at the same sizes, and topowire's cost above the floor
    (plan minus floor, per resource). The goal above keeps the issue's metric; this says which part grows."""
    lines = ["### Whose per-resource cost grows", "",
             "The same CPU per resource split in two: the SDK floor's own (the minimal program registering the same "
             "resources) and topowire's cost above it (plan minus floor, per resource). Growth as above: the largest "
             "rise from a size to a larger one (below 1×: it only falls per resource).",
             "", "| cloud | part | " + " | ".join(f"{n} services" for n in ns) + " | growth |",
             "| --- | --- |" + " --- |" * (len(ns) + 1)]
    for cloud in CLOUDS:
        both = [n for n in ns if n in per_resource[cloud] and n in floor_per_resource[cloud]]
        if len(both) < 2:
            continue
        floor = [floor_per_resource[cloud][n] for n in both]
        ours = [per_resource[cloud][n][0] - floor_per_resource[cloud][n] for n in both]
        for part, values in (("SDK floor", floor), ("topowire above the floor", ours)):
            cells = {n: f"{v * 1000:.2f} ms" for n, v in zip(both, values)}
            rise = f"{growth(values):.2f}×" if min(values) > 0 else "n/a (not above the floor)"
            lines.append(f"| {cloud} | {part} | " + " | ".join(cells.get(n, "") for n in ns) + f" | {rise} |")
    return lines + [""]


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10,100,1000,5000")
    p.add_argument("--plan-sizes", default="100,1000", help="sizes where plan is compared with the SDK floor")
    p.add_argument("--growth-sizes", default="3000", help="further plan sizes, for the per-resource cost only")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--plan-runs", type=int, default=1, help="runs of plan and the floor at 1,000 services and up")
    p.add_argument("--no-install", action="store_true", help="skip measuring the core's install")
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument("--work", default=str(ROOT / "build" / "bench"))
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    plan_sizes = [s for s in (int(x) for x in args.plan_sizes.split(",") if x) if s in sizes]
    growth_sizes = [int(x) for x in args.growth_sizes.split(",") if x]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()

    lines = ["# Benchmark results", "",
             f"Written by `make bench` (`python bench/run.py`). Each command runs as a fresh process {args.runs} "
             f"times ({args.plan_runs} for `plan` and its floor from 1,000 services); wall-clock and CPU (user + "
             "system) seconds, peak resident memory in MiB. **Ratios are of median CPU times measured in this run**: "
             "the machine may be shared, and other processes stretch wall-clock times far more than CPU times. "
             "The commands of one table take turns (validate, check-jsonschema, parse, docs, validate, ...; plan, "
             "floor, plan, ...), so the commands a ratio compares share the same minutes of the host's load.", "",
             f"- Machine: {machine()}", f"- Versions: {', '.join(versions())}",
             f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}", f"- Load average (1, 5, 15 min) at the start: {load()}",
             ""]
    goals = []
    validate_rss = {}
    # An installed topowire (pip, pre-commit) has its bytecode compiled; a checkout run with
    # PYTHONDONTWRITEBYTECODE=1, or whose .pyc files are older than a merge, compiles every changed module on
    # every start (≈ 10-20 ms of the cold start). Compile once, as the install would.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "generator"), str(ROOT / "bench")], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})

    cold, imports = measure_together([[PY, "-m", "generator", "validate", "-q", "topology.yaml"],
                                      [PY, "-c", "import yaml, jsonschema"]], args.runs)
    r_cold = cold["cpu"] / imports["cpu"]
    lines += ["## Cold start", "", *HEAD,
              row("`topowire validate topology.yaml`", cold, f"{r_cold:.2f}× the imports"),
              row('`python -c "import yaml, jsonschema"`', imports), ""]
    goals.append(("cold start: validate topology.yaml ≤ 1.6× `import yaml, jsonschema`", r_cold <= 1.6,
                  f"{r_cold:.2f}×"))

    per_resource: dict = {c: {} for c in CLOUDS}
    floor_per_resource: dict = {c: {} for c in CLOUDS}  # the SDK floor's CPU per resource, same sizes
    plan_at: dict = {}
    for n in sizes:
        path = work / f"topology-{n}.yaml"
        path.write_text(topology(n))
        print(f"size {n}: {path.stat().st_size / 1024:.0f} KiB", file=sys.stderr, flush=True)
        validate, cjs, parse, docs = measure_together([
            [PY, "-m", "generator", "validate", "-q", str(path)],
            [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(path)],
            [PY, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)", str(path)],
            [PY, "-m", "generator", "docs", str(path), "-o", str(work / f"docs-{n}.md")]], args.runs)
        validate_rss[n] = validate["rss"]
        r_cjs, r_parse, r_docs = (validate["cpu"] / cjs["cpu"], validate["cpu"] / parse["cpu"],
                                  docs["cpu"] / validate["cpu"])
        lines += [f"## {n} services ({path.stat().st_size / 1024:.0f} KiB)", "", *HEAD,
                  row("`topowire validate` (schema and every rule)", validate,
                      f"{r_cjs:.2f}× check-jsonschema, {r_parse:.2f}× bare parse"),
                  row("`check-jsonschema` (schema only)", cjs),
                  row("bare PyYAML C-loader parse (the floor)", parse),
                  row("`topowire docs`", docs, f"{r_docs:.2f}× validate")]
        if n in plan_sizes:
            runs = args.runs if n < 1000 else args.plan_runs
            for cloud in CLOUDS:
                print(f"  plan {cloud} at {n}", file=sys.stderr, flush=True)
                plan_json = work / f"plan-{n}-{cloud}.json"
                plan, floor = _plan_and_floor(path, cloud, plan_json, runs)
                count = resources(plan_json)
                per_resource[cloud][n] = (plan["cpu"] / count, count)
                floor_per_resource[cloud][n] = floor["cpu"] / count
                ratio, mem = plan["cpu"] / floor["cpu"], plan["rss"] / floor["rss"]
                plan_at[(cloud, n)] = (ratio, mem)
                lines += [row(f"`topowire plan --cloud {cloud}` ({count} resources)", plan,
                              f"{ratio:.2f}× the SDK floor, memory {mem:.2f}×"),
                          row(f"minimal Pulumi program, same {cloud} resources (the floor)", floor)]
        lines.append("")
        if n == max(sizes):
            goals += [(f"validate at {n} services ≤ 2× the bare parse", r_parse <= 2, f"{r_parse:.2f}×"),
                      (f"validate at {n} services ≤ 0.15× check-jsonschema", r_cjs <= 0.15, f"{r_cjs:.2f}×"),
                      ]
            lines += docs_by_part(path, work, args.runs)
            from bench.docs_site import measure as measure_site  # issue 27: replaces "docs ≤ 1.15× validate"

            site_lines, site_goal = measure_site(n, work, args.runs)
            lines += site_lines
            goals.append(site_goal)
            with_envs = work / f"topology-{n}-environments.yaml"
            with_envs.write_text(topology(n, environments=True))
            e_validate, e_docs = measure_together([
                [PY, "-m", "generator", "validate", "-q", str(with_envs)],
                [PY, "-m", "generator", "docs", str(with_envs), "-o", str(work / f"docs-{n}-environments.md")]],
                args.runs)
            lines += [f"## {n} services with three environments (dev, staging, prod)", "",
                      "Not a goal of issue 16: what `environments` add (every stack checked; docs' settings that "
                      "differ and names per stack).", "", *HEAD,
                      row("`topowire validate` (every environment checked)", e_validate),
                      row("`topowire docs`", e_docs, f"{e_docs['cpu'] / e_validate['cpu']:.2f}× validate"), ""]
            broken = (("reference", "publishes to a misspelt channel (TOP101, \"did you mean\")"),
                      ("schema", "a misspelt key (TOP010, the JSON Schema's explanations)"))
            for kind, _ in broken:
                (work / f"topology-{n}-{kind}.yaml").write_text(topology(n, kind))
            valid, *bad = measure_together([[PY, "-m", "generator", "validate", "-q", str(f)] for f in
                                            [path, *(work / f"topology-{n}-{kind}.yaml" for kind, _ in broken)]],
                                           args.runs)
            lines += [f"## Invalid files ({n} services, every service with an error)", "", *HEAD,
                      row("`topowire validate`, the valid file (measured again, taking turns with the others)",
                          valid)]
            for (kind, what), m in zip(broken, bad):
                r = m["cpu"] / valid["cpu"]
                lines.append(row(f"`topowire validate`, every service {what}", m, f"{r:.2f}× the valid file"))
                goals.append((f"invalid file at {n} services ({kind} errors) ≤ 2× the valid one", r <= 2,
                              f"{r:.2f}×"))
            lines.append("")

    for n in growth_sizes:
        path = work / f"topology-{n}.yaml"
        path.write_text(topology(n))
        lines += [f"## plan at {n} services (the per-resource cost only)", "", *HEAD]
        for cloud in CLOUDS:
            print(f"  plan {cloud} at {n}", file=sys.stderr, flush=True)
            plan_json = work / f"plan-{n}-{cloud}.json"
            plan, floor = _plan_and_floor(path, cloud, plan_json, args.plan_runs)
            count = resources(plan_json)
            per_resource[cloud][n] = (plan["cpu"] / count, count)
            floor_per_resource[cloud][n] = floor["cpu"] / count
            lines += [row(f"`topowire plan --cloud {cloud}` ({count} resources)", plan,
                          f"{plan['cpu'] / floor['cpu']:.2f}× the SDK floor, memory {plan['rss'] / floor['rss']:.2f}×"),
                      row(f"minimal Pulumi program, same {cloud} resources (the floor)", floor)]
        lines.append("")

    if any(per_resource.values()):
        ns = sorted({n for c in CLOUDS for n in per_resource[c]})
        lines += ["## plan: CPU per resource", "", "CPU time of `topowire plan` divided by the resources it registers "
                  "(start-up included, which weighs most on the smallest size).", "",
                  "| cloud | " + " | ".join(f"{n} services" for n in ns)
                  + " | growth (largest rise to a larger size) | spread (largest / smallest) |",
                  "| --- |" + " --- |" * (len(ns) + 2)]
        for cloud in CLOUDS:
            costs = [per_resource[cloud][n][0] for n in ns if n in per_resource[cloud]]
            rise, spread = growth(costs), (max(costs) / min(costs) if costs else 0)
            lines.append(f"| {cloud} | " + " | ".join(
                f"{per_resource[cloud][n][0] * 1000:.2f} ms ({per_resource[cloud][n][1]})" if n in per_resource[cloud]
                else "" for n in ns) + f" | {rise:.2f}× | {spread:.2f}× |")
            if len(costs) >= 2:
                goals.append((f"plan --cloud {cloud}: CPU per resource grows ≤ 1.3× from "
                              f"{' to '.join(map(str, ns))} services", rise <= 1.3, f"{rise:.2f}×"))
        lines += ["", "Growth is the issue's metric: the largest rise of the cost per resource from any size to a larger "
                  "one (a super-linear part of topowire's would show here). The spread also counts a cost that "
                  "*falls* with size, the start-up shared by fewer resources at the smallest size; rounds 1 to 4 "
                  "reported it as the goal.", ""]
        lines += _growth_decomposition(ns, per_resource, floor_per_resource)
    if plan_sizes:
        top = max(plan_sizes)
        for cloud in CLOUDS:
            ratio, mem = plan_at[(cloud, top)]
            goals += [(f"plan --cloud {cloud} at {top} services ≤ 1.5× the SDK floor", ratio <= 1.5, f"{ratio:.2f}×"),
                      (f"plan --cloud {cloud} at {top} services: peak memory ≤ 1.3× the floor's", mem <= 1.3,
                       f"{mem:.2f}×")]

    if len(validate_rss) >= 3:
        ns = sorted(validate_rss)
        base = validate_rss[ns[0]]
        slopes = [(validate_rss[n] - base) / (n - ns[0]) for n in ns[1:]]
        linear = max(slopes) <= 2 * min(s for s in slopes if s > 0) if any(s > 0 for s in slopes) else True
        lines += ["## Memory", "", "Peak memory of `topowire validate` above the smallest size, per service:", "",
                  "| services | peak MiB | per extra service |", "| --- | --- | --- |"]
        lines += [f"| {n} | {validate_rss[n]:.0f} | {'' if n == ns[0] else f'{slopes[i - 1] * 1024:.1f} KiB'} |"
                  for i, n in enumerate(ns)]
        lines.append("")
        goals.append(("validate's memory grows linearly (per-service cost within 2× across sizes)", linear,
                      ", ".join(f"{s * 1024:.1f} KiB" for s in slopes)))

    if not args.no_install:
        print("  installing the core", file=sys.stderr, flush=True)
        lines += install_cost()

    lines += ["## Goals (issue 16)", "", "| goal | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {g} | {'yes' if ok else '**no**'} | {m} |" for g, ok, m in goals]
    lines += ["", f"Load average at the end: {load()}; the run took {(time.perf_counter() - began) / 60:.1f} minutes.",
              ""]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists() and args.out.endswith("RESULTS.md"):
        lines += [notes.read_text().rstrip("\n"), ""]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
