"""Where `privspan annotate` (and `privspan select`) write their results: brackets, JSONL,
HTML, or pre-annotations for Label Studio, doccano and Prodigy (each written by its module
of `formats/`), to stdout, one file per input, or one file for all."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence, TextIO

from spacy.tokens import Doc

from .inputs import STDIN
from ..formats import doccano, html, jsonl, labelstudio, prodigy
from ..formats.brackets import render
from ..formats.registry import WRITABLE, extension
from ..records import Document
from ..schema import LABELS

# the formats written a document at a time (Parquet shards are a job's: processing/job.py)
OUTPUT_FORMATS = tuple(name for name in WRITABLE if name != "parquet")


class Output:
    """Where results go: stdout, one file per input source in a folder (`out_dir`), or
    every result into one file (`out_file`).

    `labels` go into Label Studio's labeling config (written into the folder, or beside the
    file), `tokenizer` gives Prodigy's tokens and `model_version` names the model in Label
    Studio's predictions.
    """

    def __init__(self, fmt: str, out_dir: Optional[Path], say: Callable[[str], None],
                 verbose: bool = False, labels: Sequence[str] = LABELS,
                 tokenizer: Optional[Callable[[str], Doc]] = None,
                 model_version: str = "privspan", out_file: Optional[Path] = None) -> None:
        if fmt == "prodigy" and tokenizer is None:
            raise ValueError("Prodigy's tasks need a tokenizer")
        self.fmt = fmt
        self.out_dir = out_dir
        self.out_file = out_file
        self.say = say
        self.verbose = verbose
        self.tokenizer = tokenizer
        self.model_version = model_version
        self.stream: Optional[TextIO] = None
        self.source: Optional[str] = None
        self.names: set[str] = set()
        self.ends_line = True
        self.written = 0
        self.tasks: List[dict] = []  # Label Studio's, written as one JSON list when a file closes
        folder = out_file.parent if out_file is not None else out_dir
        if fmt == "labelstudio" and folder is not None:
            config = folder / labelstudio.CONFIG_NAME
            try:
                config.write_text(labelstudio.label_config(labels), encoding="utf-8")
            except OSError as err:
                say(f"{config}: error: cannot write ({err.strerror})")

    def write(self, result: Document) -> bool:
        """Write one document (a model's spans if it has scores, else gold); False when its
        output file cannot be made."""
        if self.source is None or (self.out_dir is not None and result.source != self.source):
            self.close()
            self.source = result.source
            self.stream = self._open(result)
        if self.stream is None:
            return False
        if self.fmt == "brackets":
            markup, left_out = render(result.text, result.spans, result.score_list())
            if self.verbose and left_out:
                self.say(f"{result.where}: {len(left_out)} span(s) left out: they cross "
                         "a higher-scored span, which brackets cannot write")
            # Documents sharing one output each start on a line of their own.
            self.stream.write(("" if self.ends_line else "\n") + markup)
            self.ends_line = markup.endswith("\n")
        elif self.fmt == "jsonl":
            self.stream.write(jsonl.write(result) + "\n")
        elif self.fmt == "html":
            self.stream.write(html.write(result))
        else:
            self._write_task(result)
        self.written += 1
        return True

    def _write_task(self, doc: Document) -> None:
        if self.fmt == "labelstudio":
            self.tasks.append(labelstudio.write(doc, self.model_version))
        elif self.fmt == "doccano":
            self.stream.write(doccano.write(doc) + "\n")
        else:
            self.stream.write(prodigy.write(doc, self.tokenizer) + "\n")

    def _open(self, doc: Document) -> Optional[TextIO]:
        self.ends_line = True
        if self.out_dir is None and self.out_file is None:
            stream: TextIO = sys.stdout
        else:
            path = self.out_file or self._path(doc)
            if self.out_file is None and doc.source != STDIN and path.resolve() == Path(doc.source).resolve():
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
            stream.write(html.page_head(doc.where if doc.source == STDIN else Path(doc.source).name))
        return stream

    def _path(self, doc: Document) -> Path:
        stem = "stdin" if doc.source == STDIN else Path(doc.source).stem
        name, n = stem, 1
        # Two inputs with one stem (a/x.txt, b/x.html) must not overwrite each other.
        while name in self.names:
            n += 1
            name = f"{stem}-{n}"
        self.names.add(name)
        return self.out_dir / (name + extension(self.fmt))

    def close(self) -> None:
        if self.stream is None:
            return
        if self.fmt == "html":
            self.stream.write(html.PAGE_TAIL)
        elif self.fmt == "labelstudio":
            self.stream.write(labelstudio.tasks_json(self.tasks))
            self.tasks = []
        if self.stream is sys.stdout:
            self.stream.flush()
        else:
            self.stream.close()
        self.stream = None


def write_file(fmt: str, documents: Iterable[Document], out: Optional[Path], say: Callable[[str], None],
               **settings: object) -> bool:
    """Every document into one file (its folder made) or, without `out`, stdout; `settings`
    go to Output. False, after `say` heard why, when something could not be written."""
    problems: List[str] = []

    def heard(message: str) -> None:
        problems.append(message)
        say(message)

    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            heard(f"{out.parent}: error: cannot make the output folder ({err.strerror})")
            return False
    output = Output(fmt, None, heard, out_file=out, **settings)
    try:
        for doc in documents:
            output.write(doc)
    finally:
        output.close()
    return not problems
