"""Choose the threshold of a pipeline's spans on dev data and save it in the pipeline.

spaCy's `find-threshold` searches one setting of one component with a scorer, and only
prints; the threshold here is the decoder's (pipeline/components/decoder.py), and a trial
under the span categorizer's own threshold must lower that too, so this runs the same
search (evenly spaced trials, each a fresh load with config overrides, scored by
`Language.evaluate`) through `load_pipeline`, and writes the winner into the pipeline's
config, so every later `spacy.load`, `spacy evaluate` and `spacy package` uses it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

import numpy
from spacy.training import Corpus

from ..annotation.load import load_pipeline, span_categorizer


def tune_threshold(model: Path, dev: Path, n_trials: int = 11) -> Tuple[float, float, Dict[float, float]]:
    """Search thresholds on `dev` for the best span F; save the best one into `model`."""
    nlp = load_pipeline(str(model))
    key = span_categorizer(nlp).key
    examples = list(Corpus(str(dev))(nlp))
    scores: Dict[float, float] = {}
    for threshold in numpy.linspace(0, 1, n_trials):
        trial = load_pipeline(str(model), threshold=float(threshold))
        scores[float(threshold)] = float(trial.evaluate(examples)[f"spans_{key}_f"] or 0.0)
    best = max(scores, key=lambda t: scores[t])
    load_pipeline(str(model), threshold=best).to_disk(model)
    return best, scores[best], scores
