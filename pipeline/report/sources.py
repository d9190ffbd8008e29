"""The policies a report reads: what `annotate` writes (JSONL, Parquet shards) and gold
(`.spacy` corpora, whose paragraphs are grouped back into policies; bracket files; CA4P-483
folders). Each bad input or record is one located line to `fail`; the rest is still read."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from ..files import collect_files, read_text
from ..problems import InputError
from ..records import Span

SUFFIXES = (".jsonl", ".parquet", ".spacy", ".txt")


@dataclass
class Policy:
    """One policy: its id, text and spans (document offsets, any label of either scheme)."""

    id: str
    text: str
    spans: List[Span]
    scores: Optional[Dict[Span, float]] = None  # annotate's scores, where the input has them

    def above(self, threshold: float) -> "Policy":
        """The policy with only the spans scored at least `threshold` (all, without scores)."""
        if self.scores is None:
            return self
        kept = [s for s in self.spans if self.scores.get(s, 1.0) >= threshold]
        return Policy(self.id, self.text, kept, {s: self.scores[s] for s in kept if s in self.scores})


def read_policies(sources: Iterable[str], fail: Callable[[str], None], labels: str = "project") -> List[Policy]:
    """Every policy of the sources, in the order given; `labels` is the scheme a CA4P-483
    folder is read in."""
    from ..formats.ca4p import is_ca4p_folder

    policies: List[Policy] = []
    for source in sources:
        path = Path(source)
        if path.is_dir() and is_ca4p_folder(path):
            policies.extend(_ca4p(path, fail, labels))
            continue
        files, errors = collect_files([path], SUFFIXES)
        for error in errors:
            fail(error)
        for file in files:
            try:
                policies.extend(_read_file(file, fail))
            except InputError as err:
                fail(str(err))
    return policies


def _read_file(file: Path, fail: Callable[[str], None]) -> Iterator[Policy]:
    suffix = file.suffix.lower()
    if suffix == ".parquet":
        yield from _parquet(file, fail)
    elif suffix == ".spacy":
        yield from _docbin(file, fail)
    else:
        content, _ = read_text(file)
        yield from (_jsonl(file, content, fail) if suffix == ".jsonl" else _brackets(file, content, fail))


def _checked(where: str, doc_id: object, text: object, spans: object, fail: Callable[[str], None]) -> Policy | None:
    """A policy from a record's fields, or None after one located line saying what is wrong."""
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        fail(f"{where}: error: bad record: needs an \"id\" (string or number)")
        return None
    if not isinstance(text, str):
        fail(f"{where}: error: bad record {doc_id!s}: needs a \"text\" (string)")
        return None
    out: List[Span] = []
    scores: Dict[Span, float] = {}
    for n, span in enumerate(spans or [], start=1):
        try:
            start, end, label = int(span["start"]), int(span["end"]), str(span["label"])
            score = float(span["score"]) if span.get("score") is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):
            fail(f"{where}: error: bad span {n} of {doc_id!s}: needs \"start\", \"end\" (numbers) and \"label\"")
            return None
        if not 0 <= start < end <= len(text):
            fail(f"{where}: error: span {n} of {doc_id!s} ({start}, {end}) is outside its text "
                 f"of {len(text)} characters")
            return None
        out.append(Span(start, end, label))
        if score is not None:
            scores[out[-1]] = max(score, scores.get(out[-1], score))
    return Policy(str(doc_id), text, sorted(set(out)), scores or None)


def _jsonl(file: Path, content: str, fail: Callable[[str], None]) -> Iterator[Policy]:
    for lineno, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{file}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            fail(f"{where}: error: bad JSONL line: {err.msg} (column {err.colno})")
            continue
        if not isinstance(record, dict):
            fail(f"{where}: error: bad record: a JSON object with \"id\", \"text\" and \"spans\" expected")
            continue
        spans = record.get("spans", [])
        if not isinstance(spans, list):
            fail(f"{where}: error: bad record: \"spans\" must be a list")
            continue
        policy = _checked(where, record.get("id"), record.get("text"), spans, fail)
        if policy is not None:
            yield policy


def _parquet(file: Path, fail: Callable[[str], None]) -> Iterator[Policy]:
    from ..formats.parquet import read_annotated

    for row, record in read_annotated(file, fail):
        policy = _checked(f"{file}: row {row}", record["id"], record["text"], record["spans"], fail)
        if policy is not None:
            yield policy


def _docbin(file: Path, fail: Callable[[str], None]) -> Iterator[Policy]:
    """A corpus' paragraphs grouped back into policies by their `doc_id`, in line order, joined
    by line breaks; spans from the annotated offsets (`gold_chars`) where the corpus kept them."""
    from spacy.vocab import Vocab

    from ..formats.docbin import gold_spans, read_docbin

    groups: Dict[str, List[Tuple[int, str, List[Span]]]] = {}
    for n, doc in enumerate(read_docbin(file, Vocab())):
        data = doc.user_data
        doc_id = str(data.get("doc_id", f"{file.stem}:{n + 1}"))
        groups.setdefault(doc_id, []).append((int(data.get("line", n + 1)), doc.text, gold_spans(doc)))
    for doc_id, paragraphs in groups.items():
        pieces, spans, offset = [], [], 0
        for _, text, own in sorted(paragraphs, key=lambda p: p[0]):
            pieces.append(text)
            spans.extend(Span(s.start + offset, s.end + offset, s.label) for s in own)
            offset += len(text) + 1
        yield Policy(doc_id, "\n".join(pieces), sorted(spans))


def _brackets(file: Path, markup: str, fail: Callable[[str], None]) -> Iterator[Policy]:
    from ..formats.brackets import parse

    parsed = parse(markup, str(file))
    for problem in parsed.errors:
        fail(str(problem))
    yield Policy(file.stem, parsed.text, parsed.spans)


def _ca4p(folder: Path, fail: Callable[[str], None], labels: str) -> Iterator[Policy]:
    from ..formats.ca4p import read_ca4p

    result = read_ca4p(folder, labels)
    for problem in result.problems:
        if problem.is_error:
            fail(str(problem))
    for document in result.documents:
        yield Policy(document.doc_id, document.text, document.spans)
