"""Benchmarks: topowire against what users would use instead, side by side in one run.

    python bench/run.py                      # all sizes, 3 runs each; writes bench/RESULTS.md
    python bench/run.py --sizes 10 --runs 1 --out build/bench.md   # the smoke run of the tests

Every measurement is a fresh process (what pre-commit and CI pay), timed by wall clock, with its peak
resident memory from the kernel (wait4's ru_maxrss). Not part of `make test`: speed lives here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
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


def measure(cmd: list, runs: int, stdout=subprocess.DEVNULL) -> dict:
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)  # KiB -> MiB
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(map(str, cmd))} exited {code}")
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "rss": max(peaks)}


def row(name: str, m: dict, ratio: str = "") -> str:
    return f"| {name} | {m['median']:.3f} | {m['min']:.3f} | {m['max']:.3f} | {m['rss']:.0f} | {ratio} |"


def versions() -> list:
    import yaml

    out = [f"Python {platform.python_version()}", f"PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__})"]
    for dist in ("topowire", "jsonschema", "check-jsonschema", "pulumi", "pulumi-aws", "pulumi-azure-native",
                 "pulumi-gcp"):
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10,100,1000,5000")
    p.add_argument("--plan-sizes", default="10,100,1000", help="plan is slower; the largest size is left out")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument("--work", default=str(ROOT / "build" / "bench"))
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    plan_sizes = [s for s in (int(x) for x in args.plan_sizes.split(",")) if s in sizes]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    lines = ["# Benchmark results", "", "Written by `make bench` (`python bench/run.py`). Each command runs as a fresh "
             f"process {args.runs} times; times are wall-clock seconds, memory the peak resident set (MiB).", "",
             f"- Machine: {machine()}", f"- Versions: {', '.join(versions())}",
             f"- Date: {time.strftime('%Y-%m-%d')}", ""]
    goals = []
    validate_rss = {}

    cold = measure([PY, "-m", "generator", "validate", "-q", "topology.yaml"], args.runs)
    imports = measure([PY, "-c", "import yaml, jsonschema"], args.runs)
    lines += ["## Cold start", "", "| command | median | min | max | peak MiB | ratio |", "| --- | --- | --- | --- | --- | --- |",
              row("`topowire validate topology.yaml`", cold, f"{cold['median'] / imports['median']:.2f}× the imports"),
              row('`python -c "import yaml, jsonschema"`', imports), ""]

    for n in sizes:
        path = work / f"topology-{n}.yaml"
        path.write_text(topology(n))
        print(f"size {n}: {path.stat().st_size / 1024:.0f} KiB", file=sys.stderr, flush=True)
        validate = measure([PY, "-m", "generator", "validate", "-q", str(path)], args.runs)
        cjs = measure([str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), str(path)], args.runs)
        parse = measure([PY, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)",
                         str(path)], args.runs)
        docs = measure([PY, "-m", "generator", "docs", str(path), "-o", str(work / f"docs-{n}.md")], args.runs)
        validate_rss[n] = validate["rss"]
        r_cjs, r_parse, r_docs = (validate["median"] / cjs["median"], validate["median"] / parse["median"],
                                  docs["median"] / validate["median"])
        lines += [f"## {n} services ({path.stat().st_size / 1024:.0f} KiB)", "",
                  "| command | median | min | max | peak MiB | ratio |", "| --- | --- | --- | --- | --- | --- |",
                  row("`topowire validate` (schema and every rule)", validate,
                      f"{r_cjs:.2f}× check-jsonschema, {r_parse:.2f}× bare parse"),
                  row("`check-jsonschema` (schema only)", cjs),
                  row("bare PyYAML C-loader parse (the floor)", parse),
                  row("`topowire docs`", docs, f"{r_docs:.2f}× validate")]
        if n in plan_sizes:
            for cloud in CLOUDS:
                plan_json = work / f"plan-{n}-{cloud}.json"
                with open(plan_json, "w") as fh:
                    subprocess.run([PY, "-m", "generator", "plan", str(path), "--cloud", cloud, "--format", "json"],
                                   stdout=fh, stderr=subprocess.DEVNULL, cwd=ROOT, check=True)
                plan = measure([PY, "-m", "generator", "plan", str(path), "--cloud", cloud, "--format", "json"], args.runs)
                floor = measure([PY, str(ROOT / "bench" / "floor.py"), str(plan_json)], args.runs)
                ratio = plan["median"] / floor["median"]
                lines += [row(f"`topowire plan --cloud {cloud}`", plan, f"{ratio:.2f}× the SDK floor"),
                          row(f"minimal Pulumi program, same {cloud} resources (the floor)", floor)]
                if n == max(plan_sizes):
                    goals.append((f"plan --cloud {cloud} at {n} services ≤ 1.3× the floor", ratio <= 1.3, f"{ratio:.2f}×"))
        lines.append("")
        if n == max(sizes):
            goals += [(f"validate at {n} services ≤ 0.4× check-jsonschema", r_cjs <= 0.4, f"{r_cjs:.2f}×"),
                      (f"validate at {n} services ≤ 2× the bare parse", r_parse <= 2, f"{r_parse:.2f}×"),
                      (f"docs at {n} services takes less time than validate", r_docs < 1, f"{r_docs:.2f}×")]

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
        goals.append(("memory grows linearly (per-service cost within 2× across sizes)", linear,
                      ", ".join(f"{s * 1024:.1f} KiB" for s in slopes)))

    lines += ["## Goals", "", "| goal | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {g} | {'yes' if ok else '**no**'} | {m} |" for g, ok, m in goals]
    lines.append("")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists() and args.out.endswith("RESULTS.md"):
        lines += [notes.read_text().rstrip("\n"), ""]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
