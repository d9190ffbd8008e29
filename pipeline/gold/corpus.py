"""Gold units -> train/dev/test DocBins, split by document, with a report that adds up."""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Set, Tuple

from spacy.language import Language
from spacy.tokens import DocBin

from .docs import Alignment, units_to_docs
from ..schema import SPANS_KEY
from ..records import Unit


@dataclass
class Split:
    """Units per split name, and how the split was made."""

    units: Dict[str, List[Unit]]
    by: str  # "document" or "line"


def assign_splits(units: List[Unit], dev: float, test: float, seed: int) -> Split:
    """Split by document, so that a document never lands in two splits.

    With fewer documents than splits, split by unit (line) instead: the caller says so.
    """
    names = ["train"] + (["dev"] if dev > 0 else []) + (["test"] if test > 0 else [])
    doc_ids = sorted({u.doc_id for u in units})
    by = "document" if len(doc_ids) >= len(names) else "line"
    # Sorted keys make the split independent of the order the units were read in.
    keys = doc_ids if by == "document" else sorted(u.id for u in units)
    rng = random.Random(seed)
    rng.shuffle(keys)
    n_dev = _share(dev, len(keys))
    n_test = _share(test, len(keys))
    if n_dev + n_test >= len(keys):
        raise ValueError(f"too few {by}s ({len(keys)}) for dev={dev} and test={test}")
    place = {key: "dev" for key in keys[:n_dev]}
    place.update({key: "test" for key in keys[n_dev:n_dev + n_test]})
    out: Dict[str, List[Unit]] = {name: [] for name in names}
    for unit in units:
        out[place.get(_split_key(unit, by), "train")].append(unit)
    return Split(out, by)


def _split_key(unit: Unit, by: str) -> str:
    """What a split assigns: the unit's document, or the unit itself when split by line."""
    return unit.doc_id if by == "document" else unit.id


def _share(fraction: float, n: int) -> int:
    return max(1, round(fraction * n)) if fraction > 0 else 0


@dataclass
class CorpusReport:
    documents: int = 0
    units: Counter = field(default_factory=Counter)  # per split
    spans: Counter = field(default_factory=Counter)  # per label, as written
    unannotated: int = 0
    alignment: Alignment = field(default_factory=Alignment)


def write_corpus(nlp: Language, split: Split, out_dir: Path, report: CorpusReport,
                 spans_key: str = SPANS_KEY) -> Dict[str, Path]:
    """Write one `<split>.spacy` per split; fills the report's unit, span and alignment counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: Dict[str, Path] = {}
    for name, units in split.units.items():
        docbin = DocBin(store_user_data=True)
        for doc in units_to_docs(nlp, units, report.alignment, spans_key):
            docbin.add(doc)
            report.spans.update(span.label_ for span in doc.spans[spans_key])
        report.units[name] = len(units)
        paths[name] = out_dir / f"{name}.spacy"
        docbin.to_disk(paths[name])
    return paths


def training_texts(units: List[Unit], split: Split) -> Iterator[str]:
    """The text of every unit, annotated or not, that is not held out for dev or test.

    Raw text for `spacy pretrain`: the training pool's own words, never a held-out one.
    """
    held_out = {_split_key(u, split.by) for name in ("dev", "test") for u in split.units.get(name, [])}
    for unit in units:
        if _split_key(unit, split.by) not in held_out and unit.text.strip():
            yield unit.text


def drop_unannotated(units: List[Unit], keep: float = 0.0, seed: int = 0) -> Tuple[List[Unit], int]:
    """Keep the units that hold gold spans, and (`keep` > 0) units without spans drawn at
    random until their text is `keep` times as long as the annotated units' text.

    Annotators of CA4P-483 (and of the seed) marked data-access sentences only: a unit
    without spans is no proof that it has none, so by default it is kept out of training
    and scoring. Gold whose unannotated text is mostly empty in the convention a model is
    scored in (the authors' BIO files) can want some of them back as negatives.
    """
    drawn: Set[int] = set()
    if keep > 0:
        # sorted first, so that the draw does not depend on the order the units were read in
        empty = sorted((u for u in units if not u.spans), key=lambda u: u.id)
        random.Random(seed).shuffle(empty)
        budget, length = keep * sum(len(u.text) for u in units if u.spans), 0
        for unit in empty:
            if length >= budget:
                break
            drawn.add(id(unit))
            length += len(unit.text)
    kept = [u for u in units if u.spans or id(u) in drawn]
    return kept, len(units) - len(kept)


def without_sentences(units: List[Unit], sentences: Iterable[str],
                      window: int = 8) -> Tuple[List[Unit], List[Unit]]:
    """(kept, left out): a unit is left out when it contains one of `sentences`.

    Sentences shorter than `window` characters are the caller's to filter: a list number
    or a lone quote mark would be found in half the corpus.

    Texts are compared with whitespace removed, since the same sentence can be split or
    spaced differently in two releases of one corpus. Every window of a unit's text is
    looked up in a table of the sentences' first `window` characters, so the cost follows
    the characters of the units, not units times sentences.
    """
    by_head: Dict[str, List[str]] = {}
    short: Dict[int, Set[str]] = {}
    for sentence in {_squeeze(s) for s in sentences}:
        if len(sentence) >= window:
            by_head.setdefault(sentence[:window], []).append(sentence)
        elif sentence:
            short.setdefault(len(sentence), set()).add(sentence)
    kept: List[Unit] = []
    left_out: List[Unit] = []
    for unit in units:
        text = _squeeze(unit.text)
        (left_out if _contains_any(text, by_head, short, window) else kept).append(unit)
    return kept, left_out


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _contains_any(text: str, by_head: Dict[str, List[str]], short: Dict[int, Set[str]],
                  window: int) -> bool:
    for i in range(len(text)):
        for sentence in by_head.get(text[i:i + window], ()):
            if text.startswith(sentence, i):
                return True
        if any(text[i:i + n] in found for n, found in short.items()):
            return True
    return False
