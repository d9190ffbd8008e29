"""The records that flow between the steps: character-offset spans, documents (a text with
spans, whatever read or made them) and the paragraphs gold is cut into."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional


@dataclass(frozen=True, order=True)
class Span:
    """A labelled character range [start, end) of a text."""

    start: int
    end: int
    label: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass
class Document:
    """A text and its spans: what every format reads and writes, and what passes from step
    to step (read, annotated, reported).

    `scores` are a model's, per span (None for gold). `report`, from a pipeline with a
    report group (pipeline/components/decoder.py), is the spans the report reads in place of
    `spans`: the model's at the report's threshold, grown by the lexicon and lists. `topics`,
    from a pipeline with a sentence classifier, are its sentences' labels (CAPP-130's) and
    their scores, each a span over its sentence. `source` is the input it was read from
    (a file, a shard, `-`) and names what is written for it; `where` locates its record in
    that input for messages (`FILE:LINE:COL`, `FILE: row N (id X)`); `line`, for a paragraph
    of a larger document, is the line of document `id` where it starts (`paragraph_id`).
    """

    id: str
    text: str
    spans: List[Span] = field(default_factory=list)
    scores: Optional[Dict[Span, float]] = None
    source: str = ""
    where: str = ""
    line: Optional[int] = None
    report: Optional[List[Span]] = None
    topics: Optional[Dict[Span, float]] = None

    @property
    def record_id(self) -> str:
        """The id it is written under: its own, or for a paragraph `DOC:LINE`."""
        return self.id if self.line is None else paragraph_id(self.id, self.line)

    def score_list(self) -> Optional[List[float]]:
        """The scores in the order of `spans`; None for gold."""
        return None if self.scores is None else [self.scores.get(s, 0.0) for s in self.spans]

    def above(self, threshold: float) -> "Document":
        """The document with only the spans scored at least `threshold` (gold: all of them)."""
        if self.scores is None:
            return self
        kept = [s for s in self.spans if self.scores.get(s, 1.0) >= threshold]
        return replace(self, spans=kept, scores={s: self.scores[s] for s in kept if s in self.scores})


def paragraph_id(doc_id: str, line: int) -> str:
    """The one id of a paragraph: its document's id and the line it starts at."""
    return f"{doc_id}:{line}"


@dataclass
class Unit:
    """One paragraph of a gold document (a line, or lines a span joins) with its gold spans.

    `line` is the 1-based line of the document where the unit starts, so a problem or
    a prediction can always be traced back to its place in the source file.
    """

    doc_id: str
    line: int
    text: str
    spans: List[Span] = field(default_factory=list)

    @property
    def id(self) -> str:
        return paragraph_id(self.doc_id, self.line)


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
        Unit(document.id, line, text[start:end], sorted(spans))
        for start, end, line, spans in zip(starts, ends, lines, own)
        if text[start:end].strip() or spans
    ]
