"""A span suggester for clause-long spans at n-gram cost.

Purposes and conditions (CONTEXT) run to 40+ jieba tokens, far past what an n-gram
suggester can afford, but they nearly always end where a clause ends. So: every n-gram up
to `max_ngram` tokens, plus every longer span up to `max_clause` tokens that ends before a
punctuation or space token (or at the end of the text). On CA4P-483 this proposes ~14
candidates per token and covers 98% of gold spans (CONTEXT 96%), where n-grams up to 8
tokens cover 86% (CONTEXT 56%).

v2 also drops the candidates that begin or end with a punctuation or space token, or
hold a sentence end (。！？；): 39% fewer candidates (8.6 per token), and every one of
them costs spancat a Python iteration when it writes its span group. It gives up 1.6% of
the gold spans (mostly ones that take in a quote mark or bracket), 0.963 coverage.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged


# Where a sentence ends: no candidate runs across one, and annotate cuts long lines there.
SENTENCE_ENDS = "。！？；!?;"
_SENTENCE_END_IDS = numpy.array([get_string_id(char) for char in SENTENCE_ENDS], dtype="uint64")


def clause_spans(doc: Doc, max_ngram: int, max_clause: int, trim: bool = False) -> numpy.ndarray:
    """(start, end) token offsets of the candidates of one doc, without duplicates.

    With `trim`, none begins or ends with punctuation or space or holds a sentence end.
    """
    return batch_clause_spans([doc], max_ngram, max_clause, trim)[0]


def batch_clause_spans(docs: List[Doc], max_ngram: int, max_clause: int,
                       trim: bool = False) -> Tuple[numpy.ndarray, numpy.ndarray]:
    """The candidates of a batch of docs, doc after doc, and how many each doc has.

    Worked out on the batch's tokens all at once: per-doc numpy calls cost more than the
    arithmetic on CA4P-483's short paragraphs. Per doc the order is n-grams by size then
    start, then clause-final spans by end then start.
    """
    attrs = [doc.to_array([IS_PUNCT, IS_SPACE, ORTH]) for doc in docs]
    lengths = numpy.array([len(doc) for doc in docs], dtype="i")
    n = int(lengths.sum())
    doc_starts = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]]).astype("i")
    doc_of = numpy.repeat(numpy.arange(len(docs), dtype="i"), lengths)  # per token
    left = numpy.arange(n, dtype="i") - doc_starts[doc_of]  # tokens before, in its doc
    right = lengths[doc_of] - left  # tokens from here to its doc's end
    table = numpy.concatenate(attrs) if n else numpy.zeros((0, 3), dtype="uint64")
    edge = table[:, :2].any(axis=1)
    pieces = []
    for size in range(1, max_ngram + 1):
        first = numpy.flatnonzero(right >= size).astype("i")
        pieces.append((doc_of[first], first, first + size))
    # Clause ends: before each punctuation or space token, and each doc's end; spans
    # that end there and are longer than max_ngram (never a duplicate of an n-gram).
    at_token = numpy.flatnonzero(edge).astype("i")
    ends = numpy.concatenate([at_token, doc_starts + lengths])
    end_doc = numpy.concatenate([doc_of[at_token], numpy.arange(len(docs), dtype="i")])
    long_enough = ends - doc_starts[end_doc] > max_ngram
    ends, end_doc = ends[long_enough], end_doc[long_enough]
    order = numpy.lexsort((ends, end_doc))  # a doc's end sorts among its punctuation
    ends, end_doc = ends[order], end_doc[order]
    sizes = numpy.arange(max_clause, max_ngram, -1, dtype="i")
    firsts = ends[:, None] - sizes[None, :]
    valid = firsts >= doc_starts[end_doc][:, None]
    pieces.append((numpy.broadcast_to(end_doc[:, None], firsts.shape)[valid], firsts[valid],
                   numpy.broadcast_to(ends[:, None], firsts.shape)[valid]))
    doc_ids, starts, stops = (numpy.concatenate(part) for part in zip(*pieces))
    if trim:
        sentence_ends = numpy.concatenate([[0], numpy.cumsum(numpy.isin(table[:, 2], _SENTENCE_END_IDS))])
        keep = ~edge[starts] & ~edge[stops - 1] & (sentence_ends[stops] == sentence_ends[starts])
        doc_ids, starts, stops = doc_ids[keep], starts[keep], stops[keep]
    by_doc = numpy.argsort(doc_ids, kind="stable")
    doc_ids, starts, stops = doc_ids[by_doc], starts[by_doc], stops[by_doc]
    offsets = doc_starts[doc_ids]
    spans = numpy.stack([starts - offsets, stops - offsets], axis=1).astype("i")
    return spans, numpy.bincount(doc_ids, minlength=len(docs)).astype("i")


@registry.misc("privspan.clause_suggester.v2")
def build_clause_suggester(max_ngram: int = 12, max_clause: int = 40) -> Callable:
    """All n-grams up to max_ngram tokens and clause-final spans up to max_clause,
    none with punctuation or space at an edge or a sentence end inside."""
    return _suggester(max_ngram, max_clause, trim=True)


@registry.misc("privspan.clause_suggester.v1")
def build_clause_suggester_v1(max_ngram: int = 12, max_clause: int = 40) -> Callable:
    """v1, untrimmed: for pipelines trained with it."""
    return _suggester(max_ngram, max_clause, trim=False)


def _suggester(max_ngram: int, max_clause: int, trim: bool) -> Callable:
    def clause_suggester(docs: Iterable[Doc], *, ops: Optional[Ops] = None) -> Ragged:
        ops = ops if ops is not None else get_current_ops()
        spans, lengths = batch_clause_spans(list(docs), max_ngram, max_clause, trim)
        return Ragged(ops.asarray2i(spans), ops.asarray1i(lengths))

    return clause_suggester


def candidate_recall(docs: Iterable[Doc], suggester: Callable, spans_key: str) -> Dict[str, Tuple[int, int]]:
    """Per label, (gold spans the suggester proposes, gold spans): the ceiling of recall."""
    counts: Dict[str, List[int]] = {}
    for doc in docs:
        proposed = {tuple(pair) for pair in suggester([doc]).dataXd.tolist()}
        for span in doc.spans[spans_key]:
            hit_total = counts.setdefault(span.label_, [0, 0])
            hit_total[0] += (span.start, span.end) in proposed
            hit_total[1] += 1
    return {label: (hit, total) for label, (hit, total) in counts.items()}
