"""Sentence topics against gold: per label precision, recall and F of (sentence, label) pairs,
micro (pooled) and macro (the mean of the labels' F, as CAPP-130's authors report)."""
from __future__ import annotations

from collections import Counter
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..schema import TOPICS, TOPICS_KEY

Pair = Tuple[int, int, str]


def _pairs(doc: Doc) -> Set[Pair]:
    return {(s.start_char, s.end_char, s.label_) for s in doc.spans.get(TOPICS_KEY, [])}


def has_topics(docs: Iterable[Doc]) -> bool:
    return any(TOPICS_KEY in doc.spans for doc in docs)


def evaluate_topics(nlp: Language, gold: Sequence[Doc], labels: Sequence[str] = TOPICS,
                    batch_size: int = 256) -> dict:
    """Scores of the pipeline's `topics` group on the gold docs' texts; every gold doc counts,
    a sentence without a label too (a label predicted there is a false positive)."""
    counts: Dict[str, Counter] = {label: Counter() for label in labels}
    for want, doc in zip(gold, nlp.pipe((d.text for d in gold), batch_size=batch_size)):
        expected, found = _pairs(want), _pairs(doc)
        for _, _, label in expected & found:
            counts.setdefault(label, Counter())["correct"] += 1
        for _, _, label in expected:
            counts.setdefault(label, Counter())["gold"] += 1
        for _, _, label in found:
            counts.setdefault(label, Counter())["pred"] += 1
    per_label = {label: _prf(c) for label, c in counts.items()}
    pooled = sum(counts.values(), Counter())
    scored = [row["f"] for label, row in per_label.items() if counts[label]["gold"]]
    return {"sentences": len(gold), "micro": _prf(pooled),
            "macro": {"f": sum(scored) / len(scored) if scored else 0.0, "labels": len(scored)},
            "per_label": per_label}


def _prf(c: Counter) -> dict:
    p = c["correct"] / c["pred"] if c["pred"] else 0.0
    r = c["correct"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "gold": c["gold"], "pred": c["pred"], "correct": c["correct"]}


def format_topics(report: dict) -> List[str]:
    lines = [f"{report['sentences']} sentences; micro P {report['micro']['p']:.3f} R {report['micro']['r']:.3f} "
             f"F {report['micro']['f']:.3f}; macro F {report['macro']['f']:.3f} over "
             f"{report['macro']['labels']} labels",
             "| label | P | R | F | gold | pred |", "|---|--:|--:|--:|--:|--:|"]
    for label, row in report["per_label"].items():
        lines.append(f"| {label} | {row['p']:.3f} | {row['r']:.3f} | {row['f']:.3f} | {row['gold']} | {row['pred']} |")
    return lines
