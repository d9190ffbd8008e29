"""The checklist by ablation, on gold of CAPP-130 (every sentence's topics given by legal
experts): each item is decided on the whole policy and on the policy with the gold sentences
of the item's topics deleted. Where the gold topics find the item in the whole policy
(present or vague), a right checklist also finds it there, and finds it `missing` once those
sentences are gone. The checklist under test reads topics from a pipeline (run on each text,
whole or cut) or, with none, the words of every sentence."""
from __future__ import annotations

from collections import Counter
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence

from ..records import Document
from ..report.checklist import Checklist, without_topics
from ..report.wording import percent

# texts -> the same documents with a pipeline's topics (None: decided on the text's words)
Tagger = Callable[[List[Document]], List[Document]]


def ablation(gold: Sequence[Document], checklist: Checklist, tagger: Optional[Tagger] = None) -> dict:
    """Per item and in all: the decisions, how many are right, and each wrong one."""
    sets: List[FrozenSet[str]] = sorted({rule.topics for rule in checklist.rules}, key=sorted)
    cut = {(p.id, topics): without_topics(p, topics) for p in gold for topics in sets}
    under_test = {p.id: _bare(p) for p in gold}
    under_test.update({key: _bare(doc) for key, doc in cut.items()})
    if tagger is not None:
        keys = list(under_test)
        under_test = dict(zip(keys, tagger([under_test[k] for k in keys])))
    right: Counter = Counter()
    total: Counter = Counter()
    wrong: List[str] = []
    unlabelled = 0  # wrong `cut` decisions whose evidence is only sentences gold gave no label
    for policy in gold:
        reference = _statuses(checklist, policy)
        whole = _statuses(checklist, under_test[policy.id])
        for rule in checklist.rules:
            if reference[rule.id] == "missing":
                continue  # nothing of the policy rests on the item's topics
            decided = _decided(checklist, under_test[(policy.id, rule.topics)])[rule.id]
            ablated = decided["status"]
            if ablated != "missing":
                labelled = {s.start for s in cut[(policy.id, rule.topics)].spans}
                unlabelled += not any(start in labelled for start, _ in decided["evidence"])
            for case, ok in (("whole", whole[rule.id] != "missing"), ("cut", ablated == "missing")):
                total[rule.id] += 1
                right[rule.id] += ok
                if not ok:
                    wrong.append(f"{policy.id} {rule.id} {case}: "
                                 f"{whole[rule.id] if case == 'whole' else ablated}")
    n, k = sum(total.values()), sum(right.values())
    return {"decisions": n, "right": k, "share": round(k / n, 4) if n else None,
            "wrong_cut_on_unlabelled": unlabelled,
            "items": {rule.id: {"decisions": total[rule.id], "right": right[rule.id]}
                      for rule in checklist.rules},
            "wrong": wrong}


def _statuses(checklist: Checklist, policy: Document) -> Dict[str, str]:
    return {item: e["status"] for item, e in _decided(checklist, policy).items()}


def _decided(checklist: Checklist, policy: Document) -> Dict[str, dict]:
    return {e["item"]: e for e in checklist(policy)["checklist"]}


def _bare(policy: Document) -> Document:
    """The text alone, as a user's policy comes: gold topics are what is measured against."""
    return Document(policy.id, policy.text, [], source=policy.source, where=policy.where)


def format_ablation(name: str, result: dict) -> List[str]:
    share = percent(result["share"])
    wrong = result["decisions"] - result["right"]
    lines = [f"checklist ablation ({name}): {result['right']} of {result['decisions']} decisions right ({share}); "
             f"of the {wrong} wrong, {result['wrong_cut_on_unlabelled']} found the item, once its topics' "
             f"sentences were deleted, only in sentences the gold left without a label"]
    lines.append("  " + ", ".join(f"{item} {r['right']}/{r['decisions']}" for item, r in result["items"].items()))
    return lines


def against_readings(entries: Iterable[dict], readings: Sequence[dict]) -> dict:
    """A report's checklists (its policies' entries) against readings by hand (corpus/
    checklist_readings.jsonl: `{"policy", "item", "reader", …}` a line): agreement, and how
    well the items the readers found short (vague or missing) are flagged."""
    truth = {(r["policy"], r["item"]): r["reader"] for r in readings}
    agree = total = flagged = flagged_right = short = 0
    wrong: List[str] = []
    for entry in entries:
        for e in entry["checklist"]:
            reader = truth.get((entry["id"], e["item"]))
            if reader is None:
                continue
            total += 1
            agree += e["status"] == reader
            flagged += e["status"] != "present"
            flagged_right += e["status"] != "present" and reader != "present"
            short += reader != "present"
            if e["status"] != reader:
                wrong.append(f"{entry['id']} {e['item']}: {e['status']}, read {reader}")
    return {"items": total, "agree": agree, "share": round(agree / total, 4) if total else None,
            "short_precision": round(flagged_right / flagged, 4) if flagged else None,
            "short_recall": round(flagged_right / short, 4) if short else None, "wrong": wrong}


def format_readings(result: dict) -> str:
    return (f"checklist against readings: {result['agree']} of {result['items']} items agree ({percent(result['share'])}); "
            f"items short (vague or missing): precision {percent(result['short_precision'])}, "
            f"recall {percent(result['short_recall'])}")
