"""JSONL, one document a line: `{"id", "text"}` to annotate, `{"id", "text", "spans"}` written,
with `"report"` (the spans the report reads, unscored) and `"topics"` (each sentence's
CAPP-130 labels, scored) from a pipeline that makes them."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from ..records import Document, Span
from ..schema import LabelScheme, get_scheme
from .tasks import Export, Offsets, Where, jsonl_records, take_span


def span_records(doc: Document) -> List[dict]:
    """The spans as written: {start, end, label, score (4 decimals, a model's only), text}."""
    return [{"start": s.start, "end": s.end, "label": s.label,
             **({} if doc.scores is None else {"score": round(doc.scores[s], 4)}),
             "text": doc.text[s.start:s.end]} for s in doc.spans]


def report_records(doc: Document) -> Optional[List[dict]]:
    """The report's spans as written, {start, end, label, text}; None where there are none."""
    if doc.report is None:
        return None
    return [{"start": s.start, "end": s.end, "label": s.label, "text": doc.text[s.start:s.end]}
            for s in doc.report]


def topic_records(doc: Document) -> Optional[List[dict]]:
    """Each sentence's labels as written, {start, end, label, score}; None where there are none."""
    if doc.topics is None:
        return None
    return [{"start": s.start, "end": s.end, "label": s.label, "score": round(score, 4)}
            for s, score in sorted(doc.topics.items())]


def record(doc: Document) -> dict:
    """The `{"id", "text", "spans"}` record of a document (and `"report"`, `"topics"`)."""
    out = {"id": doc.record_id, "text": doc.text, "spans": span_records(doc)}
    if doc.report is not None:
        out["report"] = report_records(doc)
    if doc.topics is not None:
        out["topics"] = topic_records(doc)
    return out


def write(doc: Document) -> str:
    """One line of `record` (without its line end)."""
    return json.dumps(record(doc), ensure_ascii=False)


def read_texts(path: Path, content: str, fail: Callable[[str], None],
               first_line: int = 1) -> Iterator[Document]:
    """The documents of a JSONL file's lines; each bad line is one located message to `fail`.

    `content` may be a stretch of the file that starts at line `first_line`.
    """
    for lineno, line in enumerate(content.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            fail(f"{path}:{lineno}: error: bad JSONL line: {err.msg} (column {err.colno})")
            continue
        if not (isinstance(record, dict) and isinstance(record.get("text"), str)
                and isinstance(record.get("id"), (str, int))):
            fail(f"{path}:{lineno}: error: bad JSONL record: needs an \"id\" (string or number) "
                 "and a \"text\" (string)")
            continue
        yield Document(str(record["id"]), record["text"], source=str(path),
                       where=f"{path}:{lineno} (id {record['id']})")


def read(path: Path, content: str, scheme: LabelScheme, first_line: int = 1) -> Export:
    """The `{"id", "text", "spans"}` records of a file (or of its stretch from `first_line`),
    scores kept; each bad line or span is one located problem, and the rest of the line is
    kept (`document`)."""
    export = Export()
    for where, line in jsonl_records(path, content, export, first_line):
        found = document(export, where, line, scheme)
        if found is not None:
            export.documents.append(found)
    return export


def document(export: Export, where: Where, record: dict, scheme: LabelScheme) -> Optional[Document]:
    """The document of one `{"id", "text", "spans"}` record (a JSONL line, a Parquet row).

    A span with offsets outside the text, a label not of `scheme`, a `text` that is not the
    text at its offsets or a score that is not one is a located problem and left out; a
    record without an id or text is one, and None.
    """
    doc_id, text, items = record.get("id"), record.get("text"), record.get("spans") or []
    report, topics = record.get("report"), record.get("topics")
    if not isinstance(items, list) or not all(isinstance(x, (list, type(None))) for x in (report, topics)):
        export.error(where, "bad-record", "spans, report and topics must be lists", "unreadable record", n=0)
        return None
    export.read += len(items) + len(report or []) + len(topics or [])
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not isinstance(text, str):
        export.error(where, "bad-record", 'needs an "id" (string or number) and a "text" (string)',
                     "unreadable record", len(items) + len(report or []) + len(topics or []))
        return None
    where = replace(where, name=f"{where.name}{doc_id}: ")
    offsets = Offsets(text)
    best, scored = _spans(export, where, text, offsets, items, "spans", scheme)
    reported = None if report is None else sorted(_spans(export, where, text, offsets, report, "report", scheme)[0])
    labelled = None if topics is None else _spans(export, where, text, offsets, topics, "topics",
                                                  get_scheme("topics"))[0]
    return Document(str(doc_id), text, sorted(best), best if scored else None,
                    source=where.path, where=where.at, report=reported, topics=labelled)


def _spans(export: Export, where: Where, text: str, offsets: Offsets, items: list, key: str,
           scheme: LabelScheme) -> Tuple[Dict[Span, float], bool]:
    """The spans of one list of a record, each with its score (0 where none is given), and
    whether any had one; a duplicate keeps its best score and is counted as dropped."""
    best: Dict[Span, float] = {}
    scored, taken = False, 0
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            export.error(where, "bad-record", f"{key}[{n}] is not an object with start, end, label",
                         "unreadable record")
            continue
        quoted = (f"{key}[{n}].text", item["text"]) if item.get("text") is not None else None
        span = take_span(export, where, text, offsets, item.get("start"), item.get("end"),
                         item.get("label"), scheme,
                         (f"{key}[{n}].start", f"{key}[{n}].end", f"{key}[{n}].label"), quoted)
        score = item.get("score")
        if span is not None and score is not None and (
                type(score) not in (int, float) or not 0 <= score <= 1):
            export.error(where, "bad-span", f"{key}[{n}].score {score!r} is not a number from "
                         "0 to 1", "bad score")
            continue
        if span is None:
            continue
        taken += 1
        scored = scored or score is not None
        best[span] = max(float(score or 0.0), best.get(span, 0.0))
    if taken > len(best):
        export.dropped["duplicate"] += taken - len(best)
    return best, scored
