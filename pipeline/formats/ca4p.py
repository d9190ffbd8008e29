"""Reader of the CA4P-483 tagtog export: `raw_data/NNNN.html` + `annotation_data/NNNN.json`.

Every annotation record is accounted for: it either becomes a span of a document or is
counted under a drop reason, so `read == written + sum(dropped.values())` always holds and
a silent loss shows up as a broken sum instead of a quietly smaller corpus.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from ..problems import InputError, Problem, clip, line_col
from ..schema import CA4P_CLASSES, LabelScheme, get_scheme
from .tasks import Export
from ..records import Document, Span

RAW_DIR = "raw_data"
ANNOTATION_DIR = "annotation_data"

# tagtog writes the verbatim text as the content of one <pre id="..."> element; `</pre>` cannot
# occur inside it because the content is HTML-escaped.
_PRE_OPEN = re.compile(r"<pre\b[^>]*>")
_PRE_CLOSE = "</pre>"


@dataclass
class Ca4pResult:
    """Documents of a pool, its problems, and the record counts that must add up."""

    documents: List[Document] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    read: int = 0
    written: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    # Records of the span classes e_21..e_27 whatever became of them; 39,948 on the pool.
    span_annotations: int = 0


def is_ca4p_folder(path: Path) -> bool:
    path = Path(path)
    raw = path / RAW_DIR
    return raw.is_dir() and (path / ANNOTATION_DIR).is_dir() and any(raw.glob("*.html"))


def read_ca4p(folder: Path, scheme: str = "project") -> Ca4pResult:
    """Read every policy of a CA4P-483 folder; a bad file is a Problem, never an exception."""
    folder = Path(folder)
    if not is_ca4p_folder(folder):
        raise InputError(
            f"{folder}: not a CA4P-483 folder (needs {RAW_DIR}/*.html and {ANNOTATION_DIR}/)")
    label_map = get_scheme(scheme).ca4p
    result = Ca4pResult()
    # The union of both folders, so an html without its json (or the reverse) is reported.
    stems = sorted({p.stem for p in (folder / RAW_DIR).glob("*.html")}
                   | {p.stem for p in (folder / ANNOTATION_DIR).glob("*.json")})
    for stem in stems:
        html_path = folder / RAW_DIR / f"{stem}.html"
        json_path = folder / ANNOTATION_DIR / f"{stem}.json"
        if not json_path.is_file():
            # A policy without its annotations would train as "no span anywhere"; leave it out.
            result.problems.append(Problem(
                str(html_path), 1, 1, "error", "unpaired",
                f"no {ANNOTATION_DIR}/{json_path.name}; policy skipped"))
            continue
        records = _read_records(json_path, result.problems)
        if records is None:
            continue
        result.read += len(records)
        result.span_annotations += sum(
            isinstance(r, dict) and r.get("classId") in CA4P_CLASSES for r in records)
        policy = None
        if not html_path.is_file():
            result.problems.append(Problem(
                str(json_path), 1, 1, "error", "unpaired",
                f"no {RAW_DIR}/{html_path.name}; its {len(records)} annotation(s) dropped"))
        else:
            page = _read_text(html_path, result.problems)
            policy = _policy_text(page, html_path, result.problems) if page is not None else None
        if policy is None:
            result.dropped["no policy text"] += len(records)
            continue
        text, pre_line, pre_col = policy
        spans = _map_records(records, text, label_map, result, json_path,
                             _Locator(html_path, text, pre_line, pre_col))
        result.documents.append(Document(stem, text, sorted(spans)))
        result.written += len(spans)
    return result


def read(folder: Path, scheme: LabelScheme) -> Export:
    """`read_ca4p` as every reader answers: its problems are reported and fail nothing."""
    result = read_ca4p(folder, scheme.name)
    for document in result.documents:
        document.source = str(folder / RAW_DIR / f"{document.id}.html")
        document.where = f"{document.source}:1:1"
    return Export(documents=result.documents, problems=result.problems, read=result.read,
                  dropped=Counter(result.dropped))


def _read_text(path: Path, problems: List[Problem]) -> Optional[str]:
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(str(path), 1, 1, "error", "unreadable",
                                f"cannot read file: {error.strerror or error}"))
        return None
    try:
        # Decoding bytes ourselves keeps "\r\n" as two characters, as the offsets count them.
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(str(path), line, col, "error", "encoding",
                                f"not UTF-8 (byte {data[error.start]:#04x})"))
        return None


def _policy_text(page: str, path: Path,
                 problems: List[Problem]) -> Optional[Tuple[str, int, int]]:
    """The policy text and the 1-based line/col in the html where it begins."""
    opens = list(_PRE_OPEN.finditer(page))
    if len(opens) != 1:
        line, col = line_col(page, opens[1].start()) if opens else (1, 1)
        problems.append(Problem(str(path), line, col, "error", "pre",
                                f"expected exactly one <pre> block, found {len(opens)}"))
        return None
    begin = opens[0].end()
    end = page.find(_PRE_CLOSE, begin)
    if end < 0:
        line, col = line_col(page, opens[0].start())
        problems.append(Problem(str(path), line, col, "error", "pre",
                                "<pre> block is not closed"))
        return None
    return (html.unescape(page[begin:end]), *line_col(page, begin))


def _read_records(path: Path, problems: List[Problem]) -> Optional[list]:
    raw = _read_text(path, problems)
    if raw is None:
        return None
    try:
        records = json.loads(raw)
    except json.JSONDecodeError as error:
        problems.append(Problem(str(path), error.lineno, error.colno, "error", "json", error.msg))
        return None
    if not isinstance(records, list):
        problems.append(Problem(str(path), 1, 1, "error", "json",
                                f"expected a list of annotations, got {type(records).__name__}"))
        return None
    return records


@dataclass(frozen=True)
class _Locator:
    """Turns a text offset into the html line/col, so a problem points where the text lives.

    Lines are exact (the text is the <pre> content, line for line); columns count
    unescaped characters, so an entity earlier on the same line shifts them slightly.
    """

    path: Path
    text: str
    pre_line: int
    pre_col: int

    def problem(self, offset: int, kind: str, message: str) -> Problem:
        offset = min(max(offset, 0), len(self.text))
        line, col = line_col(self.text, offset)
        if line == 1:
            col += self.pre_col - 1
        return Problem(str(self.path), self.pre_line + line - 1, col, "error", kind, message)


def _map_records(records: list, text: str, label_map: Dict[str, Optional[str]],
                 result: Ca4pResult, json_path: Path, locator: _Locator) -> List[Span]:
    spans: List[Span] = []
    seen: Set[Span] = set()
    for index, record in enumerate(records):
        where = f"{json_path} annotation #{index}"
        if not isinstance(record, dict) or "classId" not in record:
            result.dropped["bad record"] += 1
            result.problems.append(Problem(str(json_path), 1, 1, "error", "record",
                                           f"annotation #{index} has no classId; dropped"))
            continue
        class_id = record["classId"]
        if class_id not in label_map:
            result.dropped["not a span class"] += 1
            continue
        label = label_map[class_id]
        if label is None:
            result.dropped[f"{CA4P_CLASSES[class_id].lower()} (no bracket)"] += 1
            continue
        start, end = record.get("start"), record.get("end")
        if not (type(start) is int and type(end) is int and 0 <= start and end <= len(text)):
            result.dropped["bad offsets"] += 1
            result.problems.append(locator.problem(
                start if type(start) is int else 0, "offsets",
                f"{where} ({class_id}): offsets {start!r}..{end!r} outside the text "
                f"of {len(text)} characters; dropped"))
            continue
        if start >= end:
            result.dropped["empty"] += 1
            continue
        if text[start:end] != record.get("text"):
            result.dropped["bad offsets"] += 1
            result.problems.append(locator.problem(
                start, "offsets",
                f"{where} ({class_id}) [{start}, {end}): annotation text "
                f"{clip(record.get('text'))} but the policy has {clip(text[start:end])}; dropped"))
            continue
        span = Span(start, end, label)
        if span in seen:
            result.dropped["duplicate"] += 1
            continue
        seen.add(span)
        spans.append(span)
    return spans
