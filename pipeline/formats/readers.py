"""Every annotated format the project reads, as documents: which reader takes which format,
and a file read whole, `.spacy` included. `convert`, `diff` and `select` read through here."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Optional

from ..problems import InputError
from ..records import Document
from ..schema import SPANS_KEY, LabelScheme
from . import bios, brackets, doccano, jsonl, labelstudio, prodigy
from .tasks import Export, Record, Where, detect

SUFFIXES = {"brackets": (".txt",), "jsonl": (".jsonl",), "labelstudio": (".json",),
            "doccano": (".jsonl",), "prodigy": (".jsonl",), "bios": bios.SUFFIXES,
            "spacy": (".spacy",)}
ALL_SUFFIXES = (".txt", ".jsonl", ".json", *bios.SUFFIXES)
READERS: Dict[str, Callable[[Path, str, LabelScheme], Export]] = {
    "brackets": lambda path, content, scheme: brackets.read_export(path, content),
    "jsonl": jsonl.read_export,
    "labelstudio": labelstudio.read,
    "doccano": doccano.read,
    "prodigy": prodigy.read,
    "bios": bios.read_export,
}


def format_of(path: Path, content: str, fmt: str = "auto") -> Optional[str]:
    """The format to read `path` in: `fmt` unless auto, else told by suffix and content."""
    if fmt != "auto":
        return fmt
    return "bios" if path.suffix.lower() in bios.SUFFIXES else detect(path, content)


def read_docbin_export(path: Path, spans_key: str = SPANS_KEY) -> Export:
    """A `.spacy` file as documents, one per Doc (a paragraph of `privspan corpus`), named
    `doc_id:line` from its user_data, with the annotated offsets (`gold_chars`) when kept,
    else the Doc's spans. Raises InputError for an unreadable file."""
    from spacy.vocab import Vocab

    from .docbin import gold_spans, read_docbin

    export = Export()
    for i, doc in enumerate(read_docbin(path, Vocab()), start=1):
        data = doc.user_data
        doc_id = str(data.get("id") or f"{data.get('doc_id', path.stem)}:{data.get('line', i)}")
        spans = gold_spans(doc, spans_key)
        export.read += len(spans)
        export.records.append(Record(Document(doc_id, doc.text, sorted(set(spans))), Where(str(path), i).at))
    return export


def read_file(path: Path, scheme: LabelScheme, fmt: str = "auto") -> Export:
    """The documents of one file of any readable format; InputError if it cannot be read or
    its format cannot be told. Bad records are the export's problems, the rest kept."""
    from ..files import read_text

    if fmt == "spacy" or (fmt == "auto" and path.suffix.lower() == ".spacy"):
        return read_docbin_export(path)
    content, _ = read_text(path)
    told = format_of(path, content, fmt)
    if told is None:
        raise InputError(f"{path}: error: cannot tell its format from its suffix and content; give --from")
    return READERS[told](path, content, scheme)
