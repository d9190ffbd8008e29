"""The policies a report reads: any readable format (formats/registry.py): what `annotate`
writes (JSONL, Parquet shards) and gold (`.spacy` corpora and BIO files, whose paragraphs are
grouped back into policies; bracket files; CA4P-483 folders; the tools' exports). Each bad
input, record or span is one located line to `fail`; the rest is still read."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Dict, Iterable, List

from ..formats.registry import read_each
from ..records import Document, Span
from ..schema import SCHEMES, LabelScheme, get_scheme


def read_policies(sources: Iterable[str], fail: Callable[[str], None], labels: str = "project") -> List[Document]:
    """Every policy of the sources, in the order given; spans may have the labels of either
    scheme, and `labels` is the scheme a CA4P-483 folder is read in. A policy with the
    pipeline's report spans (`report`) has them as its spans: they are what the report reads."""
    scheme = report_scheme(labels)
    documents: List[Document] = []
    for _, export in read_each(list(sources), scheme):
        for line in [*export.errors, *(p for p in export.problems if p.is_error)]:
            fail(str(line))
        documents.extend(export.documents)
    return [for_report(p) for p in policies_of(documents)]


def report_scheme(labels: str = "project") -> LabelScheme:
    """Every scheme's labels (a policy may hold spans and topics); `labels` reads CA4P-483."""
    return LabelScheme(labels, sorted({label for s in SCHEMES.values() for label in s.labels}),
                       get_scheme(labels).ca4p)


def for_report(policy: Document) -> Document:
    """The policy with the spans the report reads: the pipeline's report spans where it has
    them (already thresholded and grown, so no score or list step applies again; `report`
    stays, to say the spans are a model's)."""
    return policy if policy.report is None else replace(policy, spans=policy.report, scores=None)


def policies_of(documents: Iterable[Document]) -> List[Document]:
    """Whole documents as they are, and paragraphs grouped back into the policy they came from
    (in line order, joined by line breaks), where the first of them stood."""
    out: List[Document] = []
    groups: Dict[str, List[Document]] = {}
    for doc in documents:
        if doc.line is None:
            out.append(doc)
        elif doc.id not in groups:
            groups[doc.id] = [doc]
            out.append(doc)  # its place; replaced by the whole policy below
        else:
            groups[doc.id].append(doc)
    return [_joined(groups[doc.id]) if doc.line is not None else doc for doc in out]


def _joined(paragraphs: List[Document]) -> Document:
    pieces: List[str] = []
    spans: List[Span] = []
    report: List[Span] = []
    scores: Dict[Span, float] = {}
    offset = 0
    for paragraph in sorted(paragraphs, key=lambda p: p.line):
        pieces.append(paragraph.text)
        for span in paragraph.spans:
            moved = Span(span.start + offset, span.end + offset, span.label)
            spans.append(moved)
            if paragraph.scores is not None:
                scores[moved] = paragraph.scores.get(span, 0.0)
        report.extend(Span(s.start + offset, s.end + offset, s.label) for s in paragraph.report or [])
        offset += len(paragraph.text) + 1
    first = paragraphs[0]
    return Document(first.id, "\n".join(pieces), sorted(spans),
                    scores if any(p.scores is not None for p in paragraphs) else None,
                    source=first.source, where=first.where,
                    report=sorted(report) if any(p.report is not None for p in paragraphs) else None)
