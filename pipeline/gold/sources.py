"""Every gold source (bracket files, CA4P-483 folders, HF datasets, character BIO files,
exports of Label Studio, doccano and Prodigy) read into units.

The counts kept here make the corpus report add up: annotations read = spans written +
spans dropped, each drop with its reason.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, List, Tuple

from ..formats import doccano, jsonl, labelstudio, prodigy
from ..formats.brackets import parse
from ..formats.tasks import detect
from ..problems import InputError, Problem
from ..files import collect_files, read_text
from ..formats.bios import SUFFIXES as BIOS_SUFFIXES
from ..records import Document, Unit, split_units
from ..schema import get_scheme

# The annotation tools' exports: the reader of each, and the files it reads in a folder.
EXPORTS = {
    "jsonl": (jsonl.read_export, (".jsonl",)),
    "labelstudio": (labelstudio.read, (".json",)),
    "doccano": (doccano.read, (".jsonl",)),
    "prodigy": (prodigy.read, (".jsonl",)),
}
FORMATS = ("auto", "brackets", "ca4p", "hf", "bios", *EXPORTS)


@dataclass
class Gathered:
    units: List[Unit] = field(default_factory=list)
    documents: int = 0
    problems: List[Problem] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)  # inputs that could not be read at all
    read: int = 0  # annotations read
    dropped: Counter = field(default_factory=Counter)  # by reason
    skipped: Counter = field(default_factory=Counter)  # tasks of exports left out whole, by reason
    bad_records: int = 0  # records of exports left out as malformed: they fail the build

    def add_document(self, document: Document) -> None:
        self.units.extend(split_units(document))
        self.documents += 1


def detect_format(path: Path) -> str:
    from ..formats.ca4p import is_ca4p_folder

    if path.is_dir() and is_ca4p_folder(path):
        return "ca4p"
    if path.is_dir() and any((path / name).exists() for name in ("dataset_dict.json", "dataset_info.json")):
        return "hf"
    if path.suffix.lower() in BIOS_SUFFIXES:
        return "bios"
    if path.is_file() and path.suffix.lower() in (".json", ".jsonl"):
        return "export"  # which tool's, each file's content tells
    return "brackets"


def gather(sources: Iterable[str | Path], fmt: str = "auto", scheme: str = "project",
           strict: bool = False) -> Gathered:
    """Read all sources; bad inputs become errors and the rest is still read.

    With `strict`, a bracket file with markup errors is left out whole (its problems are
    still reported).
    """
    gathered = Gathered()
    for source in sources:
        path = Path(source)
        kind = detect_format(path) if fmt == "auto" else fmt
        if kind == "ca4p":
            _gather_ca4p(gathered, path, scheme)
        elif kind == "hf":
            _gather_hf(gathered, path)
        elif kind == "bios":
            _gather_bios(gathered, path, scheme)
        elif kind in EXPORTS or kind == "export":
            _gather_export(gathered, path, kind, scheme)
        else:
            _gather_brackets(gathered, path, strict)
    return gathered


def _files(gathered: Gathered, path: Path, suffixes: Tuple[str, ...]) -> Iterator[Tuple[Path, str]]:
    """The decoded files of a source; each one that cannot be read is an error, the rest go on."""
    files, errors = collect_files([path], suffixes)
    gathered.errors.extend(errors)
    for file in files:
        try:
            content, _ = read_text(file)
        except InputError as err:
            gathered.errors.append(str(err))
            continue
        yield file, content


def _gather_brackets(gathered: Gathered, path: Path, strict: bool) -> None:
    for file, markup in _files(gathered, path, (".txt",)):
        parsed = parse(markup, str(file))
        gathered.problems.extend(parsed.problems)
        gathered.read += len(parsed.spans)
        if strict and parsed.errors:
            gathered.dropped["file with markup errors (--strict)"] += len(parsed.spans)
            continue
        gathered.add_document(Document(file.stem, parsed.text, parsed.spans))


def _gather_ca4p(gathered: Gathered, path: Path, scheme: str) -> None:
    from ..formats.ca4p import read_ca4p

    result = read_ca4p(path, scheme)
    gathered.problems.extend(result.problems)
    gathered.read += result.read
    gathered.dropped.update(result.dropped)
    for document in result.documents:
        gathered.add_document(document)


def _gather_export(gathered: Gathered, path: Path, fmt: str, scheme: str) -> None:
    for file, content in _files(gathered, path, EXPORTS[fmt][1] if fmt in EXPORTS else (".json", ".jsonl")):
        kind = fmt if fmt in EXPORTS else detect(file, content)
        if kind not in EXPORTS:
            gathered.errors.append(f"{file}: error: neither privspan's JSONL nor an export of Label "
                                   "Studio, doccano or Prodigy that its content tells apart; give --format")
            continue
        export = EXPORTS[kind][0](file, content, get_scheme(scheme))
        gathered.problems.extend(export.problems)
        gathered.read += export.read
        gathered.dropped.update(export.dropped)
        gathered.skipped.update(export.skipped)
        gathered.bad_records += export.bad
        for record in export.records:
            gathered.add_document(record.document)


def _gather_hf(gathered: Gathered, path: Path) -> None:
    from ..formats.hf import load_units

    try:
        splits = load_units(path)
    except InputError as err:
        gathered.errors.append(str(err))
        return
    units = [unit for split in splits.values() for unit in split]
    gathered.units.extend(units)
    gathered.documents += len({u.doc_id for u in units})
    gathered.read += sum(len(u.spans) for u in units)


def _gather_bios(gathered: Gathered, path: Path, scheme: str) -> None:
    from ..formats.bios import read_bios

    files, errors = collect_files([path], BIOS_SUFFIXES)
    gathered.errors.extend(errors)
    for file in files:
        try:
            result = read_bios(file, scheme)
        except InputError as err:
            gathered.errors.append(str(err))
            continue
        gathered.problems.extend(result.problems)
        gathered.read += result.read
        gathered.dropped.update(result.dropped)
        gathered.units.extend(result.units)
        gathered.documents += 1
