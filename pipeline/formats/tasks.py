"""What the readers share: documents read with counts that add up (`Export`), each span
checked against its text, offsets as each tool counts them, JSONL lines with where they are.

Every span annotation of a file is accounted for, as in `ca4p.py`: it becomes a span of a
document or is dropped under a reason, so `read == written + sum(dropped.values())`. A bad
record is one located line (file, record, field) and the good records are still kept.
"""
from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from ..problems import Problem, clip
from ..records import Document, Span
from ..schema import LabelScheme


@dataclass
class Export:
    """What reading gave: documents, problems, and the annotation counts that must add up.

    Every reader returns one (a file, a folder, a dataset) and `merge` adds them up, so a
    command that reads many inputs reports one set of counts.
    """

    documents: List[Document] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)  # inputs that could not be read at all
    read: int = 0  # span annotations in the input, whatever became of them
    dropped: Counter = field(default_factory=Counter)  # by reason
    skipped: Counter = field(default_factory=Counter)  # whole tasks left out, by reason
    bad: int = 0  # records or annotations left out as malformed: they fail the command

    def error(self, where: Where, kind: str, message: str, reason: str, n: int = 1) -> None:
        """Report one bad record or annotation and drop its `n` span annotations."""
        self.problems.append(where.problem(kind, message))
        if n:  # a Counter keeps a key added with 0, and the report would list it
            self.dropped[reason] += n
        self.bad += 1

    def add(self, doc_id: str, text: str, spans: List[Span], where: Where) -> None:
        unique = sorted(set(spans))
        if len(unique) < len(spans):
            self.dropped["duplicate"] += len(spans) - len(unique)
        self.documents.append(Document(doc_id, text, unique, source=where.path, where=where.at))

    def merge(self, other: "Export") -> "Export":
        """Add another reading's documents, problems and counts to this one; returns self."""
        self.documents.extend(other.documents)
        self.problems.extend(other.problems)
        self.errors.extend(other.errors)
        self.read += other.read
        self.dropped.update(other.dropped)
        self.skipped.update(other.skipped)
        self.bad += other.bad
        return self

    @property
    def failed(self) -> bool:
        """Whether anything could not be read or was malformed (the command exits 1)."""
        return bool(self.errors) or self.bad > 0


@dataclass(frozen=True)
class Where:
    """Where a record starts in its file; `name` prefixes messages about it (`task 3: `)."""

    path: str
    line: int
    col: int = 1
    name: str = ""

    @property
    def at(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def problem(self, kind: str, message: str) -> Problem:
        return Problem(self.path, self.line, self.col, "error", kind, self.name + message)


class Offsets:
    """A text's offsets as a tool counts them.

    Python, and so Prodigy and Label Studio's stored results, index code points;
    JavaScript strings, and so doccano's offsets, index UTF-16 code units, in which a
    character beyond the BMP (an emoji, a CJK Extension B character such as U+20000)
    counts two.
    """

    def __init__(self, text: str, utf16: bool = False) -> None:
        self.utf16 = utf16
        # units[i]: the tool's offset of code point i; one entry more than the text has.
        self.units = list(accumulate((2 if utf16 and ord(c) > 0xFFFF else 1 for c in text), initial=0))

    @property
    def length(self) -> int:
        return self.units[-1]

    @property
    def unit(self) -> str:
        return "UTF-16 code units" if self.utf16 else "characters"

    def to_tool(self, index: int) -> int:
        return self.units[index]

    def to_index(self, offset: int) -> Optional[int]:
        """The code point at a tool's offset; None between the two halves of a character."""
        index = bisect_left(self.units, offset)
        return index if index < len(self.units) and self.units[index] == offset else None


def take_span(export: Export, where: Where, text: str, offsets: Offsets, start: object,
              end: object, label: object, scheme: LabelScheme, fields: Tuple[str, str, str],
              quoted: Optional[Tuple[str, object]] = None) -> Optional[Span]:
    """One span annotation as a Span in code points, or None after one located problem.

    `fields` name the start, end and label in the record (`label[1][0]`), and `quoted` is
    the record's own copy of the span text with its field, where the tool keeps one.
    """
    f_start, f_end, f_label = fields
    message = None
    if type(start) is not int or type(end) is not int:
        message = f"{f_start} and {f_end} must be whole numbers, not {start!r} and {end!r}"
    elif start < 0:
        message = f"{f_start} {start} is negative"
    elif end > offsets.length:
        message = f"{f_end} {end} is past the text ({offsets.length} {offsets.unit})"
    elif start >= end:
        message = f"{f_start} {start} is not before {f_end} {end}"
    if message:
        export.error(where, "bad-span", message, "bad offsets")
        return None
    first, last = offsets.to_index(start), offsets.to_index(end)
    if first is None or last is None:
        field_name, offset = (f_start, start) if first is None else (f_end, end)
        export.error(where, "bad-span", f"{field_name} {offset} falls between the two UTF-16 "
                     "code units of one character", "bad offsets")
        return None
    if label not in scheme.labels:
        export.error(where, "bad-label", f"{f_label} {label!r} is not a label of the "
                     f"{scheme.name} scheme ({', '.join(scheme.labels)})", "unknown label")
        return None
    if quoted is not None and quoted[1] != text[first:last]:
        export.error(where, "bad-span", f"{quoted[0]} {clip(quoted[1])} but the text has "
                     f"{clip(text[first:last])} at {f_start}..{f_end} {start}..{end}",
                     "text disagrees with offsets")
        return None
    return Span(first, last, str(label))


def jsonl_records(path: Path, content: str, export: Export, first_line: int = 1) -> Iterator[Tuple[Where, dict]]:
    """The JSON objects of a JSONL file's lines with where each starts; a bad line is reported.
    `content` may be a stretch of the file that starts at line `first_line`."""
    for lineno, line in enumerate(content.split("\n"), start=first_line):
        if not line.strip():
            continue
        where = Where(str(path), lineno)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            export.error(where, "bad-record", f"not JSON: {err.msg} (column {err.colno})",
                         "unreadable record", n=0)
            continue
        if not isinstance(record, dict):
            export.error(where, "bad-record", f"a JSON object per line expected, not "
                         f"{type(record).__name__}", "unreadable record", n=0)
            continue
        yield where, record
