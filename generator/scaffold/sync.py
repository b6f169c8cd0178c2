"""`python -m generator.scaffold.sync [ROOT]`: copy every workflow of ROOT/.github/workflows into the package.

The copies are what `topowire init` writes; they differ from the originals only in the install line
(``for_user``); topowire's own release workflow (``NOT_SCAFFOLDED``) is not copied. Run by ``make scaffold-sync``; tests/test_init.py checks that the copies are fresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import NOT_SCAFFOLDED, WORKFLOWS_DIR, for_user


def sync(root: Path) -> list[str]:
    source = root / WORKFLOWS_DIR
    target = Path(__file__).resolve().parent / "workflows"
    target.mkdir(exist_ok=True)
    wanted = {p.name: for_user(p.read_text("utf-8")) for p in sorted(source.iterdir())
              if p.is_file() and p.name.endswith((".yml", ".yaml")) and p.name not in NOT_SCAFFOLDED}
    for old in target.iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        (target / name).write_text(text, "utf-8")
    return sorted(wanted)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".")
    print("copied " + ", ".join(sync(root)) + f" from {root / WORKFLOWS_DIR}")
