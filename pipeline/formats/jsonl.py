"""JSONL, one document a line: `{"id", "text"}` to annotate, `{"id", "text", "spans"}` written."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

from ..records import Document, Span
from ..schema import LabelScheme
from .tasks import Export, Offsets, Where, jsonl_records, take_span


def span_records(doc: Document) -> List[dict]:
    """The spans as written: {start, end, label, score (4 decimals, a model's only), text}."""
    return [{"start": s.start, "end": s.end, "label": s.label,
             **({} if doc.scores is None else {"score": round(doc.scores[s], 4)}),
             "text": doc.text[s.start:s.end]} for s in doc.spans]


def write(doc: Document) -> str:
    """One `{"id", "text", "spans"}` line (without its line end)."""
    return json.dumps({"id": doc.record_id, "text": doc.text, "spans": span_records(doc)}, ensure_ascii=False)


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


def read(path: Path, content: str, scheme: LabelScheme) -> Export:
    """The `{"id", "text", "spans"}` records of a file, scores kept; each bad line or span is
    one located problem, and the rest of the line is kept (`document`)."""
    export = Export()
    for where, line in jsonl_records(path, content, export):
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
    if not isinstance(items, list):
        export.error(where, "bad-record", "spans must be a list", "unreadable record", n=0)
        return None
    export.read += len(items)
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not isinstance(text, str):
        export.error(where, "bad-record", 'needs an "id" (string or number) and a "text" (string)',
                     "unreadable record", len(items))
        return None
    where = replace(where, name=f"{where.name}{doc_id}: ")
    offsets = Offsets(text)
    best: Dict[Span, float] = {}
    scored, taken = False, 0
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            export.error(where, "bad-record", f"spans[{n}] is not an object with start, end, label",
                         "unreadable record")
            continue
        quoted = (f"spans[{n}].text", item["text"]) if item.get("text") is not None else None
        span = take_span(export, where, text, offsets, item.get("start"), item.get("end"),
                         item.get("label"), scheme,
                         (f"spans[{n}].start", f"spans[{n}].end", f"spans[{n}].label"), quoted)
        score = item.get("score")
        if span is not None and score is not None and (
                type(score) not in (int, float) or not 0 <= score <= 1):
            export.error(where, "bad-span", f"spans[{n}].score {score!r} is not a number from "
                         "0 to 1", "bad score")
            continue
        if span is None:
            continue
        taken += 1
        scored = scored or score is not None
        best[span] = max(float(score or 0.0), best.get(span, 0.0))
    if taken > len(best):
        export.dropped["duplicate"] += taken - len(best)
    return Document(str(doc_id), text, sorted(best), best if scored else None,
                    source=where.path, where=where.at)
