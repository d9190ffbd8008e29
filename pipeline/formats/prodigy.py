"""Prodigy: JSONL tasks with tokens and spans to correct, and annotations read back.

Format followed: Prodigy's "Annotation interfaces" (https://prodi.gy/docs/api-interfaces),
`ner_manual` and `spans_manual`: `text`, `tokens` (`text`, `start`, `end`, `id`, `ws`),
`spans` with character offsets `start`/`end`, `token_start`/`token_end` (inclusive) and
`label`; an annotated task has `answer` "accept", "reject" or "ignore", as `db-out`
exports it. The project's spans nest, which `spans_manual` (recipe `spans.manual`) shows
and `ner_manual` cannot.

Offsets: Prodigy is Python and its offsets index code points, as privspan's do: no
conversion. Tokens are the project's jieba tokens, cut further where a span edge falls
inside one (or at the space after one), because the manual interfaces select whole
tokens; tasks that bring their own tokens keep them in Prodigy.

Reading keeps the tasks answered "accept" only; a rejected, ignored or unanswered task is
skipped and its spans counted as dropped. The spans' character offsets are read; their
token indices, which Prodigy derives from them, are not.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

from spacy.tokens import Doc

from ..records import Document, Span
from ..schema import LabelScheme
from .tasks import Export, Offsets, Where, jsonl_records, take_span

_UNACCEPTED = {"reject": "rejected task", "ignore": "ignored task", None: "unanswered task"}


def write(doc: Document, tokenizer: Callable[[str], Doc]) -> str:
    """One task line: gold spans (no scores) as an accepted annotation, a model's as a draft."""
    doc_id, text, spans, accepted = doc.record_id, doc.text, doc.spans, doc.scores is None
    tokens = _tokens(text, spans, tokenizer)
    first = {t["start"]: t["id"] for t in tokens}
    last = {t["end"]: t["id"] for t in tokens}
    record: dict = {"text": text, "meta": {"doc_id": doc_id}, "tokens": tokens,
                    "spans": [{"start": s.start, "end": s.end, "token_start": first[s.start],
                               "token_end": last[s.end], "label": s.label} for s in spans]}
    if accepted:
        record["answer"] = "accept"
    return json.dumps(record, ensure_ascii=False)


def _tokens(text: str, spans: Sequence[Span], tokenizer: Callable[[str], Doc]) -> List[dict]:
    starts = {s.start for s in spans}
    ends = {s.end for s in spans}
    edges = starts | ends
    pieces: List[Tuple[int, int, bool]] = []  # start, end, followed by a space
    for token in tokenizer(text):
        start, end = token.idx, token.idx + len(token.text)
        bounds = [start, *sorted(e for e in edges if start < e < end), end]
        ws = bool(token.whitespace_)
        # A span that starts at the space, or ends just after it, needs the space as a token.
        own_space = ws and (end in starts or end + 1 in ends)
        pieces.extend((a, b, ws and not own_space and b == end) for a, b in zip(bounds, bounds[1:]))
        if own_space:
            pieces.append((end, end + 1, False))
    return [{"text": text[a:b], "start": a, "end": b, "id": i, "ws": ws}
            for i, (a, b, ws) in enumerate(pieces)]


def read(path: Path, content: str, scheme: LabelScheme) -> Export:
    """The accepted documents of an export; each bad line or span is one located problem."""
    export = Export()
    for where, line in jsonl_records(path, content, export):
        _read_line(export, where, line, scheme, path)
    return export


def _read_line(export: Export, where: Where, line: dict, scheme: LabelScheme, path: Path) -> None:
    items = line.get("spans", [])
    if not isinstance(items, list):
        export.error(where, "bad-record", "spans must be a list", "unreadable record", n=0)
        return
    export.read += len(items)
    answer = line.get("answer")
    if answer != "accept":
        # Any answer but a string (a list, say) is no answer Prodigy gives.
        reason = _UNACCEPTED.get(answer if isinstance(answer, str) else None, f"task answered {answer!r}")
        export.skipped[reason] += 1
        if items:
            export.dropped[reason] += len(items)
        return
    text = line.get("text")
    if not isinstance(text, str):
        export.error(where, "bad-record", "text (a string) is missing: the task has no text",
                     "task without text", len(items))
        return
    points = Offsets(text)
    spans: List[Span] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            export.error(where, "bad-record", f"spans[{i}] is not an object", "unreadable record")
            continue
        quoted = (f"spans[{i}].text", item["text"]) if "text" in item else None
        span = take_span(export, where, text, points, item.get("start"), item.get("end"),
                         item.get("label"), scheme,
                         (f"spans[{i}].start", f"spans[{i}].end", f"spans[{i}].label"), quoted)
        if span is not None:
            spans.append(span)
    meta = line.get("meta")
    doc_id = meta.get("doc_id") if isinstance(meta, dict) else None
    if not isinstance(doc_id, str):
        doc_id = f"{path.stem}-{line.get('_input_hash', where.line)}"
    export.add(doc_id, text, spans, where)
