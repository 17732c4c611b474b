"""Every exception accordmap raises, in one module (each says what is wrong and how to fix it).

Problems found in the data are one line each: ``file:line: field: what is wrong (expected ...)``.
:class:`DataError` is one problem; :class:`DataErrors` is the exception that carries every problem
found in one pass. Text copied from the data into a message (a key, a value) is printed with
control, bidi and line-break characters escaped, so each problem stays one honest terminal line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Iterable

# C0 and C1 controls (tab included), DEL, bidi embeddings/overrides/isolates, line and paragraph separators
_UNSAFE_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _one_line(text: str) -> str:
    return _UNSAFE_IN_A_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True)
class DataError:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return _one_line(f"{where}: {self.field}: {self.message}")


class DataErrors(Exception):
    """Everything wrong with the data, found in one pass."""

    def __init__(self, errors: Iterable[DataError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class ParameterError(ValueError):
    """A report parameter that cannot be used; the message names it and lists the valid ones."""


class OverrideError(ValueError):
    """Parameter values that cannot be applied to an agreement's geographies; the message says why."""


class AttachmentError(ValueError):
    """An attachment cannot be published (a bad name, or two different files under one name)."""


class FolderError(ValueError):
    """A folder given to the build (--out, --notebooks) cannot be used; nothing was built."""


class SchedulerError(ValueError):
    """The Dask scheduler given with --scheduler cannot be used; nothing was built."""
