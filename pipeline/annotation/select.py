"""Which paragraphs to annotate next: those where a model is least sure, spread over policies.

A paragraph's uncertainty sums, over the span categorizer's candidate spans (every span
its suggester proposes, whatever it scores), how close each candidate's best label score
`s` is to the threshold `t`: `max(0, 1 - |s - t| / w)`, a triangle of half-width
`w = min(band, t, 1 - t)` around `t`. A candidate the model is sure of either way adds
nothing, one at the threshold adds 1; narrowing `w` to `t` keeps the many candidates
scored near 0 out when the threshold is low, which would otherwise make a paragraph
uncertain by its length. The sum still grows with the candidates near the threshold, so
long paragraphs with many unsure spans come first. The best label score is the one that
decides whether the candidate becomes a span, since the model keeps one label per span
(max_positive = 1).

The N most uncertain paragraphs are taken greedily, most uncertain first and ties by id,
skipping a paragraph once its policy has its share (`floor(share * N)`, at least 1).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, List, Sequence

import numpy
from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..problems import InputError
from ..records import Document, split_units
from .load import span_categorizer
from .predict import BATCH_SIZE, batches, pieces

_LINE = re.compile(r":\d+$")


@dataclass
class Paragraph:
    id: str
    policy: str
    text: str


def paragraphs(documents: Iterable[Document]) -> List[Paragraph]:
    """The non-blank paragraphs of documents, split at line breaks as a corpus splits them
    (ids `id:LINE`), except a document whose id already ends in `:LINE`: it is a paragraph
    already (of a `.spacy` corpus, or of select's own output) and is kept whole. A
    paragraph's policy is its id less that `:LINE`."""
    out = []
    for doc in documents:
        if doc.line is not None or _LINE.search(doc.id):
            if doc.text.strip():
                out.append(Paragraph(doc.record_id, _LINE.sub("", doc.record_id), doc.text))
            continue
        for unit in split_units(Document(doc.id, doc.text)):
            out.append(Paragraph(unit.id, doc.id, unit.text))
    return out


def uncertainty(nlp: Language, texts: Sequence[str], band: float) -> List[float]:
    """Each text's summed closeness of its candidates' scores to the threshold (see above);
    a text over MAX_CHARS is scored in the pieces that `annotate` cuts it into."""
    spancat = span_categorizer(nlp)
    threshold = float(spancat.cfg["threshold"])
    width = min(band, threshold, 1.0 - threshold)
    if width <= 0:
        raise InputError(f"error: the model's threshold {threshold} leaves no band around it")
    owners: List[int] = []

    def all_pieces() -> Iterable[str]:
        for i, text in enumerate(texts):
            for _, piece in pieces(text):
                owners.append(i)
                yield piece

    totals = [0.0] * len(texts)
    done = 0
    with threadpool_limits(1, user_api="blas"):
        for batch in batches(all_pieces(), BATCH_SIZE):
            docs = list(nlp.pipe(batch, disable=[spancat.name]))
            indices, scores = spancat.predict(docs)
            best = numpy.asarray(scores).max(axis=1) if len(scores) else numpy.zeros(0)
            near = numpy.clip(1.0 - numpy.abs(best - threshold) / width, 0.0, None)
            start = 0
            for length in numpy.asarray(indices.lengths).tolist():
                totals[owners[done]] += float(near[start:start + length].sum())
                start += length
                done += 1
    return totals


def choose(found: Sequence[Paragraph], scores: Sequence[float], n: int, share: float) -> List[int]:
    """Indices of the chosen paragraphs, most uncertain first (ties by id), at most
    `cap(n, share)` from any policy."""
    limit = cap(n, share)
    taken: Counter = Counter()
    chosen = []
    for i in sorted(range(len(found)), key=lambda i: (-scores[i], found[i].id)):
        if len(chosen) == n:
            break
        if taken[found[i].policy] < limit:
            taken[found[i].policy] += 1
            chosen.append(i)
    return chosen


def cap(n: int, share: float) -> int:
    return max(1, math.floor(share * n + 1e-9))


def drafts(nlp: Language, chosen: Sequence[Paragraph], source: str) -> List:
    """The model's spans on the chosen paragraphs, as `annotate` finds them."""
    from .predict import annotate

    return list(annotate(nlp, (Document(p.id, p.text, source=source, where=p.id) for p in chosen)))
