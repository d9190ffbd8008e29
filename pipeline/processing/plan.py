"""The partitions of a sharded job, and reading one partition's documents.

The client plans from names, sizes, line offsets and row counts, never from the texts: a
folder of a million policies is a list of paths, a JSONL file a list of byte offsets, a
Parquet file or a saved dataset a row count. Each task then reads its own partition with
the readers `privspan annotate` uses everywhere, so a document reads alike in every engine.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from ..annotation.inputs import BY_SUFFIX, EMPTY, SUFFIXES, read_documents, strip_bom
from ..files import collect_files, decode, is_saved_dataset
from ..formats.jsonl import read_texts as jsonl_texts
from ..problems import InputError
from ..records import Document

PARTITION_SIZE = 1000

# A failed document: its id (None when none could be read) and the one-line reason.
Fail = Callable[[Optional[str], str], None]


@dataclass(frozen=True)
class Partition:
    """The share of the inputs that one task reads and one shard holds.

    `kind` "files": `paths` are files of one document each; "sources" (the report's job):
    `paths` are inputs read whole, as one partition. Otherwise `paths` is one input
    and [start, stop) its lines ("jsonl", from 1, starting at byte `offset` and ending
    before byte `end`) or rows ("parquet", "dataset": from 0, of the dataset's `split`).
    """

    index: int
    kind: str
    paths: Tuple[str, ...]
    start: int = 0
    stop: int = 0
    offset: int = 0
    end: int = 0
    split: Optional[str] = None

    @property
    def shard(self) -> str:
        return f"part-{self.index:05d}"

    def describe(self) -> dict:
        """The partition as the manifest lists it: short even for a thousand files."""
        if self.kind == "files":
            return {"shard": self.shard, "files": len(self.paths), "first": self.paths[0],
                    "last": self.paths[-1]}
        if self.kind == "sources":
            return {"shard": self.shard, "sources": list(self.paths)}
        place = {"shard": self.shard, self.kind: self.paths[0]}
        if self.split is not None:
            place["split"] = self.split
        place["lines" if self.kind == "jsonl" else "rows"] = [self.start, self.stop - 1]
        return place


@dataclass
class Plan:
    partitions: List[Partition]
    # Of every input file's path, size and modification time, and of the partitions.
    fingerprint: str
    # One line each: inputs that are missing or unreadable as a whole.
    problems: List[str] = field(default_factory=list)


def plan(inputs: Sequence[str], size: int = PARTITION_SIZE) -> Plan:
    """Partitions of at most `size` documents (files, lines or rows) over the inputs."""
    partitions: List[Partition] = []
    problems: List[str] = []
    stats: List[tuple] = []
    group: List[str] = []

    def add(kind: str, paths: Sequence[str], **place: object) -> None:
        partitions.append(Partition(len(partitions), kind, tuple(paths), **place))

    for source in inputs:
        if is_saved_dataset(source):
            from ..formats.hf import text_splits  # datasets takes a second to import

            try:
                splits = text_splits(Path(source))
            except InputError as err:
                problems.append(str(err))
                continue
            stats.extend(stat(file) for file in sorted(Path(source).rglob("*")) if file.is_file())
            for split, rows in splits.items():
                for start in range(0, rows, size):
                    add("dataset", [source], start=start, stop=min(start + size, rows), split=split)
            continue
        files, errors = collect_files([source], SUFFIXES)
        problems.extend(errors)
        for file in files:
            told = BY_SUFFIX.get(file.suffix.lower())
            kind = told.name if told else None
            try:
                stats.append(stat(file))
                ranges = list(line_ranges(file, size)) if kind == "jsonl" else []
            except OSError as err:
                problems.append(f"{file}: error: cannot read ({err.strerror})")
                continue
            if kind == "jsonl":
                for start, stop, offset, end in ranges:
                    add("jsonl", [str(file)], start=start, stop=stop, offset=offset, end=end)
            elif kind == "parquet":
                from ..formats.parquet import row_count  # pyarrow, only when needed

                try:
                    rows = row_count(file)
                except InputError as err:
                    problems.append(str(err))
                    continue
                for start in range(0, rows, size):
                    add("parquet", [str(file)], start=start, stop=min(start + size, rows))
            else:
                group.append(str(file))
                if len(group) == size:
                    add("files", group)
                    group = []
    if group:
        add("files", group)
    digest = hashlib.sha256(json.dumps([stats, [p.describe() for p in partitions]]).encode())
    return Plan(partitions, digest.hexdigest(), problems)


def read_partition(partition: Partition, fail: Fail) -> Iterator[Document]:
    """The non-empty documents of a partition; each failed one (or line, row) goes to `fail`."""
    if partition.kind == "files":
        for file in partition.paths:
            # A file that fails is the document that would have been named after it.
            yield from read_documents([file], lambda reason, doc_id=Path(file).stem: fail(doc_id, reason))
        return

    def bad_record(reason: str) -> None:
        fail(None, reason)

    path = Path(partition.paths[0])
    try:
        if partition.kind == "jsonl":
            docs = _jsonl_documents(partition, bad_record)
        elif partition.kind == "parquet":
            from ..formats.parquet import read_texts

            docs = read_texts(path, bad_record, partition.start, partition.stop)
        else:
            from ..formats.hf import dataset_texts

            docs = dataset_texts(path, bad_record, partition.split, partition.start, partition.stop)
        for doc in docs:
            if doc.text.strip():
                yield doc
            else:
                fail(doc.id, f"{doc.where}: {EMPTY}")
    except InputError as err:
        fail(None, str(err))


def _jsonl_documents(partition: Partition, fail: Callable[[str], None]) -> Iterator[Document]:
    yield from jsonl_texts(Path(partition.paths[0]), jsonl_content(partition, fail), fail, first_line=partition.start)


def jsonl_content(partition: Partition, fail: Callable[[str], None]) -> str:
    """The lines of a "jsonl" partition, decoded; InputError if the file cannot be read."""
    path = partition.paths[0]
    try:
        with open(path, "rb") as stream:
            stream.seek(partition.offset)
            data = stream.read(partition.end - partition.offset)
    except OSError as err:
        raise InputError(f"{path}: error: cannot read ({err.strerror})") from None
    # Line by line, so that one undecodable line fails alone: "\n" is never part of a
    # multi-byte character in UTF-8 or GB18030.
    lines = []
    for lineno, raw in enumerate(data.split(b"\n"), start=partition.start):
        try:
            lines.append(decode(raw, f"{path}:{lineno}")[0])
        except InputError as err:
            fail(str(err))
            lines.append("")  # blank: the readers skip it, and the lines keep their numbers
    content = "\n".join(lines)
    return strip_bom(content) if partition.start == 1 else content


def line_ranges(path: Path, size: int) -> Iterator[Tuple[int, int, int, int]]:
    """(first line, past the last, start byte, end byte) of each `size` lines of a file."""
    start, offset, position, count = 1, 0, 0, 0
    with open(path, "rb") as stream:
        for line in stream:
            position += len(line)
            count += 1
            if count == size:
                yield start, start + count, offset, position
                start, offset, count = start + count, position, 0
    if count:
        yield start, start + count, offset, position


def stat(path: Path) -> tuple:
    status = path.stat()
    return str(path.resolve()), status.st_size, status.st_mtime_ns
