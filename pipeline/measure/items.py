"""Document-level item recall and precision of a report against gold (`privspan report --against`).

For a policy with gold: G is the set of its distinct gold DATA items and R the set of the
report's distinct items, both as `Categories.core` gives them (NFKC, lower case, no spaces, no
leading 您的/上述…). The gold items are always read with every step of item extraction on
(enumerations split, parentheses read), so the target stays the same whatever the report did.

- recall: |{g in G : g in R}| / |G|, the share of the policy's gold items the report lists;
- precision: |{r in R : r in G, or r inside the text of one of the policy's gold DATA spans}| / |R|.

Both are averaged over the policies that have gold items (macro), and also pooled over all
items (micro). A report policy with no gold is left out and counted; a gold policy missing from
the report counts with an empty report (recall 0).

`in_marked`: the report's items that occur in a paragraph where the gold marks a span. CA4P-483's
annotators marked the statements of a practice in some paragraphs of a policy and left the rest
unread, so an item elsewhere (通话记录 in a paragraph nobody annotated) is neither right nor
wrong by that gold; the tagger's own span scores are taken on the marked paragraphs alone too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from ..records import Document
from ..report.categories import GENERIC, Categories
from ..report.items import Options, items_of, line_at, outermost
from ..report.wording import counted


@dataclass
class ItemScores:
    policies: int = 0  # scored: with gold items
    missing: int = 0  # gold policies the report lacks
    unmatched: int = 0  # report policies without gold
    recall: float = 0.0  # macro
    precision: float = 0.0  # macro, over policies whose report lists items
    micro_recall: float = 0.0
    micro_precision: float = 0.0
    gold_items: int = 0
    report_items: int = 0
    found: int = 0
    correct: int = 0
    # the same, generic mentions (个人信息…) left out of both sides
    recall_specific: float = 0.0
    precision_specific: float = 0.0

    def line(self) -> str:
        return (f"item recall {self.recall:.3f} (micro {self.micro_recall:.3f}), precision {self.precision:.3f} "
                f"(micro {self.micro_precision:.3f}) over {counted(self.policies, 'policy', 'policies')}; without generic "
                f"mentions recall {self.recall_specific:.3f}, precision {self.precision_specific:.3f}; "
                f"{self.gold_items} gold and {counted(self.report_items, 'report item')}"
                + (f"; {counted(self.missing, 'gold policy', 'gold policies')} not in the report"
                   if self.missing else "")
                + (f"; {counted(self.unmatched, 'report policy', 'report policies')} without gold"
                   if self.unmatched else ""))


def gold_items(policy: Document, categories: Categories) -> tuple[set, List[str]]:
    """(distinct items, the normalised texts of the DATA spans) of a gold policy."""
    items = {categories.core(i.text) for i in items_of(policy.text, policy.spans, categories, Options())}
    spans = [categories.core(policy.text[s.start:s.end]) for s in outermost(policy.spans)]
    return items, spans


def judged(core: str, items: Set[str], spans: Sequence[str]) -> str:
    """A report item (its core text) by a gold policy's items and DATA spans (`gold_items`):
    `right` where it is a gold item, `cut` where it lies inside a gold span's text, else
    `not_data`; precision counts both of the first two."""
    return "right" if core in items else "cut" if any(core in s for s in spans) else "not_data"


def score(report: Dict[str, List[str]], gold: Sequence[Document], categories: Categories) -> ItemScores:
    """`report`: policy id -> the texts of its data items (report.json's `data_items`)."""
    scores = ItemScores(unmatched=len(set(report) - {p.id for p in gold}))
    recalls, precisions, recalls_s, precisions_s = [], [], [], []
    for policy in gold:
        items, spans = gold_items(policy, categories)
        if not items:
            continue
        if policy.id not in report:
            scores.missing += 1
        found = {categories.core(t) for t in report.get(policy.id, [])}
        right = {r for r in found if judged(r, items, spans) != "not_data"}
        scores.policies += 1
        scores.gold_items += len(items)
        scores.report_items += len(found)
        scores.found += len(items & found)
        scores.correct += len(right)
        recalls.append(len(items & found) / len(items))
        if found:
            precisions.append(len(right) / len(found))
        specific = {g for g in items if categories.assign(g)[0] != GENERIC}
        found_s = {r for r in found if categories.assign(r)[0] != GENERIC}
        if specific:
            recalls_s.append(len(specific & found_s) / len(specific))
        if found_s:
            precisions_s.append(len(found_s & right) / len(found_s))
    mean = lambda xs: sum(xs) / len(xs) if xs else 0.0
    scores.recall, scores.precision = mean(recalls), mean(precisions)
    scores.recall_specific, scores.precision_specific = mean(recalls_s), mean(precisions_s)
    scores.micro_recall = scores.found / scores.gold_items if scores.gold_items else 0.0
    scores.micro_precision = scores.correct / scores.report_items if scores.report_items else 0.0
    return scores


def in_marked(report: Iterable[Tuple[str, str, List[dict]]], gold: Sequence[Document]) -> Dict[str, List[str]]:
    """`report`: (policy id, its text, its `data_items`); the texts of the items with an
    occurrence in a paragraph (a line, compared with whitespace removed) that holds a gold span
    of the same policy."""
    marked = {p.id: _marked_paragraphs(p) for p in gold}
    kept: Dict[str, List[str]] = {}
    for policy_id, text, items in report:
        paragraphs = marked.get(policy_id, set())
        kept[policy_id] = [item["text"] for item in items
                           if any(_squeezed(line_at(text, start)) in paragraphs for start, _ in item["at"])]
    return kept


def against(entries: Iterable[dict], texts: Dict[str, str], gold: Sequence[Document], categories: Categories,
            marked_only: bool = False) -> ItemScores:
    """A made report's items (its policies' entries, policies.jsonl) scored against gold of the
    same policies; with `marked_only`, only its items in paragraphs where the gold marks a
    span (`texts`: each policy's text, by id)."""
    if marked_only:
        items = in_marked(((p["id"], texts.get(p["id"], ""), p["data_items"]) for p in entries), gold)
    else:
        items = {p["id"]: [e["text"] for e in p["data_items"]] for p in entries}
    return score(items, gold, categories)


def _marked_paragraphs(policy: Document) -> Set[str]:
    return {_squeezed(line_at(policy.text, span.start)) for span in policy.spans}


def _squeezed(text: str) -> str:
    return "".join(text.split())
