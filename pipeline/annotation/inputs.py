"""What `privspan annotate` reads: documents from files, folders, Parquet files, saved HF datasets
and stdin, and what it finds in them.

A bad input (or JSONL line) is reported in one line and skipped; the others are still read.
Read as bracket markup, .txt files and stdin give their clean text; a markup problem is
reported but skips nothing, since the brackets that form no span stay in the text.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from ..files import collect_files, decode, is_saved_dataset, read_text
from ..formats.brackets import parse
from ..formats.jsonl import read_texts
from ..formats.registry import FORMATS
from ..problems import InputError
from ..records import Document

# the file suffixes of the formats annotate reads, each with its format
BY_SUFFIX = {suffix: f for f in FORMATS.values() if f.annotate for suffix in f.suffixes}
SUFFIXES = tuple(BY_SUFFIX)
STDIN = "-"
EMPTY = "error: empty document, nothing to annotate"


def read_documents(inputs: Sequence[str], fail: Callable[[str], None],
                   note: Optional[Callable[[str], None]] = None,
                   markup: Optional[Callable[[str], None]] = None) -> Iterator[Document]:
    """Documents of files, folders, saved HF datasets and stdin in order.

    Each bad input (or JSONL line) is one line to `fail`; `note`, if given, hears the
    encoding of each file. With `markup` given, .txt files and stdin are read as bracket
    markup, and each markup problem is one located line to `markup`.
    """
    for source in inputs:
        if source == STDIN:
            yield from _checked(_stdin_documents(markup), fail)
            continue
        if is_saved_dataset(source):
            yield from _checked(_dataset_documents(Path(source), fail), fail)
            continue
        files, errors = collect_files([source], SUFFIXES)
        for error in errors:
            fail(error)
        for path in files:
            if path.suffix.lower() in FORMATS["parquet"].suffixes:
                # pyarrow loads only for the inputs that need it
                from ..formats.parquet import read_texts as parquet_texts

                yield from _checked(parquet_texts(path, fail), fail)
            else:
                yield from _checked(_file_documents(path, fail, note, markup), fail)


def _checked(docs: Iterator[Document], fail: Callable[[str], None]) -> Iterator[Document]:
    try:
        for doc in docs:
            if doc.text.strip():
                yield doc
            else:
                fail(f"{doc.where}: {EMPTY}")
    except InputError as err:
        fail(str(err))


def _dataset_documents(path: Path, fail: Callable[[str], None]) -> Iterator[Document]:
    # datasets takes a second to import: only for the inputs that need it
    from ..formats.hf import dataset_texts, text_splits

    for split in text_splits(path):
        yield from dataset_texts(path, fail, split)


def _stdin_documents(markup: Optional[Callable[[str], None]]) -> Iterator[Document]:
    text, _ = decode(sys.stdin.buffer.read(), "<stdin>")
    yield Document("stdin", _plain_text(strip_bom(text), "<stdin>", markup), source=STDIN, where="<stdin>")


def _file_documents(path: Path, fail: Callable[[str], None],
                    note: Optional[Callable[[str], None]],
                    markup: Optional[Callable[[str], None]]) -> Iterator[Document]:
    content, encoding = read_text(path)
    if note:
        note(f"{path}: encoding {encoding}")
    yield from text_documents(path, content, fail, markup)


def text_documents(path: Path, content: str, fail: Callable[[str], None],
                   markup: Optional[Callable[[str], None]] = None) -> Iterator[Document]:
    """The documents of a text file's decoded content, read by its suffix (a file named
    outright, whatever its suffix, as plain text): a JSONL file's lines, a page's or a
    Markdown file's visible text, or the text itself (its markup's clean text with `markup`)."""
    content = strip_bom(content)
    told = BY_SUFFIX.get(path.suffix.lower(), FORMATS["brackets"])
    if told.name == "jsonl":
        yield from read_texts(path, content, fail)
    else:
        text = told.text(content) if told.text else _plain_text(content, str(path), markup)
        yield Document(path.stem, text, source=str(path), where=str(path))


def _plain_text(content: str, name: str, markup: Optional[Callable[[str], None]]) -> str:
    if markup is None:
        return content
    parsed = parse(content, name)
    for problem in parsed.problems:
        markup(str(problem))
    return parsed.text


def strip_bom(text: str) -> str:
    # utf-8-sig drops a UTF-8 BOM, but GB18030 and stdin text can still start with one.
    return text[1:] if text.startswith("\ufeff") else text
