"""Progress of a long `topowire plan` on a terminal: a count of registered resources on stderr.

Shown only when stderr is a terminal, the output is text, and no CI variable is set; and only once
the plan has taken longer than ``DELAY`` seconds, so small files print nothing extra. The line is
rewritten in place and erased at the end: stdout (the plan itself) is never touched.
"""

from __future__ import annotations

import os
import sys
import time

DELAY = 0.5      # seconds before the first line
INTERVAL = 0.1   # seconds between updates


def wanted(stream, fmt: str, environ=os.environ) -> bool:
    return fmt == "text" and not environ.get("CI") and hasattr(stream, "isatty") and stream.isatty()


class Counter:
    """Call it once per registered resource; ``close()`` erases the line."""

    def __init__(self, label: str, stream=None, clock=time.monotonic):
        self.label = label
        self.stream = stream or sys.stderr
        self.clock = clock
        self.start = clock()
        self.last = None
        self.count = 0
        self.shown = False

    def __call__(self, *_):
        self.count += 1
        now = self.clock()
        if now - self.start < DELAY or (self.last is not None and now - self.last < INTERVAL):
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\r{self.label}: {self.count} resources registered\x1b[K")
        self.stream.flush()

    def close(self):
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
