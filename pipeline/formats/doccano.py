"""doccano sequence labeling: JSONL to import, and its export read back.

Formats followed, from doccano's own code (doccano/doccano): an exported line is
`{"id", "text", "label": [[start, end, LABEL], ...]}` plus the example's metadata
(backend/data_export/pipeline/examples/sequence_labeling/example.jsonl, and
factories.py, which renames the spans column to `label`); a project with relation
labeling exports `{"id", "text", "entities": [{"id", "label", "start_offset",
"end_offset"}], "relations"}` instead (examples/relation_extraction/example.jsonl,
models.py ExportedSpan.to_dict); doccano 1.0 to 1.5 exported `labels` for `label` (v1.0.0:
app/server/static/components/examples/download_sequence_labeling.json1l). All three are
read; `label` is written, which doccano's import takes for the spans, and any other key
(`doc_id` here) is kept as the example's metadata and comes back in the export.

Offsets: doccano's backend stores the numbers its browser editor computes, and that
editor indexes JavaScript strings, UTF-16 code units, where Python indexes code points:
"👨🏻‍🚒 firemen drive firetrucks" has "firetrucks" at 22..32 in doccano, 19..29 in
Python (doccano issue #2290; #2484, and PR #99 on the first editor). Offsets are turned
into code points when read and back into UTF-16 code units when written. A project made
with "Count grapheme clusters as one character" counts yet another way, which this
module does not read: doccano's export does not say which count a project used.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

from ..records import Document, Span
from ..schema import LabelScheme
from .tasks import Export, Offsets, Where, jsonl_records, take_span

# The spans' key in each of doccano's exports, newest first.
SPAN_KEYS = ("label", "entities", "labels")


def write(doc: Document) -> str:
    """One line to import into a sequence labeling project, offsets in UTF-16 code units."""
    units = Offsets(doc.text, utf16=True)
    return json.dumps({"text": doc.text, "label": [[units.to_tool(s.start), units.to_tool(s.end), s.label]
                                                   for s in doc.spans], "doc_id": doc.record_id},
                      ensure_ascii=False)


def read(path: Path, content: str, scheme: LabelScheme) -> Export:
    """The documents of an export; each bad line or span is one located problem."""
    export = Export()
    for where, line in jsonl_records(path, content, export):
        _read_line(export, where, line, scheme, path)
    return export


def _read_line(export: Export, where: Where, line: dict, scheme: LabelScheme, path: Path) -> None:
    key = next((k for k in SPAN_KEYS if k in line), None)
    items = line[key] if key else []
    if not isinstance(items, list):
        export.error(where, "bad-record", f"{key} must be a list", "unreadable record", n=0)
        return
    text = line.get("text")
    export.read += len(items)
    if not isinstance(text, str):
        export.error(where, "bad-record", "text (a string) is missing: the line has no text",
                     "task without text", len(items))
        return
    units = Offsets(text, utf16=True)
    spans: List[Span] = []
    for i, item in enumerate(items):
        if key == "entities" and isinstance(item, dict):
            start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
            fields = (f"entities[{i}].start_offset", f"entities[{i}].end_offset", f"entities[{i}].label")
        elif key != "entities" and isinstance(item, list) and len(item) == 3:
            start, end, label = item
            fields = (f"{key}[{i}][0]", f"{key}[{i}][1]", f"{key}[{i}][2]")
        else:
            shape = "an object with start_offset, end_offset, label" if key == "entities" \
                else "[start, end, label]"
            export.error(where, "bad-record", f"{key}[{i}] is not {shape}", "unreadable record")
            continue
        span = take_span(export, where, text, units, start, end, label, scheme, fields)
        if span is not None:
            spans.append(span)
    doc_id = line.get("doc_id")
    if not isinstance(doc_id, str):
        doc_id = f"{path.stem}-{line.get('id', where.line)}"
    export.add(doc_id, text, spans, where)
