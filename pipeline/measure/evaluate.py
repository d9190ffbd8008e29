"""Score a pipeline's predicted spans against gold at character offsets.

`spacy evaluate` scores on tokens; this scores the characters an annotator marked, so a
gold span whose edges cut a token stays as marked and counts against the model (it is
also counted apart as unreachable by exact match). `.spacy` files built by `privspan
corpus` keep the annotated offsets in `user_data["gold_chars"]` for this reason.

`--trim-edges` also scores exact match with the edge words whose inclusion the train
split's annotators disagree on (`为了` in `{为了…}` and `为了{…}`) cut from both sides: how
much of the exact-match loss is which convention a policy's annotators followed.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.language import Language
from spacy.scorer import PRFScore
from spacy.tokens import Doc

from ..formats.docbin import read_docbin
from ..records import Span, Unit

NONE = "(none)"  # confusion column: no prediction at the gold span's edges

# (gold spans, predicted spans) of one unit
Pair = Tuple[Sequence[Span], Sequence[Span]]
# (label, "start" or "end") -> words that the label's gold edges both take in and leave out
EdgeWords = Dict[Tuple[str, str], Set[str]]


@dataclass
class Match:
    """P counted over predictions, R over gold spans.

    Overlap matching needs the two sides apart: one prediction may overlap two gold spans,
    so "correct predictions" and "found gold spans" differ. For exact matching they are
    one and the same PRFScore.
    """

    by_pred: PRFScore  # tp: predictions that match; fp: the rest
    by_gold: PRFScore  # tp: gold spans matched; fn: the rest

    @property
    def p(self) -> float:
        return self.by_pred.precision

    @property
    def r(self) -> float:
        return self.by_gold.recall

    @property
    def f(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r + 1e-100)  # as PRFScore.fscore

    def __add__(self, other: "Match") -> "Match":
        return Match(self.by_pred + other.by_pred, self.by_gold + other.by_gold)

    def to_dict(self) -> dict:
        return {"p": self.p, "r": self.r, "f": self.f,
                "gold": self.by_gold.tp + self.by_gold.fn,
                "pred": self.by_pred.tp + self.by_pred.fp,
                "correct": self.by_gold.tp, "pred_correct": self.by_pred.tp}


def _by_label(spans: Iterable[Span]) -> Dict[str, Set[Span]]:
    out: Dict[str, Set[Span]] = defaultdict(set)
    for span in spans:
        out[span.label].add(span)
    return out


def exact_match(pairs: Sequence[Pair]) -> Dict[str, Match]:
    """Per label: a prediction is correct when a gold span has its label and both edges.

    Spans are compared as sets per unit, so a duplicated span counts once.
    """
    scores: Dict[str, PRFScore] = defaultdict(PRFScore)
    for gold, pred in pairs:
        gold_sets, pred_sets = _by_label(gold), _by_label(pred)
        for label in gold_sets.keys() | pred_sets.keys():
            scores[label].score_set(pred_sets.get(label, set()), gold_sets.get(label, set()))
    return {label: Match(score, score) for label, score in scores.items()}


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def overlap_match(pairs: Sequence[Pair]) -> Dict[str, Match]:
    """Per label: P = predictions overlapping some same-label gold span / predictions;
    R = gold spans overlapped by some same-label prediction / gold spans.

    Overlap means sharing at least one character.
    """
    scores: Dict[str, Match] = defaultdict(lambda: Match(PRFScore(), PRFScore()))
    for gold, pred in pairs:
        gold_sets, pred_sets = _by_label(gold), _by_label(pred)
        for label in gold_sets.keys() | pred_sets.keys():
            golds, preds = gold_sets.get(label, set()), pred_sets.get(label, set())
            hit_preds = sum(any(_overlaps(p, g) for g in golds) for p in preds)
            hit_golds = sum(any(_overlaps(g, p) for p in preds) for g in golds)
            scores[label] += Match(PRFScore(tp=hit_preds, fp=len(preds) - hit_preds),
                                   PRFScore(tp=hit_golds, fn=len(golds) - hit_golds))
    return dict(scores)


def confusion(pairs: Sequence[Pair]) -> Dict[str, Dict[str, int]]:
    """{gold label: {predicted label: n}} over gold spans and predictions with identical edges.

    Each gold span adds one count per label predicted at its edges (spancat may predict
    several), or one count to NONE when nothing was predicted there. Predictions at edges
    without any gold span are not in the table.
    """
    table: Dict[str, Counter] = defaultdict(Counter)
    for gold, pred in pairs:
        at_edges: Dict[Tuple[int, int], Set[str]] = defaultdict(set)
        for span in pred:
            at_edges[span.start, span.end].add(span.label)
        for span in set(gold):
            table[span.label].update(at_edges.get((span.start, span.end)) or {NONE})
    # sorted: a set's order of strings changes from run to run, and so would the JSON
    return {label: dict(sorted(table[label].items(), key=lambda item: (item[0] == NONE, item[0])))
            for label in sorted(table)}


def trim_edges(spans: Iterable[Span], doc: Doc, words: EdgeWords) -> List[Span]:
    """The spans without the words at their edges whose inclusion annotators disagree on.

    `{为了向您提供服务}` and `为了{向您提供服务}` both become `向您提供服务` when `为了` is a
    varying start word of their label, so exact match no longer depends on which
    convention a policy's annotators followed. A span never loses its last word.
    """
    at_start = {token.idx: token for token in doc}
    at_end = {token.idx + len(token.text): token for token in doc}
    trimmed = []
    for span in spans:
        start, end = span.start, span.end
        starting = words.get((span.label, "start"), set())
        ending = words.get((span.label, "end"), set())
        while start in at_start and at_start[start].text in starting and \
                at_start[start].idx + len(at_start[start].text) < end:
            start = doc[at_start[start].i + 1].idx
        while end in at_end and at_end[end].text in ending and at_end[end].idx > start:
            before = doc[at_end[end].i - 1]
            end = before.idx + len(before.text)
        trimmed.append(Span(start, end, span.label))
    return trimmed


def _ordered(labels: Sequence[str], seen: Iterable[str]) -> List[str]:
    return list(labels) + sorted(set(seen) - set(labels))


def summarize(matches: Dict[str, Match], labels: Sequence[str]) -> dict:
    """Micro-averaged P/R/F over all labels, and each label's scores and counts."""
    empty = Match(PRFScore(), PRFScore())
    total = sum(matches.values(), empty)
    per_label = {label: matches.get(label, empty).to_dict() for label in _ordered(labels, matches)}
    return {"p": total.p, "r": total.r, "f": total.f, "per_label": per_label}


def score(pairs: Sequence[Pair], labels: Sequence[str], scope: str) -> dict:
    """The whole report for already scoped (gold, pred) pairs."""
    return {
        "scope": scope,
        "units": len(pairs),
        "exact": summarize(exact_match(pairs), labels),
        "overlap": summarize(overlap_match(pairs), labels),
        "confusion": confusion(pairs),
    }


def spans_component(nlp: Language) -> Tuple[str, List[str]]:
    """The spans key and labels of the pipeline's span categorizer."""
    from ..annotation.load import span_categorizer

    spancat = span_categorizer(nlp)
    return spancat.key, list(spancat.labels)


def predict(nlp: Language, units: Sequence[Unit], batch_size: int = 64,
            edge_words: Optional[EdgeWords] = None) -> Tuple[List[List[Span]], Counter, List[Pair]]:
    """The spans `annotate` finds in each unit (the pipeline's, as its decoder settles them),
    per label the gold spans not on the model's token edges, and with `edge_words` each
    unit's (gold, predicted) spans with those words trimmed.

    The model only ever predicts token spans, so such a gold span cannot be matched exactly.
    """
    from ..annotation.predict import annotate
    from ..records import Document

    texts = (Document(unit.id, unit.text, where=unit.id) for unit in units)
    predictions = [result.spans for result in annotate(nlp, texts, batch_size=batch_size)]
    unaligned: Counter = Counter()
    trimmed: List[Pair] = []
    for unit, spans, doc in zip(units, predictions, nlp.tokenizer.pipe(u.text for u in units)):
        unaligned.update(g.label for g in unit.spans if doc.char_span(g.start, g.end) is None)
        if edge_words is not None:
            trimmed.append((trim_edges(unit.spans, doc, edge_words), trim_edges(spans, doc, edge_words)))
    return predictions, unaligned, trimmed


def evaluate(nlp: Language, units: Sequence[Unit], labels: Sequence[str], all_units: bool = False,
             edge_words: Optional[EdgeWords] = None) -> dict:
    """Predict on the units' texts and score against their gold spans.

    Unless `all_units`, only units with gold spans are scored: annotators marked
    data-access sentences only, so an unannotated unit is no proof that it has no spans.
    With `edge_words`, exact match is also scored with those words trimmed from the edges
    of gold and predicted spans alike (`trim_edges`).
    """
    scoped = list(units) if all_units else [u for u in units if u.spans]
    predictions, unaligned, trimmed = predict(nlp, scoped, edge_words=edge_words)
    report = score([(u.spans, p) for u, p in zip(scoped, predictions)], labels,
                   "all-units" if all_units else "annotated-units")
    report["decoding"] = decoding(nlp)
    report["unaligned_gold"] = {label: unaligned[label] for label in _ordered(labels, unaligned)}
    if edge_words is not None:
        report["exact_edges_trimmed"] = summarize(exact_match(trimmed), labels)
        report["trimmed_edge_words"] = {f"{label} {side}": sorted(words)
                                        for (label, side), words in sorted(edge_words.items()) if words}
    return report


def decoding(nlp: Language) -> str:
    """How the pipeline's decoder settles its spans, as the report names it."""
    for name in nlp.pipe_names:
        block = nlp.config["components"][name]
        if block.get("factory") == "privspan_decoder":
            return ("flat" if block["flat"] else "spans") + (
                f", cut at {block['cut_at']}" if block["cut_at"] else "")
    return "spans"


def format_report(report: dict, markdown: bool = False) -> str:
    """Per-label exact and overlap scores and the confusion table, as text or markdown."""
    head = ["label", "exact P", "exact R", "exact F", "overlap P", "overlap R", "overlap F",
            "gold", "pred", "exact", "unaligned"]
    rows = []
    for label, exact in report["exact"]["per_label"].items():
        overlap = report["overlap"]["per_label"][label]
        rows.append([label, *_pct(exact), *_pct(overlap), exact["gold"], exact["pred"],
                     exact["correct"], report["unaligned_gold"].get(label, 0)])
    totals = {name: sum(row[i] for row in rows) for i, name in ((7, "gold"), (8, "pred"), (9, "correct"))}
    rows.append(["micro", *_pct(report["exact"]), *_pct(report["overlap"]), totals["gold"],
                 totals["pred"], totals["correct"], sum(report["unaligned_gold"].values())])
    labels = list(report["exact"]["per_label"])
    matrix_head = ["gold \\ pred", *labels, NONE]
    matrix = [[gold, *(report["confusion"].get(gold, {}).get(pred, 0) for pred in matrix_head[1:])]
              for gold in labels if gold in report["confusion"]]
    lines = [f"scope: {report['scope']}, {report['units']} unit(s), {report['decoding']} decoding; "
             "unaligned = gold spans not on token edges (exact match impossible)", "",
             *_table(head, rows, markdown), "",
             "confusion at identical edges (rows gold, columns predicted):", "",
             *_table(matrix_head, matrix, markdown)]
    if "exact_edges_trimmed" in report:
        trimmed = report["exact_edges_trimmed"]
        words = sum(len(w) for w in report["trimmed_edge_words"].values())
        lines += ["", f"exact match with the {words} edge word(s) whose inclusion varies in the "
                  "given gold trimmed from gold and predicted spans:", "",
                  *_table(["label", "exact P", "exact R", "exact F"],
                          [[label, *_pct(row)] for label, row in trimmed["per_label"].items()]
                          + [["micro", *_pct(trimmed)]], markdown)]
    return "\n".join(lines)


def _pct(scores: dict) -> List[str]:
    return [f"{100 * scores[k]:.2f}" for k in ("p", "r", "f")]


def _table(head: List[str], rows: List[list], markdown: bool) -> List[str]:
    cells = [head] + [[str(c) for c in row] for row in rows]
    if markdown:
        return ["| " + " | ".join(r) + " |" for r in cells[:1]] + \
            ["|" + "|".join(["---"] + ["--:"] * (len(head) - 1)) + "|"] + \
            ["| " + " | ".join(r) + " |" for r in cells[1:]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
            for r in cells]


def varying_edge_words(nlp: Language, corpora: Sequence[str], labels: Sequence[str]) -> EdgeWords:
    """The words each label's gold edges in `corpora` (.spacy files of `privspan corpus`)
    both take in and leave out, as `privspan agreement` finds them."""
    from .agreement import edge_agreement

    docs = [doc for path in corpora for doc in read_docbin(Path(path), nlp.vocab)]
    return {key: set(result.words) for key, result in edge_agreement(docs, labels).items()}
