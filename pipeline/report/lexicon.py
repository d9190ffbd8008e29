"""A lexicon of data items from gold (the training split), looked for in a policy's text
where the tagger marked nothing: the report's own span ruler (`privspan report --lexicon`).

An entry is an item of the gold's DATA spans (split as the report splits them) that is in a
category of the table (neither generic nor other), at least two characters long, and named
by at least `min_policies` gold policies; and marked: of its occurrences in the gold texts'
sentences with an ACTION, a share of at least `min_marked` lies inside a DATA span (so 注册,
存储 or 设置, DATA in a few policies and a verb or a menu in most, stay out). A match counts
only in a sentence where the tagger found an ACTION (gold marks DATA in statements of a practice, not in headings, tables of
contents or lists of forbidden content), must not touch a DATA span already there, and a
Latin entry (imei) must not be part of a longer Latin word.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import List, Sequence

from ..records import Document, Span
from .categories import GENERIC, OTHER, Categories
from .items import Options, items_of
from .practices import role, segments


@dataclass
class Lexicon:
    entries: List[str]
    pattern: "re.Pattern[str] | None"

    def spans(self, text: str, spans: Sequence[Span]) -> List[Span]:
        """DATA spans for the entries found in `text` outside every DATA span there."""
        actions = [s for s in spans if role(s.label) == "ACTION"]
        if self.pattern is None or not actions:
            return []
        taken = sorted((s.start, s.end) for s in spans if role(s.label) == "DATA")
        sentences = segments(text, spans)
        bounds = sentences.sentences + [len(text)]
        found: List[Span] = []
        # only the sentences with an ACTION are searched: a pattern of some 900 entries costs
        # the pipeline a sixth of its time when it runs over every text (privspan benchmark)
        for k in sorted({sentences.sentence(s.start) for s in actions}):
            # no entry holds a sentence end, so none runs across the sentence's bound
            for match in self.pattern.finditer(text, bounds[k], bounds[k + 1]):
                start, end = match.span()
                if not any(a < end and start < b for a, b in taken):
                    found.append(Span(start, end, "DATA"))
        return found


def build_lexicon(gold: Sequence[Document], categories: Categories, min_policies: int = 2,
                  min_marked: float = 0.0) -> Lexicon:
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
    entries = sorted((shown[k] for k, n in named.items() if n >= min_policies), key=lambda e: (-len(e), e))
    if min_marked > 0 and entries:
        candidates = compiled(entries)
        inside: Counter = Counter()
        seen: Counter = Counter()
        for policy in gold:
            # every occurrence in a practice sentence, marked or not
            for span in Lexicon(entries, candidates).spans(policy.text, [s for s in policy.spans
                                                                         if role(s.label) != "DATA"]):
                key = categories.core(policy.text[span.start:span.end])
                seen[key] += 1
                inside[key] += any(role(s.label) == "DATA" and s.start <= span.start and span.end <= s.end
                                   for s in policy.spans)
        entries = [e for e in entries if inside[categories.core(e)] >= min_marked * seen[categories.core(e)]]
    return Lexicon(entries, compiled(entries))


# where Latin letters or digits meet other characters in an escaped entry
LATIN_EDGE = re.compile(r"(?<=[A-Za-z0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[A-Za-z0-9])")


def compiled(entries: List[str]) -> "re.Pattern[str] | None":
    if not entries:
        return None
    alternatives = []
    for entry in entries:
        piece = re.escape(entry).replace(r"\ ", r"\s*")
        # Latin beside Chinese is often spaced (IP 地址, SIM 卡): the entry IP地址 matched IP and
        # 地址 apart, two items, the second a postal address
        piece = LATIN_EDGE.sub(" ?", piece)
        if entry[0].isascii() and entry[0].isalnum():
            piece = r"(?<![A-Za-z])" + piece
        if entry[-1].isascii() and entry[-1].isalnum():
            piece += r"(?![A-Za-z])"
        alternatives.append(piece)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def with_lexicon(policies: Sequence[Document], lexicon: Lexicon) -> List[Document]:
    return [replace(p, spans=sorted(p.spans + lexicon.spans(p.text, p.spans))) for p in policies]
