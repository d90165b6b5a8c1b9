"""Progress lines for long stages, kept out of the reports.

Lines are written to the file descriptor behind standard error. In a notebook kernel
that is the terminal the kernel was started from (the one running `dvc repro`), not
the notebook, so progress never lands in an executed notebook, whose bytes must not
depend on timings.
"""

from __future__ import annotations

import io
import os
import sys
import time


def say(line: str) -> None:
    """Write one progress line."""
    data = (line.rstrip("\n") + "\n").encode("utf-8", "replace")
    try:
        # In a kernel that captures its file descriptors, this is the original one.
        os.write(sys.stderr.fileno(), data)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        # A kernel that does not capture them: the process's own standard error is
        # not the notebook's.
        stream = sys.__stderr__
        if stream is not None:
            stream.write(line.rstrip("\n") + "\n")
            stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


class Progress:
    """Counts articles done out of `total` (None when unknown) and says so at most
    every `every` seconds, and once at the end."""

    def __init__(self, label: str, total: int | None, every: float = 5.0):
        self.label, self.total, self.every = label, total, every
        self.done = 0
        self.started = self.last = time.monotonic()

    def line(self, extra: str = "", now: float | None = None) -> str:
        took = (time.monotonic() if now is None else now) - self.started
        rate = self.done / took if took > 0 else 0.0
        parts = [f"{self.label}: {self.done:,} articles"]
        if self.total:
            parts[0] += f" of {self.total:,} ({100 * self.done / self.total:.0f}%)"
        parts.append(f"{rate:,.0f}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"about {_duration((self.total - self.done) / rate)} left")
        else:
            parts.append(f"{_duration(took)} so far")
        if extra:
            parts.append(extra)
        return ", ".join(parts)

    def update(self, articles: int, extra: str = "") -> None:
        self.done += articles
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            say(self.line(extra, now))

    def close(self, extra: str = "") -> None:
        say(self.line(extra).replace(" so far", ""))
