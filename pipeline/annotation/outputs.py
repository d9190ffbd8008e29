"""Where `privspan annotate` writes its results: brackets, JSONL or HTML, to stdout or files."""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from typing import Callable, List, Optional, TextIO

from spacy import displacy

from .inputs import STDIN, Annotated, Text
from ..formats.brackets import render
from ..units import Span

EXTENSIONS = {"brackets": ".txt", "jsonl": ".jsonl", "html": ".html"}
COLORS = {"ACTOR": "#f4a261", "ACTION": "#e76f51", "DATA": "#2a9d8f", "CONTEXT": "#8ab17d"}


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
