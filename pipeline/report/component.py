"""`privspan_report_spans`: the spans the report reads, made by the pipeline itself.

The decoder (pipeline/components/decoder.py) writes the model's spans at the report's
threshold into `doc.spans[spans_key]`; this component adds what the report's items were
measured with (docs/report.md): the lexicon of the training gold's data items where the
tagger marked none (lexicon.py), the data named as device permissions (permissions.py),
DATA spans grown over the lists they are items of, and lists of canonical items that nothing
marked (lists.py). The lexicon's entries are built once, from the training corpus, when `spacy
train` initialises the pipeline, and saved with it; so a pipeline trained from
configs/spancat.cfg and nothing else gives `annotate` and `report` all they need.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable, List, Optional

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.training import Example

from ..formats.docbin import document
from ..records import Span
from .categories import load
from .lexicon import Lexicon, build_lexicon, compiled
from .lists import grown, unmarked
from .permissions import load_permissions
from .practices import role
from .sources import policies_of


@Language.factory("privspan_report_spans",
                  default_config={"spans_key": "report", "lexicon": True, "lists": True, "permissions": True,
                                  "min_policies": 2, "min_marked": 0.5})
def make_report_spans(nlp: Language, name: str, spans_key: str, lexicon: bool, lists: bool, permissions: bool,
                      min_policies: int, min_marked: float) -> "ReportSpans":
    return ReportSpans(name, spans_key, lexicon, lists, min_policies, min_marked, permissions)


class ReportSpans:
    """Grows one span group in place; its lexicon is its only state."""

    def __init__(self, name: str, spans_key: str, lexicon: bool, lists: bool, min_policies: int,
                 min_marked: float, permissions: bool = True) -> None:
        self.name = name
        self.spans_key = spans_key
        self.lexicon = lexicon
        self.lists = lists
        self.permissions = permissions
        self.min_policies = min_policies
        self.min_marked = min_marked
        self.categories = load()
        self.entries: List[str] = []
        self._lexicon = Lexicon([], None)

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *,
                   nlp: Optional[Language] = None) -> None:
        """The lexicon's entries from the gold of the examples (the training corpus)."""
        gold = policies_of(document(eg.reference, i) for i, eg in enumerate(get_examples(), start=1))
        self._set(build_lexicon(gold, self.categories, self.min_policies, self.min_marked).entries)

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None:
            return doc
        text = doc.text  # Doc.text joins its tokens each time it is asked
        spans = [Span(s.start_char, s.end_char, s.label_) for s in group]
        if self.lexicon:
            spans += self._lexicon.spans(text, spans)
        if self.lists:
            spans += grown(text, spans, self.categories)
        if self.permissions:
            # only where jieba's words begin and end: a term inside a word (相机 of 照相机) is none
            spans += [s for s in load_permissions(self.categories).spans(text, spans)
                      if doc.char_span(s.start, s.end) is not None]
        if self.lists:
            # lists of canonical items in clauses nothing above marked, grown as the tagger's are
            seeds = unmarked(text, spans, self.categories)
            spans += seeds + grown(text, seeds + [s for s in spans if role(s.label) != "DATA"], self.categories)
        out = []
        for span in sorted(set(spans)):
            # a lexicon entry or a list may end inside one of jieba's words: the span takes it whole
            found = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if found is not None:
                out.append(found)
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key,
                                              spans=sorted(set(out), key=lambda s: (s.start, s.end, s.label_)))
        return doc

    def _set(self, entries: List[str]) -> None:
        self.entries = entries
        self._lexicon = Lexicon(entries, compiled(entries))

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps({"entries": self.entries}, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "ReportSpans":
        self._set(json.loads(data.decode("utf-8"))["entries"])
        return self

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.json").write_bytes(self.to_bytes())

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> "ReportSpans":
        return self.from_bytes((Path(path) / "lexicon.json").read_bytes())
