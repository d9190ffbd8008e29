"""The item filter: a logistic regression that keeps a data item only where its text and its
sentences read as the user's data, trained on the items read by hand (corpus/item_readings.jsonl)
and on CA4P-483's dev gold.

The rules of report/build.py drop what a word list can name (headings, channels, what the app
does not collect); what is left wrong depends on the sentence (a company's name in a list of
SDK providers, 更新时间 under a policy's title, 号码 of 号码认证服务). The filter reads an item's
characters, its category, canonical id and actions, and the words of up to five of its
sentences and of the four words either side of it there. It is trained by `privspan
item-filter` and saved as a data file, pipeline/data/item_filter.json; the report applies it
to the items with no canonical id of the pipeline's spans only (an annotator's own DATA spans
are data), and lists what it drops as set aside.
"""
from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

import jieba
import numpy as np

from .categories import GENERIC

PATH = Path(__file__).parents[1] / "data" / "item_filter.json"
OCCURRENCES = 5  # sentences read per item: a policy's first mentions say what it is
NEIGHBOURS = 4  # words either side of the item in its sentence
L2, STEPS, RATE = 1e-3, 300, 0.05

Features = Dict[str, float]


def features(text: str, row: dict, sentence_starts: Sequence[int]) -> Features:
    """What the filter reads of one item (a row of policies.jsonl's `data_items`) in its text;
    `sentence_starts` are the sorted start offsets of the text's sentences."""
    found: Features = {}

    def add(key: str, value: float = 1.0) -> None:
        found[key] = found.get(key, 0.0) + value

    word = row["text"]
    for n in (1, 2, 3):
        for i in range(len(word) - n + 1):
            add("I:" + word[i:i + n])
    add(f"CAN:{bool(row.get('canonical'))}")
    add("CAT:" + row["category"])
    add(f"NACT:{min(len(row['actions']), 3)}")
    for action in row["actions"]:
        add("A:" + action)
    occurrences = row["at"][:OCCURRENCES]
    share = 1.0 / len(occurrences) if occurrences else 0.0
    bounds = list(sentence_starts) + [len(text)]
    for start, end in occurrences:
        i = max(0, bisect_right(bounds, start) - 1)
        first, last = bounds[i], bounds[min(i + 1, len(bounds) - 1)]
        for token in _words(text[first:last]):
            add("S:" + token, share)
        for token in _words(text[first:start])[-NEIGHBOURS:]:
            add("L:" + token, share)
        for token in _words(text[end:last])[:NEIGHBOURS]:
            add("R:" + token, share)
        add(f"LEN:{min((last - first) // 20, 6)}", share)
    return found


def filtered(row: dict) -> bool:
    """Whether the filter reads an item: not a generic mention, nor a canonical item (a term of
    the table, whose uses as no data the rules handle; read by the filter, 10 right canonical
    items of the test set's 1,320 right ones were dropped, IP地址 and GPS位置 among them)."""
    return row["category"] != GENERIC and not row.get("canonical")


@lru_cache(maxsize=4096)
def _words(text: str) -> Tuple[str, ...]:
    # cached: a list's items share their sentence, and each reads its words (the filter read
    # each sentence anew: the report of 110 CAPP-130 policies took 23 s, against 12 s without it)
    return tuple(w for w in jieba.lcut(text) if w.strip())


@dataclass
class ItemFilter:
    """The weights of each feature, the bias and the probability under which an item is dropped."""

    weights: Dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5

    def score(self, found: Features) -> float:
        """The probability that the item is the user's data."""
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in found.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def load(cls, path: Path = PATH) -> Optional["ItemFilter"]:
        """The filter saved at `path`; None where there is none (the report then keeps its rules' items)."""
        if not Path(path).exists():
            return None
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(saved["weights"], saved["bias"], saved["threshold"])

    def save(self, path: Path, about: dict) -> None:
        kept = {k: round(w, 4) for k, w in sorted(self.weights.items()) if abs(w) >= 1e-4}
        saved = {**about, "threshold": self.threshold, "bias": round(self.bias, 4), "weights": kept}
        Path(path).write_text(json.dumps(saved, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def fit(examples: Sequence[Tuple[Features, bool]], l2: float = L2, steps: int = STEPS) -> ItemFilter:
    """A logistic regression with an L2 penalty, by full-batch Adam: converged, so that the
    threshold chosen by cross-validation holds for the model fit on all the examples."""
    vocabulary: Dict[str, int] = {}
    rows, columns, values = [], [], []
    for i, (found, _) in enumerate(examples):
        for key, value in found.items():
            rows.append(i)
            columns.append(vocabulary.setdefault(key, len(vocabulary)))
            values.append(value)
    rows_, columns_, values_ = np.array(rows), np.array(columns), np.array(values)
    y = np.array([1.0 if label else 0.0 for _, label in examples])
    n, size = len(examples), len(vocabulary)
    theta = np.zeros(size + 1)  # the weights, then the bias
    moment, square = np.zeros(size + 1), np.zeros(size + 1)
    for step in range(1, steps + 1):
        z = np.bincount(rows_, weights=theta[columns_] * values_, minlength=n) + theta[-1]
        error = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))) - y
        gradient = np.append(np.bincount(columns_, weights=error[rows_] * values_, minlength=size) / n
                             + l2 * theta[:-1], error.mean())
        moment = 0.9 * moment + 0.1 * gradient
        square = 0.999 * square + 0.001 * gradient ** 2
        theta -= RATE * (moment / (1 - 0.9 ** step)) / (np.sqrt(square / (1 - 0.999 ** step)) + 1e-8)
    keys = sorted(vocabulary, key=vocabulary.get)
    return ItemFilter(dict(zip(keys, theta[:-1].tolist())), float(theta[-1]))
