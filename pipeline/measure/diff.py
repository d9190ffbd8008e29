"""Two annotations of the same documents compared: which documents match, how far B agrees
with A per label, and every disagreement sorted into added, removed, relabelled or re-cut.

Documents are matched by id when both sides have the id and the same text, then by text
among those left (first come, first matched); the rest are unmatched and reported.

Within a matched document a span of A and one of B agree when they are equal (offsets and
label). Of the others, in this order and one to one:
- relabelled: an A span and a B span with the same offsets and another label (counted
  under A's label, and in a table A label -> B label);
- re-cut: an A span and a B span of the same label that overlap with other edges, paired
  by the most characters shared (ties: the earliest spans);
- removed: an A span left over; added: a B span left over.
So an A span that B cuts in two is one re-cut and one added span, and a span moved to
other edges and another label is one removed and one added.

Agreement is F of B against A (A read as gold), exact and overlap, from `evaluate.py`:
symmetric for exact match, and for overlap nearly so.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..formats.diffpage import Context, page
from ..records import Document, Span
from .evaluate import exact_match, overlap_match, summarize

KINDS = ("added", "removed", "relabelled", "re-cut")
CONTEXT_CHARS = 80  # characters shown on each side of a disagreement, within its line


@dataclass
class Change:
    kind: str
    a: Optional[Span]
    b: Optional[Span]

    @property
    def label(self) -> str:
        return (self.a or self.b).label  # A's label, except for an added span

    def to_dict(self) -> dict:
        return {"kind": self.kind, "a": self.a.to_dict() if self.a else None,
                "b": self.b.to_dict() if self.b else None}


@dataclass
class Pair:
    """A matched document: A's and B's (same text), how they were matched, their changes."""

    a: Document
    b: Document
    how: str  # "id" or "text"
    changes: List[Change] = field(default_factory=list)


@dataclass
class Diff:
    pairs: List[Pair]
    unmatched_a: List[str]
    unmatched_b: List[str]
    differing_text: List[str]  # ids on both sides whose texts differ


def match(a_docs: Sequence[Document], b_docs: Sequence[Document]) -> Diff:
    """Documents matched by id (with equal texts), then by text."""
    by_id: Dict[str, List[int]] = defaultdict(list)
    for i, doc in enumerate(a_docs):
        by_id[doc.record_id].append(i)
    used_a, pairs, left_b, differing = set(), [], [], []
    for b in b_docs:
        ids = [i for i in by_id.get(b.record_id, []) if i not in used_a]
        same = [i for i in ids if a_docs[i].text == b.text]
        if same:
            used_a.add(same[0])
            pairs.append(Pair(a_docs[same[0]], b, "id"))
        else:
            if ids:
                differing.append(b.record_id)
            left_b.append(b)
    by_text: Dict[str, List[int]] = defaultdict(list)
    for i, doc in enumerate(a_docs):
        if i not in used_a:
            by_text[doc.text].append(i)
    unmatched_b = []
    for b in left_b:
        if by_text.get(b.text):
            i = by_text[b.text].pop(0)
            used_a.add(i)
            pairs.append(Pair(a_docs[i], b, "text"))
        else:
            unmatched_b.append(b.record_id)
    unmatched_a = [doc.record_id for i, doc in enumerate(a_docs) if i not in used_a]
    for pair in pairs:
        pair.changes = compare(pair.a.spans, pair.b.spans)
    return Diff(pairs, unmatched_a, unmatched_b, sorted(set(differing)))


def compare(a_spans: Sequence[Span], b_spans: Sequence[Span]) -> List[Change]:
    """The disagreements between two span sets of one text, each span in at most one."""
    a_left, b_left = sorted(set(a_spans) - set(b_spans)), sorted(set(b_spans) - set(a_spans))
    changes: List[Change] = []
    for a in list(a_left):
        same_edges = [b for b in b_left if (b.start, b.end) == (a.start, a.end)]
        if same_edges:
            b = same_edges[0]
            changes.append(Change("relabelled", a, b))
            a_left.remove(a)
            b_left.remove(b)
    shared = sorted(((min(a.end, b.end) - max(a.start, b.start), a, b)
                     for a in a_left for b in b_left
                     if a.label == b.label and a.start < b.end and b.start < a.end),
                    key=lambda t: (-t[0], t[1], t[2]))
    recut_a, recut_b = set(), set()
    for _, a, b in shared:
        if a not in recut_a and b not in recut_b:
            recut_a.add(a)
            recut_b.add(b)
            changes.append(Change("re-cut", a, b))
    changes += [Change("removed", a, None) for a in a_left if a not in recut_a]
    changes += [Change("added", None, b) for b in b_left if b not in recut_b]
    return sorted(changes, key=lambda c: (min(s.start for s in (c.a, c.b) if s), KINDS.index(c.kind)))


def report(diff: Diff, labels: Sequence[str]) -> dict:
    """The figures: documents, agreement per label, changes per label, and every change."""
    pairs = [(p.a.spans, p.b.spans) for p in diff.pairs]
    counts: Dict[str, Counter] = defaultdict(Counter)
    relabelled: Counter = Counter()
    for pair in diff.pairs:
        for change in pair.changes:
            counts[change.label][change.kind] += 1
            if change.kind == "relabelled":
                relabelled[f"{change.a.label} -> {change.b.label}"] += 1
    seen = {s.label for a, b in pairs for s in (*a, *b)}
    order = list(labels) + sorted(seen - set(labels))
    return {
        "documents": {"matched": len(diff.pairs), "by_id": sum(p.how == "id" for p in diff.pairs),
                      "by_text": sum(p.how == "text" for p in diff.pairs),
                      "unmatched_a": diff.unmatched_a, "unmatched_b": diff.unmatched_b,
                      "same_id_other_text": diff.differing_text},
        "spans": {"a": sum(len(a) for a, _ in pairs), "b": sum(len(b) for _, b in pairs),
                  "same": sum(len(set(a) & set(b)) for a, b in pairs)},
        "exact": summarize(exact_match(pairs), order),
        "overlap": summarize(overlap_match(pairs), order),
        "changes": {label: {kind: counts[label][kind] for kind in KINDS} for label in order},
        "relabelled": dict(sorted(relabelled.items())),
        "disagreements": [{"a_id": p.a.record_id, "b_id": p.b.record_id, **c.to_dict()}
                          for p in diff.pairs for c in p.changes],
    }


HEAD = ["label", "exact F", "overlap F", "A", "B", "same", *KINDS]


def rows(figures: dict) -> List[List[str]]:
    """The table of the text report and the page: one row per label, then all labels."""
    out = []
    for label, changes in figures["changes"].items():
        exact, overlap = figures["exact"]["per_label"][label], figures["overlap"]["per_label"][label]
        out.append([label, f"{100 * exact['f']:.1f}", f"{100 * overlap['f']:.1f}", exact["gold"],
                    exact["pred"], exact["correct"], *(changes[k] for k in KINDS)])
    total = [sum(r[i] for r in out) for i in range(3, len(HEAD))]
    out.append(["all", f"{100 * figures['exact']['f']:.1f}", f"{100 * figures['overlap']['f']:.1f}", *total])
    return out


def notes(figures: dict, a_name: str, b_name: str) -> List[str]:
    docs = figures["documents"]
    lines = [f"A = {a_name}, B = {b_name}: {docs['matched']} document(s) matched "
             f"({docs['by_id']} by id, {docs['by_text']} by text); agreement is F of B against A"]
    for side in ("a", "b"):
        ids = docs[f"unmatched_{side}"]
        if ids:
            lines.append(f"unmatched in {side.upper()}: {len(ids)} ({_some(ids)})")
    if docs["same_id_other_text"]:
        ids = docs["same_id_other_text"]
        lines.append(f"same id, other text (not matched by id): {len(ids)} ({_some(ids)})")
    if figures["relabelled"]:
        lines.append("relabelled: " + ", ".join(f"{k} {n}" for k, n in figures["relabelled"].items()))
    return lines


def _some(ids: Sequence[str], n: int = 10) -> str:
    return ", ".join(ids[:n]) + (", …" if len(ids) > n else "")


def text_report(figures: dict, a_name: str, b_name: str) -> str:
    table = [HEAD] + [[str(c) for c in row] for row in rows(figures)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEAD))]
    lines = notes(figures, a_name, b_name) + [""]
    lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
              for r in table]
    return "\n".join(lines)


def html_page(diff: Diff, figures: dict, a_name: str, b_name: str) -> str:
    return page(f"privspan diff: {a_name} / {b_name}", HEAD, rows(figures),
                notes(figures, a_name, b_name),
                (context(p, c) for p in diff.pairs for c in p.changes))


def context(pair: Pair, change: Change) -> Context:
    """The stretch of the document around a change (within its lines, CONTEXT_CHARS each
    side), with each side's spans clipped to it; the changed spans outlined."""
    text = pair.a.text
    start = min(s.start for s in (change.a, change.b) if s)
    end = max(s.end for s in (change.a, change.b) if s)
    first = max(text.rfind("\n", 0, start) + 1, start - CONTEXT_CHARS)
    last = text.find("\n", end)
    last = min(len(text) if last < 0 else last, end + CONTEXT_CHARS)
    a_spans, a_emph = _clipped(pair.a.spans, change.a, first, last)
    b_spans, b_emph = _clipped(pair.b.spans, change.b, first, last)
    if change.kind == "relabelled":
        note = f"{change.a.label} -> {change.b.label}"
    elif change.kind == "re-cut":
        note = (f"{change.a.label}: A {text[change.a.start:change.a.end]!r} "
                f"B {text[change.b.start:change.b.end]!r}")
    else:
        span = change.a or change.b
        note = f"{span.label} {text[span.start:span.end]!r}"
    return Context(pair.a.record_id, change.kind, note, text[first:last], a_spans, a_emph, b_spans, b_emph)


def _clipped(spans: Sequence[Span], changed: Optional[Span], first: int, last: int) -> Tuple[List[Span], List[int]]:
    out, emphasis = [], []
    for span in spans:
        start, end = max(span.start, first), min(span.end, last)
        if start < end:
            if span == changed:
                emphasis.append(len(out))
            out.append(Span(start - first, end - first, span.label))
    return out, emphasis
