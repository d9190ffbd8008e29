"""Choose the span categorizer's threshold on dev data and save it in the pipeline.

spaCy's `find-threshold` searches but only prints; this runs the same search (through its
API) and writes the winner into the pipeline's config, so every later `spacy.load`,
`spacy evaluate` and `spacy package` uses it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Tuple

import spacy
from spacy.cli.find_threshold import find_threshold

from ..annotation.load import load_pipeline, span_categorizer


def tune_threshold(model: Path, dev: Path, n_trials: int = 11) -> Tuple[float, float, Dict[float, float]]:
    """Search thresholds on `dev` for the best span F; save the best one into `model`."""
    spancat = span_categorizer(load_pipeline(str(model)))
    name, key = spancat.name, spancat.cfg["spans_key"]
    best, best_score, scores = find_threshold(str(model), dev, name, "threshold", f"spans_{key}_f",
                                              n_trials=n_trials, silent=True)
    tuned = spacy.load(model, config={"components": {name: {"threshold": float(best)}}})
    # The component's own cfg (saved beside its weights) wins over config.cfg when a
    # pipeline loads, so both must say the same.
    tuned.get_pipe(name).cfg["threshold"] = float(best)
    tuned.to_disk(model)
    return float(best), float(best_score), scores
