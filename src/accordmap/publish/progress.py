"""Build events -> what the user sees: a progress bar on a terminal (tqdm), whole lines otherwise
(not a terminal: CI, logs, tests), so that no two messages ever share a line."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from typing import TextIO


class Lines:
    """Every message as one whole line, through ``write`` (e.g. ``print``)."""

    def __init__(self, write: Callable[[str], None] = lambda message: None):
        self.write = write
        self.total = 0
        self.done = 0

    def __call__(self, message: str) -> None:  # a plain callable, as build() always accepted
        self.line(message)

    def line(self, message: str) -> None:
        self.write(message)

    def start(self, total: int, where: str) -> None:
        self.total, self.done = total, 0
        if total:
            self.line(f"building {total} report(s) on {where} ...")

    def finished(self, name: str, ok: bool, seconds: float, error: str | None = None) -> None:
        self.done += 1
        self.line(f"  [{self.done}/{self.total}] {'ok' if ok else 'FAILED'} {name} in {seconds:.1f} s"
                  + (f": {error}" if error else ""))

    def close(self) -> None:
        pass


class Bar(Lines):
    """A tqdm bar on ``stream`` (a terminal); other messages are written above it."""

    def __init__(self, stream: TextIO = sys.stderr):
        super().__init__(lambda message: None)
        self.stream = stream
        self.bar = None

    def line(self, message: str) -> None:
        from tqdm import tqdm

        tqdm.write(message, file=self.stream)

    def start(self, total: int, where: str) -> None:
        from tqdm import tqdm

        self.total, self.done = total, 0
        if total:
            size = shutil.get_terminal_size((80, 24))  # a terminal that reports no size (0 x 0) gets 80 x 24
            self.bar = tqdm(total=total, unit="report", file=self.stream, desc=f"building on {where}", leave=True,
                            ncols=size.columns or 80, nrows=size.lines or 24)

    def finished(self, name: str, ok: bool, seconds: float, error: str | None = None) -> None:
        self.done += 1
        if not ok:
            self.line(f"FAILED {name}: {error}")
        if self.bar is not None:
            self.bar.set_postfix_str(name, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def for_stream(stream: TextIO) -> Lines:
    """A bar if ``stream`` is a terminal, whole lines otherwise."""
    if stream.isatty():
        return Bar(stream)
    return Lines(lambda message: print(message, file=stream, flush=True))
