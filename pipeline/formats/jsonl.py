"""JSONL, one document a line: `{"id", "text"}` to annotate, `{"id", "text", "spans"}` written."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from ..records import Annotated, Document, Span, Text
from .tasks import Export, Record, Where


def span_records(result: Annotated) -> List[dict]:
    """The spans found, as written: {start, end, label, score (4 decimals), text}."""
    text = result.doc.text
    return [{"start": s.start, "end": s.end, "label": s.label, "score": round(score, 4),
             "text": text[s.start:s.end]} for s, score in zip(result.spans, result.scores)]


def to_jsonl(result: Annotated) -> str:
    return json.dumps({"id": result.doc.doc_id, "text": result.doc.text,
                       "spans": span_records(result)}, ensure_ascii=False)


def read_texts(path: Path, content: str, fail: Callable[[str], None],
               first_line: int = 1) -> Iterator[Text]:
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
        yield Text(str(path), f"{path}:{lineno} (id {record['id']})", str(record["id"]), record["text"])


def parse_record(line: str) -> Tuple[str, str, List[Span], Optional[List[float]]]:
    """(id, text, spans, scores or None) of one `{"id", "text", "spans"}` line.

    Raises ValueError, KeyError, TypeError or AttributeError on a malformed record.
    """
    record = json.loads(line)
    doc_id, text = str(record["id"]), record["text"]
    spans = [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in record.get("spans", [])]
    scores = [float(s.get("score", 0.0)) for s in record.get("spans", [])] if any(
        "score" in s for s in record.get("spans", [])) else None
    return doc_id, text, spans, scores


def read_export(path: Path, content: str) -> Export:
    """The `{"id", "text", "spans"}` records of a file, scores kept; a bad line is one problem."""
    export = Export()
    for lineno, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = Where(str(path), lineno)
        try:
            doc_id, text, spans, scores = parse_record(line)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            export.error(where, "bad-record", f"{err.__class__.__name__}: {err}", "unreadable record", n=0)
            continue
        export.read += len(spans)
        export.records.append(Record(Document(doc_id, text, spans), where.at, scores))
    return export


def record(doc_id: str, text: str, spans: Sequence[Span]) -> str:
    """One gold `{"id", "text", "spans"}` line (without its line end)."""
    return json.dumps({"id": doc_id, "text": text, "spans": [s.to_dict() for s in spans]},
                      ensure_ascii=False)
