"""Units with character-offset gold spans -> spaCy Docs with token-aligned `doc.spans`.

spaCy silently ignores gold spans whose edges cut through a token, so every span is
aligned here and each one that had to move is counted, never lost without a trace.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..schema import SPANS_KEY
from ..records import Unit


@dataclass
class Alignment:
    """Per-label counts of gold spans whose edges were not token edges."""

    expanded: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)

    def update(self, other: "Alignment") -> None:
        self.expanded.update(other.expanded)
        self.dropped.update(other.dropped)


def units_to_docs(nlp: Language, units: Iterable[Unit], alignment: Alignment,
                  spans_key: str = SPANS_KEY, batch_size: int = 256) -> Iterator[Doc]:
    """Tokenize units and attach their gold spans, expanding misaligned edges to tokens."""
    units = list(units)
    for unit, doc in zip(units, nlp.tokenizer.pipe((u.text for u in units), batch_size=batch_size)):
        spans = []
        for gold in unit.spans:
            span = doc.char_span(gold.start, gold.end, gold.label)
            if span is None:
                span = doc.char_span(gold.start, gold.end, gold.label, alignment_mode="expand")
                # expand yields nothing only for a span of whitespace alone
                (alignment.expanded if span is not None else alignment.dropped)[gold.label] += 1
            if span is not None:
                spans.append(span)
        doc.spans[spans_key] = spans
        # The annotated offsets, kept so scoring can be done against what annotators marked.
        gold_chars = [[g.start, g.end, g.label] for g in unit.spans]
        doc.user_data.update({"id": unit.id, "doc_id": unit.doc_id, "line": unit.line,
                              "gold_chars": gold_chars})
        yield doc


def blank_pipeline() -> Language:
    """A blank Chinese pipeline with the project's jieba tokenizer, as the configs use."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "privspan.JiebaTokenizer.v1"}}})
