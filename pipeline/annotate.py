"""`privspan annotate`: a trained pipeline's spans over policies, as brackets, JSONL or HTML.

Documents are cut into paragraphs (over-long ones at sentence ends) before the model sees
them, so memory follows the batch rather than the document, and the spans found in each
piece are moved back to offsets of the whole document text, which is kept exactly as read.
"""
from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, TextIO, Tuple

import numpy
from spacy import displacy
from spacy.language import Language
from threadpoolctl import threadpool_limits

from .html_text import visible_text
from .markup import render
from .model import load_pipeline, span_categorizer
from .problems import InputError
from .readers import collect_files, decode, read_text
from .suggester import SENTENCE_ENDS
from .units import Span

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
STDIN = "-"
# Peak memory follows the characters in a batch, not the paragraphs: with spaCy's
# mean_max reducer about 90 KB a character (every candidate span's token vectors), so
# 128 paragraphs of 1000 characters took 11.6 GB. Paragraphs are cut at a sentence end
# past MAX_CHARS (19 of CA4P-483's 68,493 are longer) and a batch holds at most
# BATCH_CHARS characters (under 1 GB even with mean_max). Batches that large still pay
# with the edge model: on CA4P-483 the default model ran about 39,000 chars per
# CPU-second in batches of 500 characters, 46,000 in batches of 8,000.
MAX_CHARS = 500
BATCH_CHARS = 8000
BATCH_SIZE = 256
EXTENSIONS = {"brackets": ".txt", "jsonl": ".jsonl", "html": ".html"}
COLORS = {"ACTOR": "#f4a261", "ACTION": "#e76f51", "DATA": "#2a9d8f", "CONTEXT": "#8ab17d"}


@dataclass
class Text:
    """One document to annotate; `source` is the input it came from, `name` names it in messages."""

    source: str
    name: str
    doc_id: str
    text: str


@dataclass
class Annotated:
    doc: Text
    spans: List[Span] = field(default_factory=list)
    scores: List[float] = field(default_factory=list)


def pieces(text: str, max_chars: int = MAX_CHARS) -> Iterator[Tuple[int, str]]:
    """(offset, text) of each non-blank paragraph, cut at sentence ends to max_chars."""
    offset = 0
    for line in text.split("\n"):
        pos = 0
        while pos < len(line):
            end = len(line)
            if end - pos > max_chars:
                end = max(line.rfind(char, pos, pos + max_chars) for char in SENTENCE_ENDS) + 1
                end = end if end > pos else pos + max_chars
            if line[pos:end].strip():
                yield offset + pos, line[pos:end]
            pos = end
        offset += len(line) + 1


# A span found in one piece: (start, end, label, score) in piece offsets.
Found = Tuple[int, int, str, float]


def annotate(nlp: Language, docs: Iterable[Text], *, batch_size: int = BATCH_SIZE,
             n_process: int = 1, threshold: Optional[float] = None,
             progress: Optional[Callable[[int], None]] = None) -> Iterator[Annotated]:
    """Annotate documents in order; `progress` is called with the characters of each piece.

    `threshold` replaces the span categorizer's own (in `nlp` itself, for later calls too).
    """
    spancat = span_categorizer(nlp)
    if threshold is not None:
        spancat.cfg["threshold"] = threshold
    # Each piece's place, in the order the pieces are predicted.
    places: deque = deque()
    open_docs: Dict[int, Annotated] = {}
    found: Dict[int, Dict[Span, float]] = {}

    def texts() -> Iterator[str]:
        for index, doc in enumerate(docs):
            open_docs[index] = Annotated(doc)
            found[index] = {}
            for offset, piece in pieces(doc.text):
                places.append((index, offset, len(piece)))
                yield piece

    def finished(before: Optional[int]) -> Iterator[Annotated]:
        while open_docs and (before is None or next(iter(open_docs)) < before):
            index = next(iter(open_docs))
            yield _settle(open_docs.pop(index), found.pop(index))

    grouped = batches(texts(), batch_size)
    if n_process == 1:
        predicted = (spans for batch in grouped for spans in _predict_one_core(nlp, spancat.key, batch))
    else:
        predicted = _predict_in_pool(nlp, spancat.key, grouped, n_process)
    for spans in predicted:
        index, offset, length = places.popleft()
        yield from finished(index)
        best = found[index]
        for start, end, label, score in spans:
            place = Span(offset + start, offset + end, label)
            best[place] = max(score, best.get(place, 0.0))
        if progress:
            progress(length)
    yield from finished(None)


def batches(texts: Iterable[str], max_texts: int, max_chars: int = BATCH_CHARS) -> Iterator[List[str]]:
    """Consecutive texts in lists of at most max_texts, and max_chars unless one text is longer."""
    batch: List[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= max_texts or size + len(text) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def _predict(nlp: Language, key: str, batch: List[str]) -> List[List[Found]]:
    """The spans of each text of one batch, whitespace trimmed off their edges."""
    result = []
    for doc in nlp.pipe(batch, batch_size=len(batch)):
        group = doc.spans.get(key)
        spans: List[Found] = []
        if group:
            # one score per span; with max_positive = 1 spaCy keeps them as an (n, 1) array
            for span, score in zip(group, numpy.ravel(group.attrs["scores"])):
                start, end = _trim(doc.text, span.start_char, span.end_char)
                if start < end:
                    spans.append((start, end, span.label_, float(score)))
        result.append(spans)
    return result


# Our own pool rather than nlp.pipe(n_process=): spaCy sends every Doc back as bytes, and
# each Doc.to_bytes/from_bytes looks up srsly's msgpack registries (catalogue scans entry
# points), which cost ~0.3 ms a Doc: on short paragraphs that kept the parent process busy
# 13% of the time and added 15% to the workers'. Sending back only the spans found avoids
# it, and as a bonus jieba runs in the workers.
_worker: Optional[Tuple[Language, str]] = None


def _start_worker(nlp: Language, key: str) -> None:
    global _worker
    _worker = (nlp, key)
    threadpool_limits(1, user_api="blas")


def _predict_one_core(nlp: Language, key: str, batch: List[str]) -> List[List[Found]]:
    # --n-process is the one knob for cores: BLAS threads of their own would make one
    # process use two cores, and two processes fight over them.
    with threadpool_limits(1, user_api="blas"):
        return _predict(nlp, key, batch)


def _predict_in_worker(batch: List[str]) -> List[List[Found]]:
    assert _worker is not None, "set by _start_worker"
    return _predict(*_worker, batch)


def _predict_in_pool(nlp: Language, key: str, grouped: Iterable[List[str]],
                     n_process: int) -> Iterator[List[Found]]:
    # Forked workers share the loaded pipeline; it cannot be pickled for spawned ones
    # (the clause suggester is a closure).
    if "fork" not in multiprocessing.get_all_start_methods():
        raise InputError("privspan annotate: error: --n-process above 1 needs the fork start "
                         "method, which this platform lacks")
    context = multiprocessing.get_context("fork")
    with context.Pool(n_process, _start_worker, (nlp, key)) as pool:
        pending: deque = deque()
        for batch in grouped:
            pending.append(pool.apply_async(_predict_in_worker, (batch,)))
            # A few batches ahead keep every worker busy without reading all input first.
            if len(pending) > 2 * n_process:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _trim(text: str, start: int, end: int) -> Tuple[int, int]:
    # A candidate may run over a whitespace token; the span is the same without it.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _settle(result: Annotated, best: Dict[Span, float]) -> Annotated:
    result.spans = sorted(best)
    result.scores = [best[span] for span in result.spans]
    return result


# --- reading inputs -------------------------------------------------------------------

def read_documents(inputs: Sequence[str], fail: Callable[[str], None],
                   note: Optional[Callable[[str], None]] = None) -> Iterator[Text]:
    """Documents of files, folders and stdin in order.

    Each bad input (or JSONL line) is one line to `fail`; `note`, if given, hears the
    encoding of each file.
    """
    for source in inputs:
        if source == STDIN:
            yield from _checked(_stdin_documents(), fail)
            continue
        files, errors = collect_files([source], SUFFIXES)
        for error in errors:
            fail(error)
        for path in files:
            yield from _checked(_file_documents(path, fail, note), fail)


def _checked(docs: Iterator[Text], fail: Callable[[str], None]) -> Iterator[Text]:
    try:
        for doc in docs:
            if doc.text.strip():
                yield doc
            else:
                fail(f"{doc.name}: error: empty document, nothing to annotate")
    except InputError as err:
        fail(str(err))


def _stdin_documents() -> Iterator[Text]:
    text, _ = decode(sys.stdin.buffer.read(), "<stdin>")
    yield Text(STDIN, "<stdin>", "stdin", _strip_bom(text))


def _file_documents(path: Path, fail: Callable[[str], None],
                    note: Optional[Callable[[str], None]]) -> Iterator[Text]:
    content, encoding = read_text(path)
    if note:
        note(f"{path}: encoding {encoding}")
    content = _strip_bom(content)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_documents(path, content, fail)
    elif suffix in (".html", ".htm"):
        yield Text(str(path), str(path), path.stem, visible_text(content))
    else:
        yield Text(str(path), str(path), path.stem, content)


def _strip_bom(text: str) -> str:
    # utf-8-sig drops a UTF-8 BOM, but GB18030 and stdin text can still start with one.
    return text[1:] if text.startswith("\ufeff") else text


def _jsonl_documents(path: Path, content: str, fail: Callable[[str], None]) -> Iterator[Text]:
    for lineno, line in enumerate(content.split("\n"), start=1):
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


# --- writing outputs ------------------------------------------------------------------

def to_jsonl(result: Annotated) -> str:
    text = result.doc.text
    spans = [{"start": s.start, "end": s.end, "label": s.label, "score": round(score, 4),
              "text": text[s.start:s.end]} for s, score in zip(result.spans, result.scores)]
    return json.dumps({"id": result.doc.doc_id, "text": text, "spans": spans}, ensure_ascii=False)


def to_html(result: Annotated) -> str:
    """A displaCy span figure of the document, one line of text per block."""
    text = result.doc.text
    lines = []
    spans = iter(result.spans)
    span = next(spans, None)
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        own = []
        while span is not None and span.start < end + 1:
            own.append(span)
            span = next(spans, None)
        lines.append(_line_tokens(line, start, own))
        start = end + 1
    # displaCy escapes token text but not labels or titles, so those are escaped here.
    figure = displacy.render(lines, style="span", manual=True, jupyter=False,
                             options={"colors": COLORS})
    return (f'<figure style="margin-bottom: 4rem">\n<h2>{html.escape(result.doc.doc_id)}</h2>\n'
            f"{figure}\n</figure>\n")


def _line_tokens(line: str, start: int, spans: List[Span]) -> dict:
    # Tokens cut at span edges only: every token is then inside the same spans throughout,
    # and displaCy, which joins tokens with spaces, adds the fewest of them.
    edges = sorted({0, len(line)} | {s.start - start for s in spans} | {s.end - start for s in spans})
    index = {edge: i for i, edge in enumerate(edges)}
    tokens = [line[a:b] for a, b in zip(edges, edges[1:])]
    return {"text": line, "tokens": tokens, "spans": [
        {"start_token": index[s.start - start], "end_token": index[s.end - start],
         "label": html.escape(s.label)} for s in spans]}


_PAGE_HEAD = ('<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
              "<title>{title}</title>\n</head>\n<body style=\"font-size: 16px; font-family: "
              "sans-serif; padding: 2rem\">\n")
_PAGE_TAIL = "</body>\n</html>\n"


class Output:
    """Where results go: stdout, or one file per input source in a folder."""

    def __init__(self, fmt: str, out_dir: Optional[Path], say: Callable[[str], None],
                 verbose: bool = False) -> None:
        self.fmt = fmt
        self.out_dir = out_dir
        self.say = say
        self.verbose = verbose
        self.stream: Optional[TextIO] = None
        self.source: Optional[str] = None
        self.names: set[str] = set()
        self.ends_line = True
        self.written = 0

    def write(self, result: Annotated) -> bool:
        """Write one result; False when its output file cannot be made."""
        if self.source is None or (self.out_dir is not None and result.doc.source != self.source):
            self.close()
            self.source = result.doc.source
            self.stream = self._open(result.doc)
        if self.stream is None:
            return False
        if self.fmt == "brackets":
            markup, left_out = render(result.doc.text, result.spans, result.scores)
            if self.verbose and left_out:
                self.say(f"{result.doc.name}: {len(left_out)} span(s) left out: they cross "
                         "a higher-scored span, which brackets cannot write")
            # Documents sharing one output each start on a line of their own.
            self.stream.write(("" if self.ends_line else "\n") + markup)
            self.ends_line = markup.endswith("\n")
        elif self.fmt == "jsonl":
            self.stream.write(to_jsonl(result) + "\n")
        else:
            self.stream.write(to_html(result))
        self.written += 1
        return True

    def _open(self, doc: Text) -> Optional[TextIO]:
        self.ends_line = True
        if self.out_dir is None:
            stream: TextIO = sys.stdout
        else:
            path = self._path(doc)
            if doc.source != STDIN and path.resolve() == Path(doc.source).resolve():
                self.say(f"{doc.source}: error: the output {path} would overwrite the input; "
                         "choose another --out folder")
                return None
            try:
                # newline="" writes "\r\n" of the text as is, on every platform.
                stream = path.open("w", encoding="utf-8", newline="")
            except OSError as err:
                self.say(f"{path}: error: cannot write ({err.strerror})")
                return None
        if self.fmt == "html":
            stream.write(_PAGE_HEAD.format(title=html.escape(doc.source)))
        return stream

    def _path(self, doc: Text) -> Path:
        stem = "stdin" if doc.source == STDIN else Path(doc.source).stem
        name, n = stem, 1
        # Two inputs with one stem (a/x.txt, b/x.html) must not overwrite each other.
        while name in self.names:
            n += 1
            name = f"{stem}-{n}"
        self.names.add(name)
        return self.out_dir / (name + EXTENSIONS[self.fmt])

    def close(self) -> None:
        if self.stream is None:
            return
        if self.fmt == "html":
            self.stream.write(_PAGE_TAIL)
        if self.stream is sys.stdout:
            self.stream.flush()
        else:
            self.stream.close()
        self.stream = None


# --- the command ----------------------------------------------------------------------

class Progress:
    """Documents and characters on stderr; messages go around the bar, not through it."""

    def __init__(self, show: bool) -> None:
        self.bar = None
        self.docs = 0
        if show:
            from tqdm import tqdm

            self.bar = tqdm(unit=" chars", unit_scale=True, file=sys.stderr, mininterval=0.5,
                            bar_format="annotate: {n_fmt} chars{postfix} [{elapsed}, {rate_fmt}]",
                            postfix="0 docs")

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def chars(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def document(self) -> None:
        self.docs += 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.docs} docs", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_annotate(args: argparse.Namespace) -> int:
    if args.n_process < 1 or (args.batch_size is not None and args.batch_size < 1):
        print("privspan annotate: error: --n-process and --batch-size must be at least 1",
              file=sys.stderr)
        return 2
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        print("privspan annotate: error: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    nlp = load_pipeline(args.model)
    span_categorizer(nlp)  # a pipeline without one fails here, before any input is read
    out_dir = Path(args.out) if args.out not in (None, STDIN) else None
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{out_dir}: error: cannot make the output folder ({err.strerror})") from None
    many = len(args.inputs) > 1 or any(Path(i).is_dir() or i.endswith(".jsonl") for i in args.inputs)
    progress = Progress(not args.quiet and (sys.stderr.isatty() or many))
    failed = False

    def say_error(message: str) -> None:
        nonlocal failed
        failed = True
        progress.say(message)

    output = Output(args.format, out_dir, progress.say, args.verbose)
    started = time.perf_counter()
    n_chars = 0
    try:
        docs = read_documents(args.inputs, say_error, progress.say if args.verbose else None)
        for result in annotate(nlp, docs, batch_size=args.batch_size or BATCH_SIZE,
                               n_process=args.n_process,
                               threshold=args.threshold, progress=progress.chars):
            if not output.write(result):
                failed = True
            n_chars += len(result.doc.text)
            progress.document()
    finally:
        output.close()
        progress.close()
    if args.verbose:
        seconds = time.perf_counter() - started
        print(f"annotated {output.written} document(s), {n_chars} characters in {seconds:.1f} s "
              f"({n_chars / max(seconds, 1e-9):.0f} chars/s)", file=sys.stderr)
    return 1 if failed else 0

