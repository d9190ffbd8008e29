"""Parquet: documents to annotate from `id` and `text` columns, and annotated shards of one row
per document: `id`, `text`, `spans` (a list of {start, end, label, score, text}), `report`
(the spans the report reads, where the pipeline makes them; else null), `topics` (each
sentence's CAPP-130 labels, scored; else null) and `model` ({name, version}), which pandas, DuckDB and `datasets.load_dataset("parquet")` read as is."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import pyarrow as pa
import pyarrow.parquet as pq

from ..problems import InputError
from ..records import Document
from ..schema import LabelScheme
from .jsonl import report_records, span_records, topic_records
from .tasks import Export, Where

SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("label", pa.string()),
                  ("score", pa.float64()), ("text", pa.string())])
SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string()), ("spans", pa.list_(SPAN)),
                    ("report", pa.list_(SPAN)), ("topics", pa.list_(SPAN)),
                    ("model", pa.struct([("name", pa.string()), ("version", pa.string())]))])
# Row groups of a few hundred policies: a reader's memory follows one group, and a shard
# is written without holding its partition's results.
ROWS_PER_GROUP = 256


def row_count(path: Path) -> int:
    """Rows of a Parquet input; an InputError if it is no Parquet file or lacks id/text."""
    return _open(path).metadata.num_rows


def read_texts(path: Path, fail: Callable[[str], None], start: int = 0,
               stop: Optional[int] = None) -> Iterator[Document]:
    """The documents of rows [start, stop) (0-based, as pandas and DuckDB count them).

    A row without an id, or a row group that cannot be read, is one located message to
    `fail`; a null text reads as empty.
    """
    parquet = _open(path)
    for first, table in _row_groups(parquet, path, ["id", "text"], fail, start, stop):
        ids, texts = table.column("id").to_pylist(), table.column("text").to_pylist()
        for row, (doc_id, text) in enumerate(zip(ids, texts), start=first):
            if doc_id is None:
                fail(f"{path}: row {row}: error: no id (null)")
                continue
            yield Document(str(doc_id), text or "", source=str(path), where=f"{path}: row {row} (id {doc_id})")


def read(path: Path, scheme: LabelScheme, start: int = 0, stop: Optional[int] = None) -> Export:
    """The documents of an annotated shard as written here (`id`, `text`, `spans`), rows
    [start, stop), each row checked as a JSONL line is; a row group that cannot be read is one
    error, the rest kept."""
    from .jsonl import document

    export = Export()
    parquet = _open(path, ("id", "text", "spans"), "an annotated Parquet shard")
    # shards written before the report's column have none
    columns = ["id", "text", "spans"] + [c for c in ("report", "topics") if c in parquet.schema_arrow.names]
    for first, table in _row_groups(parquet, path, columns, export.errors.append, start, stop):
        for row, record in enumerate(table.to_pylist(), start=first):
            found = document(export, Where(str(path), row, name=f"row {row}: "), record, scheme)
            if found is not None:
                found.where = f"{path}: row {row}"
                export.documents.append(found)
    return export


def _row_groups(parquet: pq.ParquetFile, path: Path, columns: List[str], fail: Callable[[str], None],
                start: int = 0, stop: Optional[int] = None) -> Iterator[Tuple[int, pa.Table]]:
    """Rows [start, stop) a row group at a time: (the number of its first row, its columns)."""
    stop = parquet.metadata.num_rows if stop is None else stop
    first = 0  # the row where the current row group starts
    for group in range(parquet.metadata.num_row_groups):
        rows = parquet.metadata.row_group(group).num_rows
        if first + rows > start and first < stop:
            low, high = max(start - first, 0), min(stop - first, rows)
            try:
                table = parquet.read_row_group(group, columns=columns)
            except (OSError, pa.ArrowException) as err:
                # Pages broken under a sound footer: these rows are lost, the file's others are not.
                fail(f"{path}: rows {first + low}-{first + high - 1}: error: not readable ({_reason(err)})")
            else:
                yield first + low, table.slice(low, high - low)
        first += rows
        if first >= stop:
            break


def write(path: Path, results: Iterable[Document], model: Dict[str, str]) -> None:
    """One row per result, in row groups of ROWS_PER_GROUP."""
    with pq.ParquetWriter(str(path), SCHEMA) as writer:
        rows: list = []
        groups = 0
        for result in results:
            rows.append({"id": result.record_id, "text": result.text,
                         "spans": span_records(result), "report": report_records(result),
                         "topics": topic_records(result), "model": model})
            if len(rows) == ROWS_PER_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
                rows, groups = [], groups + 1
        # A shard whose documents all failed still holds one (empty) row group, so that
        # every shard reads alike.
        if rows or not groups:
            writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))


def _open(path: Path, columns: Sequence[str] = ("id", "text"), what: str = "a Parquet input") -> pq.ParquetFile:
    try:
        parquet = pq.ParquetFile(str(path))
    except (OSError, pa.ArrowException) as err:
        raise InputError(f"{path}: error: not a readable Parquet file ({_reason(err)})") from None
    names = parquet.schema_arrow.names
    if not set(columns) <= set(names):
        quoted = [f'"{column}"' for column in columns]
        raise InputError(f"{path}: error: {what} needs {', '.join(quoted[:-1])} and {quoted[-1]} columns "
                         f"(it has {', '.join(names) or 'none'})")
    text_type = parquet.schema_arrow.field("text").type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        raise InputError(f"{path}: error: its \"text\" column holds {text_type}, not strings")
    return parquet


def _reason(err: Exception) -> str:
    # pyarrow quotes the broken bytes it met; a terminal should not receive them raw.
    first = (str(err).strip().splitlines() or [type(err).__name__])[0]
    return "".join(char if char.isprintable() else "?" for char in first).strip(" :?")
