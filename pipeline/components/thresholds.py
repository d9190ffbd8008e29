"""`privspan_label_thresholds`: a threshold for each label of a span group.

spaCy's span categorizer keeps every label at one threshold. The sentence topics are not
alike: RISK is one sentence in twenty and is best found at 0.2, CESSATION at 0.1, RETENTION
at 0.7 (dev of CAPP-130 split by policy; docs/topics.md). The span categorizer keeps every
label at the lowest of them, and this component keeps a span where its score reaches its
label's threshold (`threshold` for a label not in `thresholds`). `privspan threshold`
chooses them on dev and saves them in the pipeline's config, so `spacy.load`, `spacy
evaluate` and `annotate` give the same spans.
"""
from __future__ import annotations

from typing import Dict

import numpy
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup


@Language.factory("privspan_label_thresholds",
                  default_config={"spans_key": "topics", "threshold": 0.5, "thresholds": {}})
def make_label_thresholds(nlp: Language, name: str, spans_key: str, threshold: float,
                          thresholds: Dict[str, float]) -> "LabelThresholds":
    return LabelThresholds(name, spans_key, threshold, thresholds)


class LabelThresholds:
    """Filters one span group in place by its spans' scores; no weights, nothing to train."""

    def __init__(self, name: str, spans_key: str, threshold: float, thresholds: Dict[str, float]) -> None:
        self.name = name
        self.spans_key = spans_key
        self.threshold = threshold
        self.thresholds = dict(thresholds)

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None or "scores" not in group.attrs:
            return doc
        scores = numpy.asarray(group.attrs["scores"], dtype="f").reshape(-1)
        kept = [i for i, span in enumerate(group)
                if scores[i] >= self.thresholds.get(span.label_, self.threshold)]
        out = SpanGroup(doc, name=self.spans_key, spans=[group[i] for i in kept])
        out.attrs["scores"] = scores[kept]
        doc.spans[self.spans_key] = out
        return doc
