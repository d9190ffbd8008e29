"""`privspan_decoder`: the spans a pipeline gives, settled after the span categorizer.

What `annotate`, `evaluate`, `spacy evaluate` and a plain `nlp(text)` report is what this
component leaves in `doc.spans[spans_key]`, so every way in sees the same spans: the
span categorizer's, whitespace trimmed off their edges (`trim`), optionally cut into
pieces at characters no gold span runs across (`cut_at`) and decoded flat (`flat`: the
best-scored spans that overlap no better-scored one, for gold that cannot nest). A span
that two candidates reach keeps the higher score. The settings are the config's, so
`spacy.load(MODEL, config={"components.decoder.flat": True})` changes them for one load.

The span categorizer's own threshold is the lowest any group keeps; `threshold` is the
one for `spans_key`, and `report_key` names a second group of the spans scored at least
`report_threshold`, settled the same way, which the report reads (pipeline/report/component.py
grows it): the report's items were best on dev at a lower threshold than the tagger's spans
(docs/report.md).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

# (start_char, end_char, label) -> score
Found = Dict[Tuple[int, int, str], float]


@Language.factory("privspan_decoder",
                  default_config={"spans_key": "sc", "threshold": 0.0, "trim": True, "cut_at": "",
                                  "flat": False, "report_key": "", "report_threshold": 0.0})
def make_decoder(nlp: Language, name: str, spans_key: str, threshold: float, trim: bool, cut_at: str,
                 flat: bool, report_key: str, report_threshold: float) -> "SpanDecoder":
    return SpanDecoder(name, spans_key, threshold, trim, cut_at, flat, report_key, report_threshold)


class SpanDecoder:
    """Rewrites one span group in place (and writes the report's); no weights, nothing to
    train or save."""

    def __init__(self, name: str, spans_key: str, threshold: float, trim: bool, cut_at: str, flat: bool,
                 report_key: str = "", report_threshold: float = 0.0) -> None:
        self.name = name
        self.spans_key = spans_key
        self.threshold = threshold
        self.trim = trim
        self.cut_at = cut_at
        self.flat = flat
        self.report_key = report_key
        self.report_threshold = report_threshold

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None:
            return doc
        found = self.decode(doc.text, group)
        if self.report_key:
            doc.spans[self.report_key] = self._group(doc, self.report_key, self._settled(found, self.report_threshold))
        doc.spans[self.spans_key] = self._group(doc, self.spans_key, self._settled(found, self.threshold))
        return doc

    def decode(self, text: str, group: SpanGroup) -> Found:
        """The group's spans as character offsets with their scores, trimmed and merged."""
        best: Found = {}
        for span, score in zip(group, group_scores(group)):
            if self.trim or self.cut_at:
                pieces = cut(text, span.start_char, span.end_char, self.cut_at)
            else:
                pieces = [(span.start_char, span.end_char)]
            for start, end in pieces:
                key = (start, end, span.label_)
                best[key] = max(float(score), best.get(key, 0.0))
        return best

    def _settled(self, found: Found, threshold: float) -> Found:
        kept = {key: score for key, score in found.items() if score >= threshold}
        return flat(kept) if self.flat else kept

    @staticmethod
    def _group(doc: Doc, key: str, found: Found) -> SpanGroup:
        spans, scores = [], []
        for (start, end, label), score in sorted(found.items()):
            # Trimmed and cut edges fall between tokens (jieba makes spaces and punctuation
            # tokens of their own); "expand" only guards a character cut inside a word.
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                scores.append(score)
        out = SpanGroup(doc, name=key, spans=spans)
        out.attrs["scores"] = numpy.asarray(scores, dtype="f")
        return out


def group_scores(group: SpanGroup) -> List[float]:
    """One score per span of a group, 1.0 each where it has none: the span categorizer keeps
    them as an (n, 1) array with max_positive = 1, as (n,) with several labels a span."""
    scores = group.attrs.get("scores")
    return numpy.ravel(scores).tolist() if scores is not None else [1.0] * len(group)


def cut(text: str, start: int, end: int, chars: str) -> List[Tuple[int, int]]:
    """The pieces of text[start:end] between the characters `chars`, edges trimmed of
    whitespace; a span of such characters alone has none.

    For conventions that never let a span run across a list comma (CA4P-483's authors'
    BIO files: `姓名、性别` is two DATA spans where the released annotations have one);
    `privspan corpus --cut-at` cuts gold with it too.
    """
    pieces, piece_start = [], start
    for i in range(start, end + 1):
        if i == end or text[i] in chars:
            a, b = piece_start, i
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                pieces.append((a, b))
            piece_start = i + 1
    return pieces


def flat(found: Found) -> Found:
    """The best-scored spans that overlap no better-scored one: a decoding for flat gold
    (BIO files cannot nest), where nested spans would count as wrong."""
    kept: Found = {}
    # the best first; equal scores in the span categorizer's order (a stable sort)
    for key, score in sorted(found.items(), key=lambda item: -item[1]):
        if not any(key[0] < other[1] and other[0] < key[1] for other in kept):
            kept[key] = score
    return kept
