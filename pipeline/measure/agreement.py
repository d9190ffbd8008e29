"""Annotation agreement: is a recurring gold text marked alike within a policy and across
policies?

A model sees only the text. If one policy's annotators mark a phrase wherever it occurs
and another's never do, the text cannot tell a model which to do, and that caps its
score. Measured by leave-one-out: every occurrence of a text marked at least `min_count`
times is predicted "marked" when most of the text's other occurrences are marked,
counting once only the other occurrences in the same policy and once only those in other
policies. The gap between the two F scores is how much marking depends on the policy.

Occurrences inside a longer marked span count as unmarked, so agreement across policies
is if anything understated for texts that are often part of longer spans.

The same is measured for where spans begin and end (`edge_agreement`): whether a span
takes in a word next to its edge, such as `为了` or `时` for CONTEXT, which exact-match
scores count as wholly wrong when it differs from the gold.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Sequence, Set, Tuple

from spacy.tokens import Doc


@dataclass
class Agreement:
    label: str
    texts: int = 0  # gold texts marked at least min_count times
    occurrences: int = 0  # their occurrences judged by both predictors
    # (true positives, false positives, false negatives) of each predictor
    within: List[int] = field(default_factory=lambda: [0, 0, 0])
    across: List[int] = field(default_factory=lambda: [0, 0, 0])

    @property
    def within_f(self) -> float:
        return _f1(*self.within)

    @property
    def across_f(self) -> float:
        return _f1(*self.across)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


_Unit = Tuple[str, str, Set[Tuple[int, int]]]  # text, policy, marked (start, end) of the label


def marking_agreement(docs: Iterable[Doc], labels: Sequence[str], min_count: int = 3) -> Dict[str, Agreement]:
    """Leave-one-out agreement per label over docs with `gold_chars` and `doc_id` in user_data
    (as `privspan corpus` writes them); only paragraphs that hold gold spans count, each
    text once per policy."""
    kept = _distinct_annotated(docs)
    index = _bigram_index([doc.text for doc in kept])
    results = {}
    for label in labels:
        units: List[_Unit] = [
            (doc.text, doc.user_data["doc_id"],
             {(start, end) for start, end, gold in doc.user_data["gold_chars"] if gold == label})
            for doc in kept
        ]
        results[label] = _agreement(label, units, index, min_count)
    return results


def _distinct_annotated(docs: Iterable[Doc]) -> List[Doc]:
    seen: Set[Tuple[str, str]] = set()
    kept: List[Doc] = []
    for doc in docs:
        # A paragraph a policy repeats word for word would only agree with itself.
        key = (doc.user_data.get("doc_id"), doc.text)
        if doc.user_data.get("gold_chars") and key not in seen:
            seen.add(key)
            kept.append(doc)
    return kept


def _bigram_index(texts: Sequence[str]) -> Dict[str, List[int]]:
    # Searching every paragraph for every recurring text took minutes on CA4P-483; a
    # text can only occur where each of its character pairs does.
    index: Dict[str, List[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        for bigram in {text[j:j + 2] for j in range(len(text) - 1)}:
            index[bigram].append(i)
    return index


def _agreement(label: str, units: Sequence[_Unit], index: Dict[str, List[int]], min_count: int) -> Agreement:
    counts = Counter(text[start:end] for text, _, marked in units for start, end in marked)
    recurring = [text for text, n in counts.items() if n >= min_count and len(text) >= 2]
    result = Agreement(label, texts=len(recurring))
    for phrase in recurring:
        # policy -> [marked occurrences, occurrences]
        tallies: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        where = min((index.get(phrase[j:j + 2], []) for j in range(len(phrase) - 1)), key=len)
        for i in where:
            text, policy, marked = units[i]
            start = text.find(phrase)
            while start >= 0:
                tally = tallies[policy]
                tally[0] += (start, start + len(phrase)) in marked
                tally[1] += 1
                start = text.find(phrase, start + 1)
        for gold, n, within, across in _leave_one_out(tallies.values()):
            result.occurrences += n
            _tally(result.within, gold, *within, n)
            _tally(result.across, gold, *across, n)
    return result


def _leave_one_out(tallies: Iterable[Sequence[int]]) -> Iterator[Tuple[bool, int, Tuple[int, int], Tuple[int, int]]]:
    """From each policy's (marked, seen) tally of one text or word: gold, how many
    occurrences have it, and (marked, seen) among the policy's other occurrences and among
    the other policies'."""
    rows = list(tallies)
    all_marked = sum(marked for marked, _ in rows)
    all_seen = sum(seen for _, seen in rows)
    for marked, seen in rows:
        if seen < 2 or seen == all_seen:
            continue  # one of the two predictors would have nothing to go on
        for gold, n in ((True, marked), (False, seen - marked)):
            yield gold, n, (marked - gold, seen - 1), (all_marked - marked, all_seen - seen)


def _tally(counts: List[int], gold: bool, others_marked: int, others: int, n: int) -> None:
    predicted = 2 * others_marked > others
    if predicted:
        counts[0 if gold else 1] += n
    elif gold:
        counts[2] += n


@dataclass
class EdgeAgreement:
    """Whether a label's spans take in a word at one edge (`side` "start" or "end")."""

    label: str
    side: str
    words: List[str] = field(default_factory=list)  # most frequent first
    edges: int = 0  # edges judged by both predictors
    within: float = 0.0  # edges the same policy's other edges predict right
    across: float = 0.0  # edges the other policies' edges predict right

    @property
    def within_accuracy(self) -> float:
        return self.within / self.edges if self.edges else 0.0

    @property
    def across_accuracy(self) -> float:
        return self.across / self.edges if self.edges else 0.0


def edge_agreement(docs: Iterable[Doc], labels: Sequence[str], min_count: int = 3) -> Dict[Tuple[str, str], EdgeAgreement]:
    """Leave-one-out agreement on where spans begin and end, per label and side.

    A span's start takes in a word (`为了` in `{为了向您提供服务}`) or leaves it just
    outside (`为了{向您提供服务}`); likewise its end (`{...时}` or `{...}时`). For each
    token text found at least `min_count` times each way, every such edge is predicted
    from the word's other edges of that label in the same policy, and in other policies, by
    majority (a tie counts half right). Docs as for `marking_agreement`, tokenized.
    """
    # (label, side) -> word -> policy -> [edges that take the word in, edges]
    tallies: Dict[Tuple[str, str], Dict[str, Dict[str, List[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    for doc in _distinct_annotated(docs):
        # Punctuation at an edge is a slip, not a convention, and almost always left out,
        # which would flatter both predictors alike.
        words = [token for token in doc if not (token.is_punct or token.is_space)]
        starting = {token.idx: token.text for token in words}
        ending = {token.idx + len(token.text): token.text for token in words}
        for start, end, label in doc.user_data["gold_chars"]:
            for side, edge, inside, outside in (("start", start, starting, ending),
                                                ("end", end, ending, starting)):
                for word, taken in ((inside.get(edge), 1), (outside.get(edge), 0)):
                    if word is not None:
                        tally = tallies[(label, side)][word][doc.user_data["doc_id"]]
                        tally[0] += taken
                        tally[1] += 1
    return {(label, side): _edge_agreement(label, side, tallies[(label, side)], min_count)
            for label in labels for side in ("start", "end")}


def _edge_agreement(label: str, side: str, tallies: Dict[str, Dict[str, List[int]]],
                    min_count: int) -> EdgeAgreement:
    result = EdgeAgreement(label, side)
    totals = {word: [sum(t[0] for t in by_policy.values()), sum(t[1] for t in by_policy.values())]
              for word, by_policy in tallies.items()}
    varying = [word for word, (taken, n) in totals.items() if min(taken, n - taken) >= min_count]
    result.words = sorted(varying, key=lambda word: -totals[word][1])
    for word in result.words:
        for gold, count, within, across in _leave_one_out(tallies[word].values()):
            result.edges += count
            result.within += count * _right(gold, *within)
            result.across += count * _right(gold, *across)
    return result


def _right(gold: bool, others_taken: int, others: int) -> float:
    if 2 * others_taken == others:
        return 0.5
    return float((2 * others_taken > others) == gold)
