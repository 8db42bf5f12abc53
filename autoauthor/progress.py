"""Progress of long management commands, for the operator who runs them.

    with Progress(stream=self.stdout, total=len(items), label="Exporting chapters") as progress:
        for item in items:
            ...
            progress.advance()

On a terminal (`stream.isatty()`) one line is redrawn in place (`\\r`): label, bar, percent,
count/total, rate and ETA, at most every REDRAW_SECONDS. Anywhere else (a log file, cron mail,
`call_command` with a StringIO) plain lines are written, `label: 120/400 (30%)`, when
LINE_SECONDS have passed since the last one or another tenth of the total is done, so a log
holds at most ~10 lines per run whatever the count, plus one final line with the elapsed time.
`total` may be None (unknown: no percent or ETA) and may be set later, when it is learned.
`note(text)` writes a line of its own without garbling the bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from django.core.management.base import OutputWrapper

BAR_WIDTH = 24
LINE_SECONDS = 2.0
REDRAW_SECONDS = 0.1


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """A progress display for `done` of `total` units (see the module docstring)."""

    def __init__(
        self,
        *,
        stream: TextIO | OutputWrapper,
        label: str,
        total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """`clock`: the time source (seconds, monotonic)."""
        self.stream = stream
        self.label = label
        self.done = 0
        self._total = total
        self._clock = clock
        self._tty = bool(getattr(stream, "isatty", None) and stream.isatty())
        self._started = clock()
        self._last_output = self._started
        self._last_tenth = 0
        self._drawn = 0  # length of the bar line on screen (TTY)
        self._closed = False

    # -- counting ---------------------------------------------------------------------------
    @property
    def total(self) -> int | None:
        return self._total

    @total.setter
    def total(self, value: int | None) -> None:
        self._total = value
        self._last_tenth = self._tenth()

    def advance(self, count: int = 1) -> None:
        """`count` more units are done."""
        self.update(self.done + count)

    def update(self, done: int) -> None:
        """`done` units are done in all (for callbacks that report a running total)."""
        self.done = done
        now = self._clock()
        if self._tty:
            if now - self._last_output >= REDRAW_SECONDS or self._finished():
                self._draw(now)
            return
        tenth = self._tenth()
        if self._finished():
            return  # the final line says it
        if now - self._last_output >= LINE_SECONDS or tenth > self._last_tenth:
            self._line(self._counts())
            self._last_output, self._last_tenth = now, tenth

    def note(self, text: str) -> None:
        """Write `text` as a line of its own (the bar is redrawn under it on a terminal)."""
        if self._tty and self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0
        self._line(text)
        if self._tty:
            self._draw(self._clock())

    def close(self, *, failed: bool = False) -> None:
        """Write the final line (once): the counts and the elapsed time."""
        if self._closed:
            return
        self._closed = True
        elapsed = _duration(self._clock() - self._started)
        outcome = "stopped" if failed else "done"
        if self._tty and self._drawn:
            self._write("\r" + " " * self._drawn + "\r")  # the final line replaces the bar
            self._drawn = 0
        self._line(f"{self._counts()} {outcome} in {elapsed}")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(failed=exc_type is not None)

    # -- rendering --------------------------------------------------------------------------
    def _finished(self) -> bool:
        return self._total is not None and self.done >= self._total

    def _tenth(self) -> int:
        if not self._total:
            return 0
        return min(10, 10 * self.done // self._total)

    def _percent(self) -> int | None:
        if not self._total:
            return None if self._total is None else 100
        return min(100, 100 * self.done // self._total)

    def _counts(self) -> str:
        percent = self._percent()
        if self._total is None:
            return f"{self.label}: {self.done}"
        return f"{self.label}: {self.done}/{self._total} ({percent}%)"

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        percent = self._percent()
        parts = [self.label]
        if percent is not None:
            filled = BAR_WIDTH * percent // 100
            parts.append(f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent:3d}%")
            parts.append(f"{self.done}/{self._total}")
        else:
            parts.append(str(self.done))
        parts.append(f"{rate:.1f}/s")
        if percent is not None and rate > 0 and not self._finished():
            parts.append(f"ETA {_duration((self._total - self.done) / rate)}")
        text = " ".join(parts)
        padding = " " * max(0, self._drawn - len(text))
        self._write("\r" + text + padding)
        self._drawn = len(text)
        self._last_output = now

    def _line(self, text: str) -> None:
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()
