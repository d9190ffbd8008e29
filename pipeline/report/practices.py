"""What is done with each data item: the kind of the ACTIONs in its clause (collect/use or
share/disclose, by the verbs of `data/actions.toml`), the CONTEXT spans of its sentence (its
purposes and conditions), and the third-party ACTORs of a sharing sentence (its receivers).

Labels of both schemes are read: the project's four, and CA4P-483's seven (COLLECT and SHARE
are ACTIONs, PURPOSE and CONDITION CONTEXTs, RECEIVER a receiver whatever the sentence).
"""
from __future__ import annotations

import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..records import Span
from ..schema import CA4P_TO_PROJECT, CA4P_CLASSES
from .categories import normalise

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "actions.toml"
COLLECT, SHARE = "collect", "share"
KINDS = (COLLECT, SHARE)
SENTENCE_ENDS = frozenset("。！？!?；;\n")
CLAUSE_ENDS = SENTENCE_ENDS | frozenset("，,：:")
RECEIVER = "RECEIVER"
# label -> role: the project's labels are their own role; CA4P-483's map as the schema says.
ROLES: Dict[str, str] = {label: project or label for label, project in
                         ((CA4P_CLASSES[c], CA4P_TO_PROJECT[c]) for c in CA4P_CLASSES)}


def role(label: str) -> str:
    return ROLES.get(label, label)


@dataclass(frozen=True)
class Verbs:
    """The verb lists of an actions file."""

    verbs: Dict[str, str]  # verb -> kind
    user_verbs: frozenset
    user_subjects: Tuple[str, ...]
    to_markers: Tuple[str, ...]
    own_actors: frozenset

    def verb(self, text: str) -> Optional[str]:
        """The verb of `text` that ends last, then the longest."""
        best = None
        for verb in self.verbs:
            at = text.rfind(verb)
            if at != -1:
                key = (at + len(verb), len(verb))
                if best is None or key > best[0]:
                    best = (key, verb)
        return best[1] if best else None


@lru_cache(maxsize=4)
def load_verbs(path: Path = DATA_FILE) -> Verbs:
    table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    verbs: Dict[str, str] = {}
    for kind in KINDS:
        for verb in table[kind]:
            verbs.setdefault(verb, kind)  # a verb in both lists keeps the first (collect)
    return Verbs(verbs, frozenset(table.get("user_verbs", [])), tuple(table.get("user_subjects", [])),
                 tuple(table.get("to_markers", [])), frozenset(normalise(a) for a in table.get("own_actors", [])))


def action_kind(text: str, span: Span, clause_start: int, verbs: Verbs) -> Optional[str]:
    """The kind of an ACTION span: its verb's, or collect when the verb is the user's giving
    (您填写, 您提供) with the user named before it in the clause and no 向/给 between."""
    words = text[span.start:span.end]
    verb = verbs.verb(words)
    if verb is None:
        return None
    if verb in verbs.user_verbs:
        before = text[clause_start:span.start + words.rfind(verb)]
        subject = max((before.rfind(s) for s in verbs.user_subjects), default=-1)
        if subject != -1 and not any(m in before[subject:] for m in verbs.to_markers):
            return COLLECT
    return verbs.verbs[verb]


@dataclass
class Segments:
    """The sentences and clauses of a text, as sorted start offsets; a boundary character
    inside a DATA span or a parenthesis ends nothing."""

    sentences: List[int]
    clauses: List[int]

    def sentence(self, offset: int) -> int:
        return bisect_right(self.sentences, offset) - 1

    def clause(self, offset: int) -> int:
        return bisect_right(self.clauses, offset) - 1


def segments(text: str, spans: Sequence[Span]) -> Segments:
    inside = bytearray(len(text) + 1)
    for span in spans:
        if role(span.label) == "DATA":
            inside[span.start:span.end] = b"\x01" * (span.end - span.start)
    sentences, clauses, depth = [0], [0], 0
    for i, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char == "\n":
            depth = 0
        if inside[i] or (depth and char != "\n"):
            continue
        if char in SENTENCE_ENDS:
            sentences.append(i + 1)
        if char in CLAUSE_ENDS:
            clauses.append(i + 1)
    return Segments(sentences, clauses)


@dataclass
class Practice:
    """What the rule finds for one stretch of text (an item or a DATA span)."""

    actions: List[Tuple[Span, Optional[str]]]  # the ACTION spans of its clause and their kinds
    purposes: List[Span]  # the CONTEXT spans of its sentence
    receivers: List[Span]  # third-party ACTORs of a sharing sentence, and RECEIVERs
    sentence: int
    handled: bool = True  # whether its sentence holds an ACTION span at all

    @property
    def kinds(self) -> List[str]:
        return [k for k in KINDS if any(kind == k for _, kind in self.actions)]


class Practices:
    """The rule over one policy: `at(start)` is the practice of what starts at that offset."""

    def __init__(self, text: str, spans: Sequence[Span], verbs: Optional[Verbs] = None) -> None:
        self.text = text
        self.verbs = verbs or load_verbs()
        self.segments = segments(text, spans)
        seg = self.segments
        self.by_clause: Dict[int, List[Tuple[Span, Optional[str]]]] = {}
        self.by_sentence: Dict[int, List[Span]] = {}
        self.actors: Dict[int, List[Span]] = {}
        self.sharing: set = set()
        self.acted: set = set()  # sentences with an ACTION
        for span in sorted(spans):
            kind = role(span.label)
            if kind == "ACTION":
                self.acted.add(seg.sentence(span.start))
                clause = seg.clause(span.start)
                action = action_kind(text, span, seg.clauses[clause], self.verbs)
                self.by_clause.setdefault(clause, []).append((span, action))
                if action == SHARE:
                    self.sharing.add(seg.sentence(span.start))
            elif kind == "CONTEXT":
                self.by_sentence.setdefault(seg.sentence(span.start), []).append(span)
            elif kind in ("ACTOR", RECEIVER):
                self.actors.setdefault(seg.sentence(span.start), []).append(span)

    def at(self, start: int) -> Practice:
        seg = self.segments
        sentence = seg.sentence(start)
        receivers = [a for a in self.actors.get(sentence, [])
                     if a.label == RECEIVER or (sentence in self.sharing and self.third_party(a))]
        return Practice(self.by_clause.get(seg.clause(start), []), self.by_sentence.get(sentence, []),
                        receivers, sentence, sentence in self.acted)

    def third_party(self, actor: Span) -> bool:
        return normalise(self.text[actor.start:actor.end]).strip("“”\"") not in self.verbs.own_actors
