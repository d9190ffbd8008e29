"""Label Studio: tasks to import (a model's spans as `predictions`, gold spans as
`annotations`), the labeling config they need, and its JSON export read back.

Formats followed: "Import pre-annotated data" (https://labelstud.io/guide/predictions) for
`predictions` with `model_version`, `score` and `result` items of type `labels`; "Label
Studio Task Format" (https://labelstud.io/guide/task_format) for the export: a JSON list of
tasks whose `annotations` carry `result`, `was_cancelled`, `created_at`, `updated_at`, `id`;
the `Text` tag page (https://labelstud.io/tags/text) for the config, whose `<Style>` keeps
spaces, which Label Studio otherwise trims from what it shows and saves.

Offsets: Label Studio saves `value.start`/`value.end` of a Text region in code points, as
Python indexes strings: its editor's own test, web/libs/editor/tests/integration/e2e/ner/
emoji.cy.ts in HumanSignal/label-studio ("Should calculate offsets by code points in
text"), expects 21..25 for "test" in "🐱 Warning: This is a test text". Earlier versions
counted the UTF-16 code units of JavaScript strings, so that every span after an emoji
was off (HumanSignal/label-studio issues #1347 and #1008; the fix, PR #1559, went in
through label-studio-frontend PR #308, a maintainer says there). Tasks are written in
code points; an export is read in code points unless its span texts
(`value.text`) agree only when the offsets are read as UTF-16 code units, as an old
version's do; the texts quoted with the spans decide, annotation by annotation.

Reading keeps the latest annotation of each task that was not cancelled (by `updated_at`,
then `created_at`, then `id`); the spans of the others are counted as dropped, and a task
with no such annotation is skipped and counted. Predictions in an export are a model's
draft, not annotations, and are not read.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence, Tuple
from xml.sax.saxutils import quoteattr

from ..problems import line_col
from ..records import Document, Span
from ..schema import LabelScheme
from .tasks import Export, Offsets, Where, take_span

# The names that tie each result to the config: `from_name` is the <Labels> tag, `to_name`
# the <Text> tag, and `$text` the task's data field.
FROM_NAME = "label"
TO_NAME = "text"
CONFIG_NAME = "label_config.xml"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NEVER = datetime.min.replace(tzinfo=timezone.utc)


def write(doc: Document, model_version: str = "privspan", from_name: str = FROM_NAME,
          to_name: str = TO_NAME) -> dict:
    """One task: gold spans as an annotation, or a model's (with scores) as a prediction;
    `tasks_json` writes a file of them. The names are the labelling config's tags."""
    doc_id, text, spans, scores = doc.record_id, doc.text, doc.spans, doc.score_list()
    results = [{"id": f"{doc_id}-{i}", "from_name": from_name, "to_name": to_name, "type": "labels",
                "value": {"start": span.start, "end": span.end, "text": text[span.start:span.end],
                          "labels": [span.label]}}
               for i, span in enumerate(spans)]
    data = {"text": text, "doc_id": doc_id}
    if scores is None:
        return {"data": data, "annotations": [{"result": results}]}
    for result, score in zip(results, scores):
        result["score"] = round(score, 4)
    prediction: dict = {"model_version": model_version, "result": results}
    if scores:
        # The task's score sorts tasks in the Data Manager; the mean says how sure the draft is.
        prediction["score"] = round(sum(scores) / len(scores), 4)
    return {"data": data, "predictions": [prediction]}


def tasks_json(tasks: Iterable[dict]) -> str:
    """A JSON list of tasks, one a line, so that two files differ line by line."""
    return "[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n]\n"


def label_config(labels: Sequence[str]) -> str:
    """The labeling config: one <Label> per label, its names those the tasks' results use."""
    return "\n".join([
        "<View>",
        "  <Style>.htx-text { white-space: pre-wrap; }</Style>",
        f"  <Labels name={quoteattr(FROM_NAME)} toName={quoteattr(TO_NAME)}>",
        *(f"    <Label value={quoteattr(label)}/>" for label in labels),
        "  </Labels>",
        f"  <Text name={quoteattr(TO_NAME)} value=\"$text\"/>",
        "</View>",
        "",
    ])


def read(path: Path, content: str, scheme: LabelScheme) -> Export:
    """The annotated documents of an export; each bad task or result is one located problem."""
    export = Export()
    for number, where, item in _tasks(path, content, export):
        _read_task(export, where, number, item, scheme, path)
    return export


def _tasks(path: Path, content: str, export: Export) -> Iterator[Tuple[int, Where, object]]:
    """The items of the top-level JSON list, each with the line and column where it starts."""
    decoder = json.JSONDecoder()
    i = _WHITESPACE.match(content).end()
    if not content.startswith("[", i):
        export.error(Where(str(path), *line_col(content, i)), "bad-record",
                     "a JSON list of tasks expected", "unreadable record", n=0)
        return
    i = _WHITESPACE.match(content, i + 1).end()
    number = 0
    while not content.startswith("]", i):
        try:
            item, end = decoder.raw_decode(content, i)
        except json.JSONDecodeError as err:
            export.error(Where(str(path), err.lineno, err.colno), "bad-record",
                         f"not JSON: {err.msg}", "unreadable record", n=0)
            return
        number += 1
        yield number, Where(str(path), *line_col(content, i), f"task {number}: "), item
        i = _WHITESPACE.match(content, end).end()
        if content.startswith(",", i):
            i = _WHITESPACE.match(content, i + 1).end()
        elif not content.startswith("]", i):
            export.error(Where(str(path), *line_col(content, i)), "bad-record",
                         "',' or ']' expected after a task", "unreadable record", n=0)
            return


def _read_task(export: Export, where: Where, number: int, item: object, scheme: LabelScheme,
               path: Path) -> None:
    if not isinstance(item, dict):
        export.error(where, "bad-record", "a task must be a JSON object", "unreadable record", n=0)
        return
    annotations = item.get("annotations", [])
    if not isinstance(annotations, list):
        export.error(where, "bad-record", "annotations must be a list", "unreadable record", n=0)
        return
    good: List[Tuple[int, dict]] = []
    for index, annotation in enumerate(annotations):
        if isinstance(annotation, dict) and isinstance(annotation.get("result"), list):
            good.append((index, annotation))
        else:
            export.error(where, "bad-record", f"annotations[{index}] has no result list",
                         "unreadable record", n=0)
    data = item.get("data")
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str):
        n = sum(_count(a) for _, a in good)
        export.read += n
        export.error(where, "bad-record", "data.text (a string) is missing: the task has no text",
                     "task without text", n)
        return
    live = [(index, a) for index, a in good if not a.get("was_cancelled")]
    for _, annotation in good:
        if annotation.get("was_cancelled"):
            _drop(export, annotation, "cancelled annotation")
    if not live:
        # A task of annotate's own output has predictions only: not yet corrected by anyone.
        export.skipped["only cancelled annotations" if good else
                       "predictions only, no annotation" if item.get("predictions") else "no annotation"] += 1
        return
    latest = max(live, key=lambda pair: (_when(pair[1]), _number(pair[1].get("id")), pair[0]))
    for pair in live:
        if pair is not latest:
            _drop(export, pair[1], "earlier annotation of the task")
    index, annotation = latest
    doc_id = data.get("doc_id")
    if not isinstance(doc_id, str):
        doc_id = f"{path.stem}-{item.get('id', number)}"
    export.add(doc_id, text, _spans(export, where, text, index, annotation["result"], scheme), where)


def _spans(export: Export, where: Where, text: str, index: int, results: list,
           scheme: LabelScheme) -> List[Span]:
    offsets = _offsets(text, results)
    spans: List[Span] = []
    for r, result in enumerate(results):
        name = f"annotations[{index}].result[{r}]"
        if not isinstance(result, dict):
            export.read += 1
            export.error(where, "bad-record", f"{name} is not an object", "unreadable record")
            continue
        if result.get("type") != "labels":
            export.read += 1
            export.dropped[f"not a text span ({result.get('type')})"] += 1
            continue
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            export.read += 1
            export.error(where, "bad-label", f"{name}.value.labels is missing or empty", "unknown label")
            continue
        export.read += len(labels)
        quoted = (f"{name}.value.text", value["text"]) if "text" in value else None
        for n, label in enumerate(labels):
            span = take_span(export, where, text, offsets, value.get("start"), value.get("end"),
                             label, scheme, (f"{name}.value.start", f"{name}.value.end",
                                             f"{name}.value.labels[{n}]"), quoted)
            if span is not None:
                spans.append(span)
    return spans


def _offsets(text: str, results: list) -> Offsets:
    """Code points, unless the quoted span texts agree only as UTF-16 code units."""
    points = Offsets(text)
    if all(ord(char) <= 0xFFFF for char in text):
        return points  # both counts agree
    quoted = [(v.get("start"), v.get("end"), v["text"]) for v in
              (r.get("value") for r in results if isinstance(r, dict))
              if isinstance(v, dict) and isinstance(v.get("text"), str)]
    units = Offsets(text, utf16=True)
    if quoted and not _agree(points, text, quoted) and _agree(units, text, quoted):
        return units
    return points


def _agree(offsets: Offsets, text: str, quoted: List[Tuple[object, object, str]]) -> bool:
    for start, end, piece in quoted:
        first = offsets.to_index(start) if type(start) is int else None
        last = offsets.to_index(end) if type(end) is int else None
        if first is None or last is None or text[first:last] != piece:
            return False
    return True


def _count(annotation: dict) -> int:
    """Span annotations in an annotation's result: one per label of a region."""
    n = 0
    for result in annotation["result"]:
        value = result.get("value") if isinstance(result, dict) else None
        labels = value.get("labels") if isinstance(value, dict) else None
        n += len(labels) if isinstance(labels, list) and labels and result.get("type") == "labels" else 1
    return n


def _drop(export: Export, annotation: dict, reason: str) -> None:
    n = _count(annotation)
    export.read += n
    if n:
        export.dropped[reason] += n


def _when(annotation: dict) -> datetime:
    for key in ("updated_at", "created_at"):
        stamp = annotation.get(key)
        if isinstance(stamp, str):
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return _NEVER


def _number(value: object) -> int:
    # Annotation ids are numbers, or numbers as strings in the documented example.
    if type(value) is int:
        return value
    return int(value) if isinstance(value, str) and value.isdecimal() else -1
