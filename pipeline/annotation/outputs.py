"""Where `privspan annotate` writes its results: brackets, JSONL or HTML (each written by
its module of `formats/`), to stdout or one file per input."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional, TextIO

from .inputs import STDIN
from ..records import Annotated, Text
from ..formats.brackets import render
from ..formats.html import PAGE_TAIL, page_head, to_html
from ..formats.jsonl import to_jsonl

EXTENSIONS = {"brackets": ".txt", "jsonl": ".jsonl", "html": ".html"}


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
            # Named after the input file, not the path it was read from.
            stream.write(page_head(doc.name if doc.source == STDIN else Path(doc.source).name))
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
            self.stream.write(PAGE_TAIL)
        if self.stream is sys.stdout:
            self.stream.flush()
        else:
            self.stream.close()
        self.stream = None
