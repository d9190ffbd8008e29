"""Prediction: a trained pipeline's spans over whole documents, on one core or a pool of them.

Documents are cut into paragraphs (over-long ones at sentence ends) before the model sees
them, so memory follows the batch rather than the document, and the spans found in each
piece are moved back to offsets of the whole document text, which is kept exactly as read.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from dataclasses import replace
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from ..components.decoder import group_scores
from ..components.suggester import SENTENCE_ENDS
from ..problems import InputError
from ..records import Document, Span
from .load import report_key, span_categorizer, topics_key

# Peak memory follows the characters in a batch, not the paragraphs: with spaCy's
# mean_max reducer about 90 KB a character (every candidate span's token vectors), so
# 128 paragraphs of 1000 characters took 11.6 GB. Paragraphs are cut at a sentence end
# past MAX_CHARS (19 of CA4P-483's 68,493 are longer) and a batch holds at most
# BATCH_CHARS characters (under 1 GB even with mean_max). Batches that large still pay
# with the edge model: on CA4P-483 the default model ran about 39,000 chars per
# CPU-second in batches of 500 characters, 46,000 in batches of 8,000.
MAX_CHARS = 500
BATCH_CHARS = 8000
BATCH_SIZE = 256


def pieces(text: str, max_chars: int = MAX_CHARS) -> Iterator[Tuple[int, str]]:
    """(offset, text) of each non-blank paragraph, cut at sentence ends to max_chars."""
    offset = 0
    for line in text.split("\n"):
        pos = 0
        while pos < len(line):
            end = len(line)
            if end - pos > max_chars:
                end = max(line.rfind(char, pos, pos + max_chars) for char in SENTENCE_ENDS) + 1
                end = end if end > pos else pos + max_chars
            if line[pos:end].strip():
                yield offset + pos, line[pos:end]
            pos = end
        offset += len(line) + 1


# A span found in one piece: (start, end, label, score) in piece offsets; a piece's spans,
# its report spans (unscored) and its sentences' topics, where the pipeline makes them.
Found = Tuple[int, int, str, float]
Piece = Tuple[List[Found], Optional[List[Found]], Optional[List[Found]]]
# The span groups read: the model's spans, the report's and the topics (None: not made).
Keys = Tuple[str, Optional[str], Optional[str]]


def annotate(nlp: Language, docs: Iterable[Document], *, batch_size: int = BATCH_SIZE,
             n_process: int = 1, progress: Optional[Callable[[int], None]] = None) -> Iterator[Document]:
    """The documents in order, each with the pipeline's spans and their scores, and the
    report's spans where the pipeline makes them, as `nlp(piece).spans` has them; `progress`
    is called with the characters of each piece."""
    keys = (span_categorizer(nlp).key, report_key(nlp), topics_key(nlp))
    # Each piece's place, in the order the pieces are predicted.
    places: deque = deque()
    open_docs: Dict[int, Document] = {}
    found: Dict[int, Dict[Span, float]] = {}
    reported: Dict[int, Optional[Set[Span]]] = {}
    topics: Dict[int, Optional[Dict[Span, float]]] = {}

    def texts() -> Iterator[str]:
        for index, doc in enumerate(docs):
            open_docs[index] = doc
            found[index] = {}
            reported[index] = None if keys[1] is None else set()
            topics[index] = None if keys[2] is None else {}
            for offset, piece in pieces(doc.text):
                places.append((index, offset, len(piece)))
                yield piece

    def finished(before: Optional[int]) -> Iterator[Document]:
        while open_docs and (before is None or next(iter(open_docs)) < before):
            index = next(iter(open_docs))
            yield _settle(open_docs.pop(index), found.pop(index), reported.pop(index), topics.pop(index))

    grouped = batches(texts(), batch_size)
    if n_process == 1:
        predicted = (piece for batch in grouped for piece in _predict_one_core(nlp, keys, batch))
    else:
        predicted = _predict_in_pool(nlp, keys, grouped, n_process)
    for spans, report, labelled in predicted:
        index, offset, length = places.popleft()
        yield from finished(index)
        best = found[index]
        for start, end, label, score in spans:
            place = Span(offset + start, offset + end, label)
            best[place] = max(score, best.get(place, 0.0))
        if report is not None:
            reported[index].update(Span(offset + start, offset + end, label) for start, end, label, _ in report)
        if labelled is not None:
            topics[index].update((Span(offset + start, offset + end, label), score)
                                 for start, end, label, score in labelled)
        if progress:
            progress(length)
    yield from finished(None)


def batches(texts: Iterable[str], max_texts: int, max_chars: int = BATCH_CHARS) -> Iterator[List[str]]:
    """Consecutive texts in lists of at most max_texts, and max_chars unless one text is longer."""
    batch: List[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= max_texts or size + len(text) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def _predict(nlp: Language, keys: Keys, batch: List[str]) -> List[Piece]:
    """The spans of each text of one batch, with their scores, and its report spans."""
    result = []
    for doc in nlp.pipe(batch, batch_size=len(batch)):
        report, topics = (None if key is None else _scored(doc, key) for key in keys[1:])
        result.append((_scored(doc, keys[0]), report, topics))
    return result


def _scored(doc: Doc, key: str) -> List[Found]:
    group = doc.spans.get(key)
    if not group:
        return []
    return [(span.start_char, span.end_char, span.label_, score)
            for span, score in zip(group, group_scores(group))]


# Our own pool rather than nlp.pipe(n_process=): spaCy sends every Doc back as bytes, and
# each Doc.to_bytes/from_bytes looks up srsly's msgpack registries (catalogue scans entry
# points), which cost ~0.3 ms a Doc: on short paragraphs that kept the parent process busy
# 13% of the time and added 15% to the workers'. Sending back only the spans found avoids
# it, and as a bonus jieba runs in the workers.
_worker: Optional[Tuple[Language, Keys]] = None


def _start_worker(nlp: Language, keys: Keys) -> None:
    global _worker
    _worker = (nlp, keys)
    threadpool_limits(1, user_api="blas")


def _predict_one_core(nlp: Language, keys: Keys, batch: List[str]) -> List[Piece]:
    # --n-process is the one knob for cores: BLAS threads of their own would make one
    # process use two cores, and two processes fight over them.
    with threadpool_limits(1, user_api="blas"):
        return _predict(nlp, keys, batch)


def _predict_in_worker(batch: List[str]) -> List[Piece]:
    assert _worker is not None, "set by _start_worker"
    return _predict(*_worker, batch)


def _predict_in_pool(nlp: Language, keys: Keys, grouped: Iterable[List[str]],
                     n_process: int) -> Iterator[Piece]:
    # Forked workers share the loaded pipeline; it cannot be pickled for spawned ones
    # (the clause suggester is a closure).
    if "fork" not in multiprocessing.get_all_start_methods():
        raise InputError("privspan annotate: error: --n-process above 1 needs the fork start "
                         "method, which this platform lacks")
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process, _start_worker, (nlp, keys)) as pool:
        pending: deque = deque()
        for batch in grouped:
            pending.append(pool.apply_async(_predict_in_worker, (batch,)))
            # A few batches ahead keep every worker busy without reading all input first.
            if len(pending) > 2 * n_process:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _settle(doc: Document, best: Dict[Span, float], report: Optional[Set[Span]],
            topics: Optional[Dict[Span, float]]) -> Document:
    return replace(doc, spans=sorted(best), scores=best, report=None if report is None else sorted(report),
                   topics=topics)
