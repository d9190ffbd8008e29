"""Training the report's item filter (report/item_filter.py): each item the report lists
without it, judged by the readings by hand (not data, or data: right or cut) or by the gold of
the same policy, and its threshold chosen by cross-validation over the policies."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

from ..records import Document
from ..report.build import report_policy
from ..report.categories import GENERIC, Categories
from ..report.checklist import Checklist
from ..report.item_filter import Features, ItemFilter, features, filtered, fit
from ..report.practices import Verbs
from .items import gold_items, in_marked, judged

# what the filter reads, the judgement (right, cut or not_data), and whether the report lets the
# filter drop the item (filtered): every non-generic item teaches it, as canonical ones hold context
Example = Tuple[Features, str, bool]
THRESHOLDS = [t / 100 for t in range(1, 100)]


def examples(policies: Iterable[Document], readings: Sequence[dict], gold: Sequence[Document],
             categories: Categories, verbs: Verbs) -> Dict[str, List[Example]]:
    """Per policy judged, its non-generic items as the report lists them unfiltered, each with its
    judgement: the readers' where they read the policy, else the gold's of the same policy (an
    item in a paragraph where the gold marks a span: right where it is a gold item, cut where it
    lies inside a gold DATA span, else not data; the measure of docs/report.md)."""
    judged = {(r["policy"], r["item_text"]): r["item"] for r in readings if "item_text" in r}
    read = {policy for policy, _ in judged}
    golden = {p.id: p for p in gold}
    checklist = Checklist.load()
    out: Dict[str, List[Example]] = {}
    for policy in policies:
        if policy.id not in read and policy.id not in golden:
            continue
        found = report_policy(policy, categories, verbs, checklist=checklist)
        starts = found.practices.segments.sentences
        rows = [row for row in found.entry["data_items"] if row["category"] != GENERIC]
        if policy.id in read:
            pairs = [(row, judged.get((policy.id, row["text"]))) for row in rows]
        else:
            pairs = _against_gold(policy.text, rows, golden[policy.id], categories)
        out[policy.id] = [(features(policy.text, row, starts), j, filtered(row)) for row, j in pairs if j is not None]
    return out


def _against_gold(text: str, rows: List[dict], gold: Document, categories: Categories) -> List[Tuple[dict, str]]:
    items, spans = gold_items(gold, categories)
    marked = set(in_marked([(gold.id, text, rows)], [gold])[gold.id])
    return [(row, judged(categories.core(row["text"]), items, spans)) for row in rows if row["text"] in marked]


@dataclass
class Trained:
    """The filter, and what its cross-validation says of each kind of judgement (readings, gold)."""

    model: ItemFilter
    held_out: Dict[str, List[Tuple[float, str]]]  # per kind, (cross-validated score, judgement); 1 where not filtered

    def figures(self, kind: str) -> Tuple[int, float, float, float]:
        """(items, precision unfiltered, precision filtered, share of the right items kept)."""
        scored = self.held_out.get(kind, [])
        kept = [j for score, j in scored if score >= self.model.threshold]
        return len(scored), _share(j for _, j in scored), _share(kept), _right_kept(scored, self.model.threshold)


def train(by_policy: Dict[str, List[Example]], kinds: Dict[str, str], keep: float, folds: int = 5,
          seed: int = 0) -> Trained:
    """The filter fit on every example, at the highest threshold at which the filters fit on
    the other folds' policies keep at least `keep` of each fold's right items; `kinds` names
    each policy's kind of judgement, for the figures."""
    policies = sorted(by_policy)
    random.Random(seed).shuffle(policies)
    held_out: Dict[str, List[Tuple[float, str]]] = {}
    for k in range(min(folds, len(policies))):
        held = set(policies[k::folds])
        model = fit([(f, j != "not_data") for p in policies if p not in held for f, j, _ in by_policy[p]])
        for p in held:
            held_out.setdefault(kinds[p], []).extend((model.score(f) if applies else 1.0, j)
                                                     for f, j, applies in by_policy[p])
    every = [pair for pairs in held_out.values() for pair in pairs]
    model = fit([(f, j != "not_data") for p in policies for f, j, _ in by_policy[p]])
    model.threshold = max((t for t in THRESHOLDS if _right_kept(every, t) >= keep), default=0.0)
    return Trained(model, held_out)


def _right_kept(scored: Sequence[Tuple[float, str]], threshold: float) -> float:
    right = [score for score, j in scored if j == "right"]
    return sum(score >= threshold for score in right) / len(right) if right else 1.0


def _share(judgements: Iterable[str]) -> float:
    judgements = list(judgements)
    return sum(j == "right" for j in judgements) / len(judgements) if judgements else 0.0
