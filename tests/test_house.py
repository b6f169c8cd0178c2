"""The house rules that code review keeps forgetting: no import circles, one room per cloud, a light validator."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "generator"


def _module(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict:
    """Module -> the generator modules it imports, at the top or inside a function (a lazy import is still an edge)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                # `from pkg import sub` imports the submodule when there is one
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names]
            else:
                continue
            edges |= {t for t in targets if t in modules and t != name}
        graph[name] = edges
    return graph


def _cycles(graph: dict) -> list:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _parent_edges_removed(graph: dict) -> dict:
    """A package's ``__init__`` may re-export what its own submodules define; a submodule reading its package's
    shared helpers back is the usual Python layout, not a circle of design. Only circles among siblings and
    across packages count."""
    out = {}
    for name, edges in graph.items():
        out[name] = {e for e in edges if not (e.startswith(name + ".") or name.startswith(e + "."))}
    return out


def test_no_import_circles():
    cycles = _cycles(_parent_edges_removed(_imports()))
    assert cycles == [], f"import circles (each component imports itself through the others): {cycles}"


def test_the_cycle_checker_sees_a_lazy_import_circle(tmp_path):
    graph = {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert _cycles(graph) == [["a", "b"]]


def test_one_package_per_cloud():
    clouds = PACKAGE / "clouds"
    for cloud in ("aws", "azure", "gcp"):
        room = clouds / cloud
        assert {"__init__.py", "spec.py", "program.py", "mock.py"} <= {p.name for p in room.glob("*.py")}, cloud
    flat = sorted(p.name for p in clouds.glob("*.py") if any(c in p.name for c in ("aws", "azure", "gcp")))
    assert flat == [], f"per-cloud modules outside their cloud's package: {flat}"


def test_validate_and_the_specs_do_not_load_the_pulumi_sdk():
    """The pre-commit hook installs the core only: validate, every spec and every reader must import without Pulumi."""
    code = ("import sys\n"
            "import generator.cli.validate, generator.rules, generator.docs\n"
            "import generator.clouds.aws.spec, generator.clouds.azure.spec, generator.clouds.gcp.spec\n"
            "bad = sorted(m for m in sys.modules if m == 'pulumi' or m.startswith(('pulumi.', 'pulumi_')))\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
