"""A lexicon of data items from gold (the training split), looked for in a policy's text
where the tagger marked nothing: the report's own span ruler (`privspan report --lexicon`).

An entry is an item of the gold's DATA spans (split as the report splits them) that is in a
category of the table (neither generic nor other), at least two characters long, and named
by at least `min_policies` gold policies. A match counts only in a sentence where the tagger
found an ACTION (gold marks DATA in statements of a practice, not in headings, tables of
contents or lists of forbidden content), must not touch a DATA span already there, and a
Latin entry (imei) must not be part of a longer Latin word.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import List, Sequence

from ..records import Span
from .categories import GENERIC, OTHER, Categories
from .items import Options, items_of
from .practices import role, segments
from .sources import Policy


@dataclass
class Lexicon:
    entries: List[str]
    pattern: "re.Pattern[str] | None"

    def spans(self, text: str, spans: Sequence[Span]) -> List[Span]:
        """DATA spans for the entries found in `text` outside every DATA span there."""
        if self.pattern is None:
            return []
        taken = sorted((s.start, s.end) for s in spans if role(s.label) == "DATA")
        sentences = segments(text, spans)
        practices = {sentences.sentence(s.start) for s in spans if role(s.label) == "ACTION"}
        found = []
        for match in self.pattern.finditer(text):
            start, end = match.span()
            if sentences.sentence(start) in practices and not any(a < end and start < b for a, b in taken):
                found.append(Span(start, end, "DATA"))
        return found


def build_lexicon(gold: Sequence[Policy], categories: Categories, min_policies: int = 2) -> Lexicon:
    named: Counter = Counter()
    shown = {}
    for policy in gold:
        own = set()
        for item in items_of(policy.text, policy.spans, categories, Options()):
            text = categories.display(item.text).strip()
            key = categories.core(text)
            if len(key) < 2 or categories.assign(text)[0] in (GENERIC, OTHER):
                continue
            own.add(key)
            shown.setdefault(key, text)
        named.update(own)
    entries = sorted((shown[k] for k, n in named.items() if n >= min_policies), key=len, reverse=True)
    if not entries:
        return Lexicon([], None)
    alternatives = []
    for entry in entries:
        piece = re.escape(entry).replace(r"\ ", r"\s*")
        if entry[0].isascii() and entry[0].isalnum():
            piece = r"(?<![A-Za-z])" + piece
        if entry[-1].isascii() and entry[-1].isalnum():
            piece += r"(?![A-Za-z])"
        alternatives.append(piece)
    return Lexicon(entries, re.compile("|".join(alternatives), re.IGNORECASE))


def with_lexicon(policies: Sequence[Policy], lexicon: Lexicon) -> List[Policy]:
    return [Policy(p.id, p.text, sorted(p.spans + lexicon.spans(p.text, p.spans)), p.source) for p in policies]
