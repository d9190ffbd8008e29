"""Choose the threshold of a pipeline's spans on dev data and save it in the pipeline (and,
for the sentence topics, a threshold per label: `tune_label_thresholds`).

spaCy's `find-threshold` searches one setting of one component with a scorer, and only
prints; the threshold here is the decoder's (pipeline/components/decoder.py), and a trial
under the span categorizer's own threshold must lower that too, so this runs the same
search (evenly spaced trials, each a fresh load with config overrides, scored by
`Language.evaluate`) through `load_pipeline`, and writes the winner into the pipeline's
config, so every later `spacy.load`, `spacy evaluate` and `spacy package` uses it.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, Tuple

import numpy
from spacy.training import Corpus

from ..annotation.load import load_pipeline, span_categorizer
from ..schema import TOPICS_KEY
from .topics import BINARY, prf, yes_no


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


THRESHOLDS = "privspan_label_thresholds"
# a finer grid than 0.05 holds the coarser one: on dev it can only do as well (docs/topics.md)
GRID = numpy.round(numpy.arange(0.02, 0.981, 0.01), 2)


def tune_label_thresholds(model: Path, dev: Path) -> Dict[str, float]:
    """A threshold per sentence label, chosen on `dev` and saved into `model`: the topics
    together by their micro F (coordinate ascent, three rounds), IMPORTANT by its F, RISK by
    the mean F of yes and no (as CAPP-130's authors score it). A pipeline saved before the
    thresholds component existed gets one after its topics."""
    import spacy
    from spacy.tokens import DocBin

    from ..annotation.load import topics_key
    from ..schema import TOPICS

    nlp = spacy.load(model)
    if topics_key(nlp) is None:
        raise ValueError(f"{model}: no sentence topics to choose thresholds for")
    topics = next(name for name, pipe in nlp.pipeline if getattr(pipe, "key", None) == TOPICS_KEY)
    filters = [name for name, pipe in nlp.pipeline if getattr(pipe, "spans_key", None) == TOPICS_KEY]
    name = filters[0] if filters else "topic_thresholds"
    if not filters:
        nlp.add_pipe(THRESHOLDS, name=name, after=topics, config={"spans_key": TOPICS_KEY})
    nlp.get_pipe(topics).cfg["threshold"] = float(GRID[0])
    gold = list(DocBin().from_disk(dev).get_docs(nlp.vocab))
    wanted = numpy.zeros((len(gold), len(TOPICS)), dtype=bool)
    scores = numpy.zeros((len(gold), len(TOPICS)), dtype="f")
    with nlp.select_pipes(disable=[name]):
        for row, (reference, doc) in enumerate(zip(gold, nlp.pipe(d.text for d in gold))):
            for span in reference.spans.get(TOPICS_KEY, []):
                wanted[row, TOPICS.index(span.label_)] = True
            group = doc.spans.get(TOPICS_KEY, [])
            for span, score in zip(group, numpy.asarray(group.attrs.get("scores", [])).reshape(-1)):
                column = TOPICS.index(span.label_)
                scores[row, column] = max(scores[row, column], float(score))
    best = _choose(wanted, scores, [TOPICS.index(label) for label in TOPICS if label not in BINARY])
    for label in BINARY:
        k = TOPICS.index(label)
        if label == "RISK":  # as CAPP-130's authors score it
            best[k] = _best(lambda t: yes_no(_counts(wanted[:, k], scores[:, k] >= t), len(gold))["macro"])
        else:
            best[k] = _best(lambda t: prf(_counts(wanted[:, k], scores[:, k] >= t))["f"])
    thresholds = {label: float(best[k]) for k, label in enumerate(TOPICS)}
    nlp.to_disk(model)  # with its thresholds component, if it was added
    tuned = spacy.load(model, config={f"components.{name}.thresholds": thresholds,
                                      f"components.{topics}.threshold": min(thresholds.values())})
    # the span categorizer's own cfg wins over config.cfg when it loads: set in both
    tuned.get_pipe(topics).cfg["threshold"] = min(thresholds.values())
    tuned.to_disk(model)
    return thresholds


def _choose(wanted: numpy.ndarray, scores: numpy.ndarray, columns: list) -> numpy.ndarray:
    best = numpy.full(wanted.shape[1], 0.5)
    for _ in range(3):
        for k in columns:
            def micro(t: float) -> float:
                trial = best.copy()
                trial[k] = t
                return prf(_counts(wanted[:, columns], scores[:, columns] >= trial[columns]))["f"]
            best[k] = _best(micro)
    return best


def _best(score) -> float:
    """The threshold of the grid with the best score; of equals, the one nearest 0.5 (a label
    dev never holds keeps the default)."""
    return float(max(GRID, key=lambda t: (round(score(t), 6), -abs(t - 0.5))))


def _counts(wanted: numpy.ndarray, found: numpy.ndarray) -> Counter:
    """The counts measure/topics.py scores: right, gold and predicted (sentence, label) pairs."""
    return Counter(correct=int((wanted & found).sum()), gold=int(wanted.sum()), pred=int(found.sum()))
