"""Render a Markdown page's Mermaid blocks with the real mermaid-cli (node_modules/.bin/mmdc) and measure them.

Used by the real-render tests (tests/test_docs_site.py, tests/diff/...) and by hand to look at the pictures:
``python tests/mermaid_render.py PAGE.md OUT_DIR [--png]`` prints each diagram's natural width and box count.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
PUPPETEER_CONFIG = ROOT / "puppeteer.config.json"
ERROR_BOXES = ("Maximum text size in diagram exceeded", "Edge limit exceeded", "Syntax error", "Parse error")


class Rendered(NamedTuple):
    svg: Path
    width: float
    height: float
    boxes: int
    text: str  # the SVG


def measure(svg: Path) -> Rendered:
    body = svg.read_text()
    m = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', body)
    width, height = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
    boxes = len(re.findall(r'<g class="node ', body))
    return Rendered(svg, width, height, boxes, body)


def render_markdown(md: Path, out_dir: Path) -> list:
    """Every Mermaid block of ``md`` rendered to SVG, in order (an error box fails here)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(md), "-o", str(out_dir / "out.md")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    svgs = sorted(out_dir.glob("out-*.svg"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    out = [measure(s) for s in svgs]
    for r in out:
        assert not any(e in r.text for e in ERROR_BOXES), f"{r.svg.name} is Mermaid's error box"
    return out


def render_png(mmd_text: str, png: Path, width: int = 1000) -> None:
    """One diagram as a PNG at ``width`` px (GitHub's column is about 1,000 px), to look at."""
    src = png.with_suffix(".mmd")
    src.write_text(mmd_text)
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(src), "-o", str(png), "-w", str(width),
                           "-b", "white"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def blocks(markdown: str) -> list:
    return re.findall(r"```mermaid\n(.*?)```", markdown, re.S)


if __name__ == "__main__":
    page, out = Path(sys.argv[1]), Path(sys.argv[2])
    for i, r in enumerate(render_markdown(page, out), 1):
        print(f"{i}: {r.width:.0f} x {r.height:.0f} px, {r.boxes} boxes")
    if "--png" in sys.argv:
        for i, text in enumerate(blocks(page.read_text()), 1):
            render_png(text, out / f"diagram-{i}.png")
