"""What the benchmark and the soak run share besides the dev kit: progress lines and percentiles."""

from __future__ import annotations

import statistics
import sys
import threading
import time


class Progress:
    """One line per phase with a counter: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done = phase, max(1, total), 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._tty = sys.stdout.isatty()
        self._last_decile = -1
        self._draw()

    def add(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            self._draw()

    def set(self, done: int) -> None:
        with self._lock:
            self.done = done
            self._draw()

    def _line(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"  {self.phase:<44} {self.done:>5}/{self.total:<5} {elapsed:6.1f}s"

    def _draw(self) -> None:
        if self._tty:
            sys.stdout.write("\r" + self._line())
            sys.stdout.flush()
            return
        decile = min(10, self.done * 10 // self.total)
        if decile != self._last_decile:
            self._last_decile = decile
            print(self._line(), flush=True)

    def finish(self, note: str = "") -> None:
        with self._lock:
            line = self._line() + (f"  {note}" if note else "")
            print(("\r" + line) if self._tty else line, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which `fraction` of samples fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    values = [s * 1000 for s in seconds]
    return {
        "p50": round(percentile(values, 0.50), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
        "n": len(values),
    }
