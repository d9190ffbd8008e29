"""The one table of formats: each format's name, the files it is in, how a file of it is told
apart, its reader and whether it is written. Every command reads through `read`, and takes
its choice of formats and its file suffixes from `FORMATS`, so a format added here is known
to all of them.

A reader takes a file (or a folder, for CA4P-483 and saved HF datasets) and a label scheme
and returns an `Export`: the documents, each bad record or span as a located problem, and
counts that add up. Several formats share `.jsonl`; the first line whose keys say which
decides (`recognise`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..files import collect_files, is_saved_dataset, read_text
from ..problems import InputError
from ..schema import LabelScheme
from . import bios, brackets, capp130, doccano, html, jsonl, labelstudio, markdown, prodigy
from .tasks import Export

# (path, scheme) -> what a binary file or a folder holds; InputError if it cannot be read at all
Reader = Callable[[Path, LabelScheme], Export]
# (path, its decoded content, scheme) -> what a text file holds
Parser = Callable[[Path, str, LabelScheme], Export]


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: Tuple[str, ...]  # its files' suffixes, the first the one written; () for a folder
    help: str
    # annotated documents (gold, or a model's with scores): of a text file's content, or else
    # of a binary file or a folder
    parse: Optional[Parser] = None
    read: Optional[Reader] = None
    writes: bool = False  # convert --to and annotate --format write it
    annotate: bool = False  # annotate reads its files' text (their spans, if any, ignored)
    text: Optional[Callable[[str], str]] = None  # the text a file of it shows, where not itself
    # a JSONL line's keys that say the file is of this format
    recognise: Optional[Callable[[dict], bool]] = None
    folder: Optional[Callable[[Path], bool]] = None  # a folder of this format

    @property
    def readable(self) -> bool:
        return self.parse is not None or self.read is not None


def _docbin(path: Path, scheme: LabelScheme) -> Export:
    from .docbin import read
    return read(path, scheme)


def _parquet(path: Path, scheme: LabelScheme) -> Export:
    from .parquet import read
    return read(path, scheme)


def _ca4p(path: Path, scheme: LabelScheme) -> Export:
    from .ca4p import read
    return read(path, scheme)


def _hf(path: Path, scheme: LabelScheme) -> Export:
    from .hf import read  # datasets takes a second to import: only for the inputs that need it
    return read(path, scheme)


def _is_ca4p(path: Path) -> bool:
    from .ca4p import is_ca4p_folder
    return is_ca4p_folder(path)


FORMATS: Dict[str, Format] = {f.name: f for f in (
    Format("brackets", (".txt",), "bracket markup, one document a file",
           parse=brackets.read, writes=True, annotate=True),
    Format("jsonl", (".jsonl",), 'privspan\'s {"id", "text", "spans"} lines',
           parse=jsonl.read, writes=True, annotate=True,
           recognise=lambda line: "id" in line and "text" in line),
    Format("labelstudio", (".json",), "Label Studio tasks or export (a JSON list)",
           parse=labelstudio.read, writes=True),
    Format("doccano", (".jsonl",), "doccano sequence labeling lines (UTF-16 offsets)",
           parse=doccano.read, writes=True,
           recognise=lambda line: any(key in line for key in doccano.SPAN_KEYS)),
    Format("prodigy", (".jsonl",), "Prodigy tasks with tokens (accepted answers read)",
           parse=prodigy.read, writes=True,
           recognise=lambda line: "tokens" in line or "answer" in line),
    Format("bios", bios.SUFFIXES, "character BIO files, a sentence each (CA4P-483's dev.char.bios)",
           parse=bios.read),
    Format("spacy", (".spacy",), "DocBins of privspan corpus (paragraphs)", read=_docbin),
    Format("parquet", (".parquet",), "Parquet: id/text rows to annotate, annotate's shards read back",
           read=_parquet, writes=True, annotate=True),
    Format("html", (".html", ".htm"), "a web page's visible text; annotations as a page",
           writes=True, annotate=True, text=html.visible_text),
    Format("markdown", (".md", ".markdown"), "a Markdown policy's visible text", annotate=True,
           text=markdown.visible_text),
    Format("ca4p", (), "a CA4P-483 folder (raw_data/*.html, annotation_data/*.json)", read=_ca4p,
           folder=_is_ca4p),
    Format("capp130", (), "a CAPP-130 folder (Annotation/rw_N.jsonl: a policy's sentences and their topics)",
           read=capp130.read, folder=capp130.is_capp130),
    Format("hf", (), "a saved HF dataset (save_to_disk) of id/text rows or paragraphs",
           read=_hf, annotate=True, folder=is_saved_dataset),
)}

READABLE = tuple(name for name, f in FORMATS.items() if f.readable)
WRITABLE = tuple(name for name, f in FORMATS.items() if f.writes)
# checked in this order: the first that recognises a line wins (Prodigy's and doccano's
# tasks may carry an "id" too)
_BY_LINE = ("prodigy", "doccano", "jsonl")


def suffixes(names: Iterable[str]) -> Tuple[str, ...]:
    """The file suffixes of these formats, each once."""
    return tuple(dict.fromkeys(s for name in names for s in FORMATS[name].suffixes))


def extension(name: str) -> str:
    """The suffix of a file written in this format."""
    return FORMATS[name].suffixes[0]


def format_of(path: Path, fmt: str = "auto", content: Optional[Callable[[], str]] = None) -> Optional[Format]:
    """The format to read `path` in: `fmt` unless auto, else told by folder, suffix and, for
    `.json` and `.jsonl`, its content (`content()`, the file decoded, by default read here);
    None if it cannot be told."""
    if fmt != "auto":
        return FORMATS[fmt]
    if path.is_dir():
        return next((f for f in FORMATS.values() if f.folder and f.folder(path)), None)
    content = content or (lambda: read_text(path)[0])
    suffix = path.suffix.lower()
    found = [f for f in FORMATS.values() if suffix in f.suffixes and f.readable]
    if len(found) == 1:
        if found[0].name == "labelstudio" and not content().lstrip("\ufeff \t\r\n").startswith("["):
            return None
        return found[0]
    return _by_line(content()) if found else None


def read(path: Path, scheme: LabelScheme, fmt: str = "auto") -> Export:
    """The documents of one file or format folder; InputError if it cannot be read or its
    format cannot be told. Bad records are the export's problems, the rest kept. A text file
    is decoded once, for telling its format and for reading it."""
    decoded: List[str] = []

    def content() -> str:
        if not decoded:
            decoded.append(read_text(path)[0])
        return decoded[0]

    told = format_of(path, fmt, content)
    if told is None:
        raise InputError(f"{path}: error: cannot tell its format from its suffix and content; "
                         "give its format")
    if told.parse is not None:
        return told.parse(path, content(), scheme)
    if told.read is None:
        raise InputError(f"{path}: error: {told.name} holds no annotations to read")
    return told.read(path, scheme)


def read_each(sources: Sequence[str | Path], scheme: LabelScheme, fmt: str = "auto",
              names: Sequence[str] = READABLE) -> Iterator[Tuple[Path, Export]]:
    """What each input holds, an input at a time: files, format folders, and the files of the
    formats `names` (or of `fmt`) in other folders. An input that cannot be read is an
    export with one error, and the rest are still read."""
    wanted = (fmt,) if fmt != "auto" else tuple(names)
    for source in sources:
        path = Path(source)
        if path.is_dir() and any(FORMATS[name].folder and FORMATS[name].folder(path) for name in wanted):
            files = [path]
        else:
            files, errors = collect_files([path], suffixes(wanted))
            for error in errors:
                yield path, Export(errors=[error])
        for file in files:
            try:
                yield file, read(file, scheme, fmt)
            except InputError as err:
                yield file, Export(errors=[str(err)])


def read_all(sources: Sequence[str | Path], scheme: LabelScheme, fmt: str = "auto",
             names: Sequence[str] = READABLE) -> Export:
    """Everything the sources hold, in one export (`read_each`, merged)."""
    export = Export()
    for _, one in read_each(sources, scheme, fmt, names):
        export.merge(one)
    return export


def _by_line(content: str) -> Optional[Format]:
    for line in content.split("\n"):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the reader reports it; a later line may still tell the format
        if isinstance(record, dict):
            for name in _BY_LINE:
                if FORMATS[name].recognise(record):
                    return FORMATS[name]
    return None
