"""Plain records that flow between the steps: character-offset spans, gold documents and
their units (paragraphs), and the texts `annotate` reads with the spans it finds."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import List


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range [start, end) of a text."""

    start: int
    end: int
    label: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Unit:
    """One stretch of a document (a line or paragraph) with its gold spans.

    `line` is the 1-based line of the document where the unit starts, so a problem or
    a prediction can always be traced back to its place in the source file.
    """

    doc_id: str
    line: int
    text: str
    spans: List[Span] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.line}"


@dataclass
class Document:
    """A whole source document: clean text and gold spans in document offsets."""

    doc_id: str
    text: str
    spans: List[Span] = field(default_factory=list)


@dataclass
class Text:
    """One document to annotate; `source` is the input it came from, `name` names it in messages."""

    source: str
    name: str
    doc_id: str
    text: str


@dataclass
class Annotated:
    """A document and the spans found in it (offsets in `doc.text`), each with its score."""

    doc: Text
    spans: List[Span] = field(default_factory=list)
    scores: List[float] = field(default_factory=list)


def split_units(document: Document) -> List[Unit]:
    """Split a document into paragraphs at line breaks.

    A gold span that crosses a line break keeps its lines in one unit, so no span is ever
    cut. Blank paragraphs that hold no span are skipped.
    """
    text = document.text
    breaks = [i for i, char in enumerate(text) if char == "\n"]
    joined = set()  # breaks inside a span do not end a unit
    for span in document.spans:
        joined.update(breaks[bisect_left(breaks, span.start):bisect_left(breaks, span.end)])
    starts, lines = [0], [1]
    for line, b in enumerate(breaks, start=2):
        if b not in joined:
            starts.append(b + 1)
            lines.append(line)
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    own: List[List[Span]] = [[] for _ in starts]
    for span in document.spans:
        i = bisect_right(starts, span.start) - 1
        own[i].append(Span(span.start - starts[i], span.end - starts[i], span.label))
    return [
        Unit(document.doc_id, line, text[start:end], sorted(spans))
        for start, end, line, spans in zip(starts, ends, lines, own)
        if text[start:end].strip() or spans
    ]
