"""`privspan.sentence_suggester.v1`: one candidate per sentence, for a span categorizer that
labels sentences (the clause topics of CAPP-130, configs/topics.cfg).

A sentence ends after a token of 。！？!? or at a line break, so a paragraph of several
sentences gives each its own candidate, and a CAPP-130 sentence (one line of its policy)
is one candidate: 31 of its 33,624 sentences hold one of these characters inside.
Whitespace at a sentence's edges stays out of it.
"""
from __future__ import annotations

from typing import Callable, Iterable, List, Optional, Tuple

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

ENDS = "。！？!?"


def sentence_spans(doc: Doc) -> List[Tuple[int, int]]:
    """(start, end) token offsets of the sentences of a doc."""
    spans, start = [], 0
    for i, token in enumerate(doc):
        if token.text in ENDS or "\n" in token.text or i == len(doc) - 1:
            end = i + 1
            while start < end and doc[start].is_space:
                start += 1
            last = end
            while last > start and doc[last - 1].is_space:
                last -= 1
            if last > start:
                spans.append((start, last))
            start = end
    return spans


@registry.misc("privspan.sentence_suggester.v1")
def build_sentence_suggester() -> Callable[[Iterable[Doc], Optional[Ops]], Ragged]:
    def suggest(docs: Iterable[Doc], *, ops: Optional[Ops] = None) -> Ragged:
        ops = ops or get_current_ops()
        found = [sentence_spans(doc) for doc in docs]
        lengths = ops.asarray1i([len(spans) for spans in found])
        flat = [span for spans in found for span in spans]
        data = ops.asarray2i(flat if flat else ops.alloc2i(0, 2))
        return Ragged(data, lengths)

    return suggest
