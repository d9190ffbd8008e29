"""JSONL, one document a line: `{"id", "text"}` to annotate, `{"id", "text", "spans"}` written."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Sequence

from ..records import Annotated, Document, Span, Text
from ..schema import LabelScheme
from .tasks import Export, Offsets, Record, jsonl_records, take_span


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


def read_export(path: Path, content: str, scheme: LabelScheme) -> Export:
    """The `{"id", "text", "spans"}` records of a file, scores kept; each bad line or span
    (offsets outside the text, a label not of `scheme`, a "text" that is not the text at its
    offsets) is one located problem, and the rest of the line is kept."""
    export = Export()
    for where, line in jsonl_records(path, content, export):
        doc_id, text, items = line.get("id"), line.get("text"), line.get("spans", [])
        if not isinstance(items, list):
            export.error(where, "bad-record", "spans must be a list", "unreadable record", n=0)
            continue
        export.read += len(items)
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or not isinstance(text, str):
            export.error(where, "bad-record", 'needs an "id" (string or number) and a "text" (string)',
                         "unreadable record", len(items))
            continue
        where = replace(where, name=f"{doc_id}: ")
        offsets = Offsets(text)
        best: Dict[Span, float] = {}
        scored, taken = False, 0
        for n, item in enumerate(items):
            if not isinstance(item, dict):
                export.error(where, "bad-record", f"spans[{n}] is not an object with start, end, label",
                             "unreadable record")
                continue
            quoted = (f"spans[{n}].text", item["text"]) if "text" in item else None
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
        spans = sorted(best)
        export.records.append(Record(Document(str(doc_id), text, spans), where.at,
                                     [best[s] for s in spans] if scored else None))
    return export


def record(doc_id: str, text: str, spans: Sequence[Span]) -> str:
    """One gold `{"id", "text", "spans"}` line (without its line end)."""
    return json.dumps({"id": doc_id, "text": text, "spans": [s.to_dict() for s in spans]},
                      ensure_ascii=False)
