"""Third-party SDK lists (data/items.toml's `sdk`): the stretches of a policy whose data items
an SDK receives. Policies list their SDKs as tables (`SDK名称 | 类型 | 开发商 | 收集信息`,
read from a page as tab-separated cells) or as blocks of lines (`SDK名称：极光推送SDK` then
`收集个人信息的类型：…`); either way the row or the block names no sharing verb, and each
SDK is the receiver of the items in it."""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

ITEMS_FILE = Path(__file__).resolve().parents[1] / "data" / "items.toml"
CELLS = re.compile(r"\t|\s*\|\s*")
RULE = re.compile(r"^[\s|:\-—=+]*$")  # a Markdown table's rule, or a line of dashes
BLOCK_LINES = 8  # a block's fields come on the lines right after its name


@dataclass(frozen=True)
class SdkCues:
    name_headers: Tuple[str, ...]
    provider_headers: Tuple[str, ...]
    block: "re.Pattern[str]"


@lru_cache(maxsize=2)
def load_cues(path: Path = ITEMS_FILE) -> SdkCues:
    table = tomllib.loads(Path(path).read_text(encoding="utf-8"))["sdk"]
    cues = "|".join(re.escape(c) for c in sorted(table["block_cues"], key=len, reverse=True))
    return SdkCues(tuple(table["name_headers"]), tuple(table["provider_headers"]),
                   re.compile(rf"^\W*(?:{cues})\s*[：:∶]\s*(\S.*?)\s*$"))


class SdkLists:
    """`at(offset)`: the SDK whose row or block holds that offset, or None."""

    def __init__(self, text: str, cues: Optional[SdkCues] = None) -> None:
        cues = cues or load_cues()
        lines = _lines(text)
        self.stretches = sorted(_table_rows(lines, cues) + _blocks(lines, cues))
        self.starts = [start for start, _, _ in self.stretches]

    def at(self, offset: int) -> Optional[str]:
        k = bisect_right(self.starts, offset) - 1
        if k >= 0 and self.stretches[k][0] <= offset < self.stretches[k][1]:
            return self.stretches[k][2]
        return None


Line = Tuple[int, int, str]


def _lines(text: str) -> List[Line]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line), line))
        start += len(line) + 1
    return out


def _cells(line: str) -> List[str]:
    return [cell.strip() for cell in CELLS.split(line.strip().strip("|"))]


def _table_rows(lines: Sequence[Line], cues: SdkCues) -> List[Tuple[int, int, str]]:
    """Each row under a header that has a column for the SDK's name or its provider."""
    found = []
    column = None
    width = 0
    for start, end, line in lines:
        if RULE.match(line):
            continue
        cells = _cells(line)
        if len(cells) < 3:
            column = None  # the table has ended
            continue
        header = _column(cells, cues)
        if header is not None:
            column, width = header, len(cells)
            continue
        if column is not None and len(cells) >= width - 1 and column < len(cells) and cells[column]:
            found.append((start, end, cells[column]))
    return found


def _column(cells: Sequence[str], cues: SdkCues) -> Optional[int]:
    """The column of the SDK's name (else of its provider) if the cells are a header."""
    for headers in (cues.name_headers, cues.provider_headers):
        for k, cell in enumerate(cells):
            if len(cell) <= 12 and any(cell.startswith(h) or cell == h for h in headers):
                return k
    return None


def _blocks(lines: Sequence[Line], cues: SdkCues) -> List[Tuple[int, int, str]]:
    """From each `SDK名称：X` line to the next one, a blank line after its fields, or BLOCK_LINES lines."""
    found = []
    named = [(k, m.group(1)) for k, (_, _, line) in enumerate(lines) if (m := cues.block.match(line))]
    for n, (k, name) in enumerate(named):
        last = min(named[n + 1][0] if n + 1 < len(named) else len(lines), k + BLOCK_LINES) - 1
        found.append((lines[k][0], lines[last][1], name))
    return found
