"""CAPP-130 (Zhu et al., NeurIPS 2023; CC BY 4.0): a folder whose `Annotation/rw_N.jsonl`
files hold one policy each, a sentence a line (`{"task", "id", "text", "label": [...]}`), in
policy order. A policy is read as its sentences joined by line breaks, each label of a
sentence a span over the sentence, labelled by data/topics.toml's English id. A label that
is no CAPP-130 label (the files hold some 80 sentence texts in `label`) is a located
warning and counted as dropped; the sentence and its other labels are kept.

The authors' own pre-sliced sets (`Extraction/{topic,risk,imprtant}_identification_dataset/
{train,dev,test}.txt`, `SENTENCE<TAB>LABEL`) are read by `read_extraction`: one task's file,
each sentence a paragraph of its own. The three tasks hold different sentences, so each is a
corpus of its own labels (a sentence of the risk file has no topics to learn from)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List

from ..files import read_text
from ..problems import InputError, Problem
from ..records import Document, Span
from ..schema import TOPIC_OF_CHINESE, TOPICS, LabelScheme
from .tasks import Export, Where, jsonl_records

ANNOTATION = "Annotation"
EXTRACTION = "Extraction"
# The authors' task folders (their spelling) and the labels a line's LABEL gives: the topic
# files' 11-long multi-hot list in the dataset's id order, or one 0/1 label
TASKS: Dict[str, str] = {"topic": "topic_identification_dataset", "important": "imprtant_identification_dataset",
                         "risk": "risk_identification_dataset"}
TASK_LABELS: Dict[str, List[str]] = {"topic": TOPICS[:11], "important": ["IMPORTANT"], "risk": ["RISK"]}
SPLITS = ("train", "dev", "test")


def is_capp130(path: Path) -> bool:
    return (Path(path) / ANNOTATION).is_dir() and any((Path(path) / ANNOTATION).glob("rw_*.jsonl"))


def _number(path: Path) -> int:
    found = re.search(r"\d+", path.stem)
    return int(found.group()) if found else 0


def read(path: Path, scheme: LabelScheme) -> Export:
    """Every policy of the folder, in the order of their numbers (rw_1, rw_2, … rw_130)."""
    export = Export()
    files = sorted(Path(path, ANNOTATION).glob("rw_*.jsonl"), key=_number)
    if not files:
        raise InputError(f"{path}: error: no {ANNOTATION}/rw_N.jsonl files (not a CAPP-130 folder)")
    for file in files:
        try:
            content, _ = read_text(file)
        except InputError as err:
            export.errors.append(str(err))
            continue
        sentences: List[str] = []
        spans: List[Span] = []
        offset = 0
        for where, record in jsonl_records(file, content, export):
            text, labels = record.get("text"), record.get("label") or []
            if not isinstance(text, str) or not isinstance(labels, list):
                export.error(where, "bad-record", 'needs a "text" (string) and a "label" list',
                             "unreadable record", n=0)
                continue
            # a sentence is one line of the policy: a line break inside it would cut it in two
            text = text.replace("\r", " ").replace("\n", " ")
            export.read += len(labels)
            seen = set()
            for label in labels:
                if isinstance(label, str) and label in seen:
                    export.dropped["duplicate"] += 1
                    continue
                seen.add(label if isinstance(label, str) else None)
                topic = TOPIC_OF_CHINESE.get(label) if isinstance(label, str) else None
                if topic is None or topic not in scheme.labels:
                    shown = label if isinstance(label, str) and len(label) <= 20 else f"{str(label)[:20]}…"
                    export.problems.append(Problem(where.path, where.line, 1, "warning", "stray-label",
                                                   f"label {shown!r} is not a CAPP-130 label; left out"))
                    export.dropped["not a CAPP-130 label"] += 1
                elif text.strip():
                    spans.append(Span(offset, offset + len(text), topic))
            sentences.append(text)
            offset += len(text) + 1
        if not any(sentence.strip() for sentence in sentences):
            export.problems.append(Problem(str(file), 1, 1, "warning", "empty", "a policy without sentences; left out"))
            continue
        export.documents.append(Document(file.stem, "\n".join(sentences), sorted(spans),
                                          source=str(file), where=str(file)))
    return export


def extraction_file(path: Path, task: str, split: str) -> Path:
    return Path(path, EXTRACTION, TASKS[task], f"{split}.txt")


def read_extraction(path: Path, task: str, split: str) -> Export:
    """One of the authors' pre-sliced files as it is: a document per line, the line's labels
    spans over its sentence. A line without a tab or with a LABEL that is not the task's
    is a located error, counted; the other lines are still read."""
    export = Export()
    file = extraction_file(path, task, split)
    try:
        content, _ = read_text(file)
    except InputError as err:
        export.errors.append(str(err))
        return export
    labels = TASK_LABELS[task]
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        where = Where(str(file), number)
        text, tab, value = line.rpartition("\t")
        hot = _hot(value.strip(), len(labels)) if tab and text.strip() else None
        if hot is None:
            export.error(where, "bad-line", f"needs SENTENCE<TAB>LABEL with LABEL {'a list of 11 0/1' if task == 'topic' else '0 or 1'}",
                         "unreadable line", n=0)
            continue
        export.read += sum(hot)
        spans = [Span(0, len(text), label) for label, on in zip(labels, hot) if on]
        export.documents.append(Document(f"{task}/{split}", text, spans, source=str(file),
                                         where=where.at, line=number))
    return export


def _hot(value: str, n: int):
    """LABEL as a list of n 0/1 flags, or None if it is not one."""
    try:
        found = json.loads(value)
    except ValueError:
        return None
    flags = found if isinstance(found, list) else [found]
    if len(flags) != n or any(flag not in (0, 1) or isinstance(flag, bool) for flag in flags):
        return None
    return flags
