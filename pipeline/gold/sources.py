"""Gold from any readable source (formats/registry.py) cut into paragraphs (units).

The counts kept make the corpus report add up: annotations read = spans written + spans
dropped, each drop with its reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List

from ..formats.registry import FORMATS, READABLE, read_all
from ..formats.tasks import Export
from ..records import Document, Unit, split_units
from ..schema import get_scheme

FORMATS_READ = ("auto",) + READABLE


@dataclass
class Gathered(Export):
    """What reading the sources gave, and their documents cut into paragraphs."""

    units: List[Unit] = field(default_factory=list)

    @property
    def policies(self) -> int:
        """Documents read (a paragraph's document counts once)."""
        return len({d.id for d in self.documents})


def units_of(document: Document) -> List[Unit]:
    """A document's paragraphs; a paragraph already (a sentence of a BIO file, a Doc of a
    corpus, a row of a dataset) is one unit as it is."""
    if document.line is not None:
        return [Unit(document.id, document.line, document.text, document.spans)]
    return split_units(document)


def gather(sources: Iterable[str | Path], fmt: str = "auto", scheme: str = "project",
           strict: bool = False) -> Gathered:
    """Read all sources; bad inputs become errors and the rest is still read.

    With `strict`, a bracket file with markup errors is left out whole (its problems are
    still reported).
    """
    gathered = Gathered()
    # a folder's .spacy files are corpora built before (often into the same folder), not gold
    in_folders = tuple(name for name in READABLE if name != "spacy")
    gathered.merge(read_all(list(sources), get_scheme(scheme), fmt, in_folders))
    if strict:
        failing = {p.path for p in gathered.problems if p.is_error}
        kept = []
        for document in gathered.documents:
            if document.source in failing and Path(document.source).suffix in FORMATS["brackets"].suffixes:
                gathered.dropped["file with markup errors (--strict)"] += len(document.spans)
            else:
                kept.append(document)
        gathered.documents = kept
    gathered.units = [unit for document in gathered.documents for unit in units_of(document)]
    return gathered
