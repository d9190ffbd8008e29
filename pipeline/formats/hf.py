"""HuggingFace `datasets` interchange: one row per Unit, one split per corpus split; and any
saved dataset with `id` and `text` columns as documents to annotate."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional

import datasets

from ..problems import InputError
from ..records import Document, Span, Unit
from ..schema import LabelScheme
from .tasks import Export, Offsets, Where, take_span

# Explicit features, so a split whose units hold no span still types `spans` as a list of
# structs instead of an unusable list of nulls.
FEATURES = datasets.Features({
    "id": datasets.Value("string"),
    "doc_id": datasets.Value("string"),
    "line": datasets.Value("int32"),
    "text": datasets.Value("string"),
    # A list literal (not `datasets.List`) so datasets 2.x, which pyproject allows, reads it too.
    "spans": [{
        "start": datasets.Value("int32"),
        "end": datasets.Value("int32"),
        "label": datasets.Value("string"),
    }],
})
REQUIRED_COLUMNS = ("id", "doc_id", "text", "spans")


def units_to_dataset(units: List[Unit]) -> datasets.Dataset:
    return datasets.Dataset.from_dict({
        "id": [unit.id for unit in units],
        "doc_id": [unit.doc_id for unit in units],
        "line": [unit.line for unit in units],
        "text": [unit.text for unit in units],
        "spans": [[span.to_dict() for span in unit.spans] for unit in units],
    }, features=FEATURES)


def save_splits(splits: Dict[str, List[Unit]], out_dir: Path) -> datasets.DatasetDict:
    dataset = datasets.DatasetDict({name: units_to_dataset(units) for name, units in splits.items()})
    # An empty split would get 0 shards and then fail to load (datasets PR #8385); one shard
    # for it keeps an empty test split loadable.
    dataset.save_to_disk(str(out_dir),
                         num_shards={name: 1 for name, split in dataset.items() if len(split) == 0})
    return dataset


def load_units(path: Path) -> Dict[str, List[Unit]]:
    """Units of a dataset saved with `save_to_disk`; a lone Dataset becomes split "train"."""
    splits = _splits(_load(path))
    return {name or "train": _dataset_units(split, path, name or "train") for name, split in splits.items()}


def read(path: Path, scheme: LabelScheme) -> Export:
    """Every split's rows as paragraphs of their documents (`doc_id`, `line`), each span
    checked against its text and the scheme."""
    export = Export()
    for split, units in load_units(path).items():
        for unit in units:
            where = Where(str(path), unit.line, name=f"[{split}] {unit.id}: ")
            offsets = Offsets(unit.text)
            export.read += len(unit.spans)
            spans = [take_span(export, where, unit.text, offsets, s.start, s.end, s.label, scheme,
                               ("start", "end", "label")) for s in unit.spans]
            export.documents.append(Document(unit.doc_id, unit.text, sorted({s for s in spans if s}),
                                             source=str(path), where=f"{path} [{split}] {unit.id}",
                                             line=unit.line))
    return export


def text_splits(path: Path) -> Dict[Optional[str], int]:
    """Rows of each split (None: a lone Dataset) of a saved dataset with `id` and `text`."""
    splits = {}
    for split, dataset in _splits(_load(path)).items():
        missing = [column for column in ("id", "text") if column not in dataset.column_names]
        if missing:
            where = f"split {split!r}" if split is not None else "it"
            raise InputError(f"{path}: error: {where} lacks column(s) {', '.join(missing)}, "
                             "which annotate reads")
        splits[split] = dataset.num_rows
    return splits


def dataset_texts(path: Path, fail: Callable[[str], None], split: Optional[str] = None,
                  start: int = 0, stop: Optional[int] = None) -> Iterator[Document]:
    """The documents of rows [start, stop) of one split; a row without an id goes to `fail`.

    Rows come from the memory-mapped Arrow files a slice at a time, never the whole split.
    """
    dataset = _splits(_load(path))[split].select_columns(["id", "text"])
    stop = dataset.num_rows if stop is None else stop
    where = f"{path} [{split}]" if split is not None else str(path)
    for low in range(start, stop, 256):
        rows = dataset[low:min(low + 256, stop)]
        for row, (doc_id, text) in enumerate(zip(rows["id"], rows["text"]), start=low):
            if doc_id is None:
                fail(f"{where}: row {row}: error: no id (null)")
                continue
            yield Document(str(doc_id), text or "", source=str(path), where=f"{where}: row {row} (id {doc_id})")


def _load(path: Path) -> datasets.Dataset | datasets.DatasetDict:
    try:
        return datasets.load_from_disk(str(path))
    except (OSError, ValueError) as error:  # missing, not a dataset, or corrupt
        raise InputError(f"{path}: error: not a saved HuggingFace dataset ({_first_line(error)})") from None


def _splits(loaded: datasets.Dataset | datasets.DatasetDict) -> Dict[Optional[str], datasets.Dataset]:
    return {None: loaded} if isinstance(loaded, datasets.Dataset) else dict(loaded)


def _dataset_units(dataset: datasets.Dataset, path: Path, split: str) -> List[Unit]:
    missing = [column for column in REQUIRED_COLUMNS if column not in dataset.column_names]
    if missing:
        raise InputError(f"{path}: split {split!r} lacks column(s) {', '.join(missing)}")
    columns = dataset.to_dict()  # columnar access is much faster than iterating rows
    lines = columns.get("line") or [_line_of(unit_id) for unit_id in columns["id"]]
    return [
        Unit(doc_id, line, text, [Span(s["start"], s["end"], s["label"]) for s in _rows(spans)])
        for doc_id, line, text, spans
        in zip(columns["doc_id"], lines, columns["text"], columns["spans"])
    ]


def _line_of(unit_id: str) -> int:
    """Datasets written elsewhere may lack `line`; our ids end in ":<line>" when they have one."""
    suffix = unit_id.rpartition(":")[2]
    return int(suffix) if suffix.isdecimal() else 1


def _rows(spans: object) -> List[dict]:
    # A `Sequence` of structs comes back as a dict of lists rather than a list of dicts.
    if isinstance(spans, dict):
        return [dict(zip(spans, values)) for values in zip(*spans.values())]
    return list(spans or [])


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
