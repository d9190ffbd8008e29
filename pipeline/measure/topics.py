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
    per_label = {label: prf(c) for label, c in counts.items()}
    pooled = sum(counts.values(), Counter())
    scored = [row["f"] for label, row in per_label.items() if counts[label]["gold"]]
    topics = [label for label in labels if label not in BINARY]
    topic_f = [per_label[label]["f"] for label in topics if counts[label]["gold"]]
    report = {"sentences": len(gold), "micro": prf(pooled),
              "macro": {"f": sum(scored) / len(scored) if scored else 0.0, "labels": len(scored)},
              # as CAPP-130's authors report them: the topics' micro and macro F, and for
              # IMPORTANT and RISK, each a yes/no of every sentence, its accuracy (their
              # "micro") and the mean F of yes and no (their "macro")
              "topics": {"micro": prf(sum((counts[label] for label in topics), Counter()))["f"],
                         "macro": sum(topic_f) / len(topic_f) if topic_f else 0.0, "labels": len(topic_f)},
              "per_label": per_label}
    for label in BINARY:
        # a gold of one task (the authors' risk file) says nothing of the other yes/no label
        if counts.get(label, Counter())["gold"]:
            report[label.lower()] = yes_no(counts[label], len(gold))
    return report


# the labels that say yes or no of every sentence, beside its topics
BINARY = ("IMPORTANT", "RISK")


def yes_no(c: Counter, sentences: int) -> dict:
    """A yes/no label's F, accuracy and macro F (the mean F of yes and no), from its counts."""
    tp, fp, fn = c["correct"], c["pred"] - c["correct"], c["gold"] - c["correct"]
    tn = sentences - tp - fp - fn
    yes = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    no = 2 * tn / (2 * tn + fp + fn) if tn + fp + fn else 0.0
    return {"f": yes, "accuracy": (tp + tn) / sentences if sentences else 0.0, "macro": (yes + no) / 2}


def prf(c: Counter) -> dict:
    p = c["correct"] / c["pred"] if c["pred"] else 0.0
    r = c["correct"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "gold": c["gold"], "pred": c["pred"], "correct": c["correct"]}


def format_topics(report: dict) -> List[str]:
    lines = [f"{report['sentences']} sentences; micro P {report['micro']['p']:.3f} R {report['micro']['r']:.3f} "
             f"F {report['micro']['f']:.3f}; macro F {report['macro']['f']:.3f} over "
             f"{report['macro']['labels']} labels",
             "; ".join(([f"topics: micro F {report['topics']['micro']:.3f}, macro F {report['topics']['macro']:.3f}"]
                        if report["topics"]["labels"] else [])  # a gold of yes/no labels only has none
                       + [f"{label}: F {report[label.lower()]['f']:.3f}, accuracy "
                          f"{report[label.lower()]['accuracy']:.3f}, macro F {report[label.lower()]['macro']:.3f}"
                          for label in BINARY if label.lower() in report]),
             "| label | P | R | F | gold | pred |", "|---|--:|--:|--:|--:|--:|"]
    for label, row in report["per_label"].items():
        lines.append(f"| {label} | {row['p']:.3f} | {row['r']:.3f} | {row['f']:.3f} | {row['gold']} | {row['pred']} |")
    return lines
