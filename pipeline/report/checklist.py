"""The disclosure checklist (data/checklist.toml): per policy and item, `present`, `vague` or
`missing`, with the evidence sentences. The table says how each item is decided; this module
only applies it to a policy's sentences, their topics and its DATA spans."""
from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from ..components.sentences import ENDS
from ..records import Document, Span
from ..schema import TOPICS

TABLE = Path(__file__).parents[1] / "data" / "checklist.toml"
STATUSES = ("present", "vague", "missing")
MAX_EVIDENCE = 8  # sentences kept per item: enough to check a decision, short on the page
_SENTENCE = re.compile(rf"[^{ENDS}\n]+[{ENDS}]*")  # the rule of components/sentences.py, on characters
_TOPICS = frozenset(TOPICS)


@dataclass(frozen=True)
class Rule:
    """One checklist item as the table states it, its regexes compiled."""

    id: str
    title: str
    english: str
    source: str
    law: str
    topics: FrozenSet[str]
    about: re.Pattern
    concrete: Tuple[re.Pattern, ...]
    with_data: bool
    open: Optional[re.Pattern]
    needs: int
    window: int  # sentences after the evidence where its concrete part may stand
    topic_score: Optional[float]  # the item's own score for its topics; None: the table's


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    topics: Tuple[Tuple[str, float], ...]  # (topic, score); gold's score 1; none where read without topics

    def on(self, topics: FrozenSet[str], min_score: float) -> bool:
        """Whether the sentence has one of these topics at `min_score` or more."""
        return any(label in topics and score >= min_score for label, score in self.topics)


@dataclass(frozen=True)
class Checklist:
    """The table's rules, applied to a policy by calling it."""

    rules: Tuple[Rule, ...]
    data_words: re.Pattern
    decide_by: str  # "words": every sentence is a candidate; "topics": those of the item's topics
    topic_score: float  # a classifier's topic counts from this score on

    @classmethod
    def load(cls, path: Path = TABLE) -> "Checklist":
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        shared = {name: table[name] for name in ("contact", "how", "data_words")}
        expand = lambda pattern: re.compile(re.sub(r"\{(\w+)\}", lambda m: shared[m.group(1)], pattern))
        rules = []
        for row in table["items"]:
            unknown = set(row["topics"]) - _TOPICS
            if unknown:
                raise ValueError(f"{path}: item {row['id']}: not a topic: {', '.join(sorted(unknown))}")
            rules.append(Rule(row["id"], row["title"], row["english"], row["source"], row["law"],
                              frozenset(row["topics"]), expand(row["about"]),
                              tuple(expand(p) for p in row.get("concrete", [])), row.get("with_data", False),
                              expand(row["open"]) if "open" in row else None, row.get("needs", 1),
                              row.get("window", 0), row.get("topic_score")))
        if table["decide_by"] not in ("words", "topics"):
            raise ValueError(f"{path}: decide_by {table['decide_by']!r} is neither \"words\" nor \"topics\"")
        return cls(tuple(rules), expand(shared["data_words"]), table["decide_by"], table["topic_score"])

    def __call__(self, policy: Document) -> dict:
        """`{"checklist": [{"item", "status", "evidence": [[start, end], …]}], "checklist_from":
        "topics" | "text"}`: the items in the table's order, and whether the sentences' topics
        chose the candidates or every sentence of the text was one."""
        if self.decide_by == "words":
            policy = replace(policy, topics=None, spans=[s for s in policy.spans if s.label not in _TOPICS])
        found, with_topics = sentences(policy)
        data_starts = sorted(s.start for s in policy.spans if s.label == "DATA")
        return {"checklist": [decide(rule, policy.text, found, with_topics, data_starts, self.data_words,
                                     self.topic_score if rule.topic_score is None else rule.topic_score)
                              for rule in self.rules],
                "checklist_from": "topics" if with_topics else "text"}


def sentences(policy: Document) -> Tuple[List[Sentence], bool]:
    """The policy's sentences with their topics and scores, and whether it has topics at all:
    the pipeline's (`topics`) or gold's (spans labelled with a topic, scored 1). Without, every
    sentence of the text, cut as the sentence classifier cuts it."""
    labelled: Dict[Tuple[int, int], dict] = {}
    pairs = (list(policy.topics.items()) if policy.topics is not None
             else [(s, 1.0) for s in policy.spans if s.label in _TOPICS])
    for span, score in pairs:
        labelled.setdefault((span.start, span.end), {})[span.label] = score
    if policy.topics is not None or labelled:
        return [Sentence(s, e, tuple(sorted(labels.items()))) for (s, e), labels in sorted(labelled.items())], True
    found = []
    for match in _SENTENCE.finditer(policy.text):
        start, end = match.span()
        while start < end and policy.text[start].isspace():
            start += 1
        while end > start and policy.text[end - 1].isspace():
            end -= 1
        if end > start:
            found.append(Sentence(start, end, ()))
    return found, False


def decide(rule: Rule, text: str, found: Sequence[Sentence], with_topics: bool, data_starts: List[int],
           data_words: re.Pattern, topic_score: float = 0.0) -> dict:
    """One item's status and evidence, from the policy's sentences (`data_starts`: where its
    DATA spans start, sorted; a topic counts from `topic_score` on; see data/checklist.toml)."""
    evidence: List[Sentence] = []
    concrete: List[Sentence] = []
    counted = 0
    for n, sentence in enumerate(found):
        if with_topics and not sentence.on(rule.topics, topic_score):
            continue
        words = text[sentence.start:sentence.end]
        if not rule.about.search(words):
            continue
        evidence.append(sentence)
        after = found[n + rule.window].end if rule.window and n + rule.window < len(found) else sentence.end
        if not all(p.search(text[sentence.start:max(after, sentence.end)]) for p in rule.concrete):
            continue
        if rule.with_data and not (_has_span(data_starts, sentence) or data_words.search(words)):
            continue
        concrete.append(sentence)
        counted += not (rule.open and rule.open.search(words))
    status = "present" if counted >= rule.needs else "vague" if evidence else "missing"
    shown = concrete if status == "present" else concrete + [s for s in evidence if s not in concrete]
    return {"item": rule.id, "status": status, "evidence": [[s.start, s.end] for s in shown[:MAX_EVIDENCE]]}


def _has_span(starts: List[int], sentence: Sentence) -> bool:
    i = bisect_left(starts, sentence.start)
    return i < len(starts) and starts[i] < sentence.end


def without_topics(policy: Document, topics: FrozenSet[str]) -> Document:
    """Gold of CAPP-130 (a sentence a line, its topics spans over it) with every sentence of
    these topics deleted, the rest kept in order: the checklist's ablation."""
    labels: Dict[int, set] = {}
    for span in policy.spans:
        labels.setdefault(span.start, set()).add(span.label)
    kept, spans, offset, start = [], [], 0, 0
    for line in policy.text.split("\n"):
        own = labels.get(start, set())
        start += len(line) + 1
        if own & topics:
            continue
        kept.append(line)
        spans.extend(Span(offset, offset + len(line), label) for label in sorted(own))
        offset += len(line) + 1
    return Document(policy.id, "\n".join(kept), spans, source=policy.source, where=policy.where)
