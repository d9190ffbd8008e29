"""Problems found in input: located, one line each, never a traceback."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A located markup or input problem; `str()` is the one-line report."""

    path: str
    line: int
    col: int
    severity: str  # "error" or "warning"
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.kind}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class InputError(Exception):
    """An input that cannot be read at all; the message names it and is shown as is (exit 1)."""


class UsageError(Exception):
    """Options that do not go together; the command's parser reports it as argparse reports
    its own errors (`privspan COMMAND: error: …`, exit 2)."""


def clip(value: object, width: int = 30) -> str:
    """A value as quoted in a message, cut to `width` characters."""
    shown = repr(value)
    return shown if len(shown) <= width else shown[:width - 1] + "…"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset of a text, as a Problem locates it."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
