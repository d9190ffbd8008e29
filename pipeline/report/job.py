"""`privspan report` as a job over partitions, the way `annotate` runs one (processing/): one
task reads a partition's policies, reports them and writes what they give: their Parquet
tables, their entries as JSON lines, their rows of the CSV files, their page sections and a
tally of counts. The tasks run in this process, or on Dask with `--dask`. A killed job, run
again, finishes the partitions that its manifest does not list as done.

The client then adds the tallies up. It asks the tables, with DuckDB, for what needs every
policy: the most frequent items and the policies that stand out. Then it writes report.json
and the pages, reading each file a line or a row group at a time, so its memory does not grow
with the number of policies.

Annotate's JSONL and Parquet shards are planned by lines and rows. Any other source (gold:
`.spacy` corpora, bracket files, CA4P-483 folders, the tools' exports) is read whole, as one
partition, since paragraphs are grouped back into policies across it.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from ..files import collect_files
from ..formats.registry import format_of
from ..problems import InputError
from ..processing.job import MANIFEST, Check, Job, ShardResult, write_atomically
from ..processing.plan import Partition, Plan, jsonl_content, line_ranges, stat
from ..records import Document
from .build import (Found, Tally, checklist_csv_rows, items_csv_rows, policies_csv_header, policies_csv_rows,
                    report_policy, summary, CHECKLIST_CSV_HEADER, CSV_ENCODING, ITEMS_CSV_HEADER)
from .categories import Categories, load
from .checklist import Checklist
from .item_filter import PATH as ITEM_FILTER, ItemFilter
from .options import ReportOptions
from .page import (PAGE_LIMIT, POLICY_FOLDER, TAIL, chart_svgs, head, policy_index, policy_section,
                   shard_list, standout_tables, top)
from .practices import load_verbs
from .tables import write_tables

PARTS = "parts"  # per partition: its tally, entries, CSV rows and page sections
ENTRIES = "policies.jsonl"
INDEX = "index.html"
CSVS = ("data_items.csv", "policies.csv", "checklist.csv")
# CSV files are written up to this many policies, or with --csv: past it they are the
# tables again, in a form a spreadsheet cannot open anyway (over a million rows of items).
CSV_LIMIT = 10_000
# The index lists every policy up to this many, else a list per partition.
INDEX_ROWS = 2_000
# The chart of policies by category draws a row per policy: up to this many (past it no row
# can be told apart, and drawing 2,000 took the client 1.5x the memory of 200).
GRID_ROWS = 500
STANDOUT_ROWS = 10
REPORT_CHECKS: Tuple[Check, ...] = (("options", "the report's options", lambda v: json.dumps(v, ensure_ascii=False)),
                                    ("partition_size", "--partition-size", str),
                                    ("tables", "the tables of another privspan (pipeline/data)", str))


@dataclass(frozen=True)
class ReportSpec:
    """What a task needs besides its partition: the folder, the options, the lexicon built."""

    out_dir: str
    options: ReportOptions
    lexicon: Optional[object] = None  # lexicon.Lexicon, built once by the client

    def path(self, partition: Partition) -> Path:
        return Path(self.out_dir) / PARTS / f"{partition.shard}.json"

    def run(self, nlp, partition: Partition, n_process: int = 1) -> ShardResult:
        return report_partition(partition, self)


def plan_report(inputs: Sequence[str], size: int) -> Plan:
    """Partitions of about `size` policies. Where every input is annotate's JSONL or Parquet
    (files, or folders of them), a file of `size` records or more is cut by lines or rows and
    smaller files are grouped; else all the inputs are one partition. A corpus of fewer than
    `size` policies is one partition either way, and its report one page."""
    import hashlib

    stats: List[tuple] = []
    partitions: List[Partition] = []
    add = lambda kind, paths, **place: partitions.append(Partition(len(partitions), kind, tuple(paths), **place))
    annotated = all(_annotated(Path(source)) for source in inputs)
    files = collect_files(list(inputs), (".jsonl", ".parquet"))[0] if annotated else []
    group: List[str] = []
    grouped = 0
    problems: List[str] = []
    for file in files:
        if file.suffix.lower() == ".parquet":
            from ..formats.parquet import row_count

            try:
                rows = row_count(file)
            except InputError as err:  # one located line; the other inputs are still reported
                problems.append(str(err))
                continue
            ranges = [dict(start=a, stop=min(a + size, rows)) for a in range(0, rows, size)] if rows >= size else []
        else:
            ranges = [dict(start=a, stop=b, offset=c, end=d) for a, b, c, d in line_ranges(file, size)]
            rows = ranges[-1]["stop"] - 1 if ranges else 0
            ranges = ranges if rows >= size else []
        for place in ranges:
            add(file.suffix.lower().lstrip("."), [str(file)], **place)
        if not ranges:
            group.append(str(file))
            grouped += rows
            if grouped >= size:
                add("sources", group)
                group, grouped = [], 0
    if group or not annotated:
        add("sources", group if annotated else list(inputs))
    for source in (files if annotated else inputs):
        for path in sorted([Path(source)] + (list(Path(source).rglob("*")) if Path(source).is_dir() else [])):
            if path.is_file():
                stats.append(stat(path))
    digest = hashlib.sha256(json.dumps([stats, [p.describe() for p in partitions]]).encode()).hexdigest()
    return Plan(partitions, digest, problems)


def _annotated(path: Path) -> bool:
    if path.is_dir():
        if format_of(path) is not None:  # a format's folder: CA4P-483, CAPP-130, a saved dataset
            return False
        files, errors = collect_files([path], (".jsonl", ".parquet"))
        others, _ = collect_files([path], (".txt", ".md", ".html", ".spacy", ".json", ".bios"))
        return bool(files) and not errors and not others and all(_annotated(f) for f in files)
    if path.suffix.lower() == ".parquet":
        return path.is_file()
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with open(path, encoding="utf-8", errors="replace") as stream:
        first = next((line for line in stream if line.strip()), "")
    found = format_of(path, content=lambda: first)
    return found is not None and found.name == "jsonl"


def report_partition(partition: Partition, spec: ReportSpec) -> ShardResult:
    """Read, report and write one partition; the same in every engine."""
    from .lists import with_lists
    from .sources import for_report, read_policies

    result = ShardResult(partition.shard)
    fail = lambda reason: result.errors.append({"id": None, "reason": reason, "shard": partition.shard})
    options = spec.options
    if partition.kind == "sources":
        policies = read_policies(partition.paths, fail, options.labels)
    else:
        policies = [for_report(p) for p in _annotated_policies(partition, fail)]
    if options.min_score is not None:
        policies = [p.above(options.min_score) for p in policies]
    categories = load()
    if spec.lexicon is not None:
        from .lexicon import with_lexicon

        policies = with_lexicon(policies, spec.lexicon)
    if options.lists:
        policies = with_lists(policies, categories)
    from .items import Options

    verbs, checklist = load_verbs(), Checklist.load()
    item_options = Options(split=options.split, parentheses=options.parentheses)
    item_filter = ItemFilter.load() if options.item_filter else None
    found = [report_policy(p, categories, verbs, item_options, checklist, item_filter) for p in policies]
    result.documents = len(found)
    result.characters = sum(len(f.policy.text) for f in found)
    _write_partition(Path(spec.out_dir), partition.shard, found, Tally.of(found, categories, verbs), categories,
                     checklist)
    return result


def _annotated_policies(partition: Partition, fail: Callable[[str], None]) -> List[Document]:
    """annotate's records of a partition, spans and all (each bad line or row located)."""
    from ..formats import jsonl, parquet
    from .sources import report_scheme

    scheme = report_scheme()
    path = Path(partition.paths[0])
    if partition.kind == "parquet":
        export = parquet.read(path, scheme, partition.start, partition.stop)
    else:
        try:
            content = jsonl_content(partition, fail)
        except InputError as err:
            fail(str(err))
            return []
        export = jsonl.read(path, content, scheme, first_line=partition.start)
    for line in [*export.errors, *(str(p) for p in export.problems if p.is_error)]:
        fail(str(line))
    return export.documents


def _write_partition(out: Path, shard: str, found: Sequence[Found], tally: Tally, categories: Categories,
                     checklist: Checklist) -> None:
    entries = [f.entry for f in found]
    parts = out / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    write_tables(entries, out / "tables", shard, categories)
    rules = {rule.id: rule for rule in checklist.rules}
    lines = lambda rows: "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    sections = [policy_section(n, f, categories, rules) for n, f in enumerate(found)]
    write_atomically(parts / f"{shard}.entries.jsonl", lines(entries))
    write_atomically(parts / f"{shard}.sections.jsonl", lines(sections))
    write_atomically(parts / f"{shard}.csv.json", json.dumps(
        [list(items_csv_rows(entries)), list(policies_csv_rows(entries, categories)),
         list(checklist_csv_rows(found))], ensure_ascii=False))
    sizes = [len(section.encode("utf-8")) for section in sections]
    # Last: a partition is done when its tally is there (and the manifest says so).
    write_atomically(parts / f"{shard}.json", json.dumps(
        {"tally": tally.to_json(), "sections_bytes": sum(sizes),
         "policies": len(found)}, ensure_ascii=False))


@dataclass
class Finished:
    """What the client made of the job: the summary, and the pages' names and sizes."""

    report: dict
    pages: Dict[str, int]


def make_job(inputs: Sequence[str], out: Path, options: ReportOptions, lexicon: Optional[object],
             partition_size: int, say: Callable[[str], None]) -> Job:
    """The report's job in `out`: resumed where the folder holds this job, begun again where
    it holds a report of other inputs or options (a report is made from its inputs alone)."""
    spec = ReportSpec(str(out), options, lexicon)
    planned = plan_report(inputs, partition_size)
    # as the manifest reads back (lists, not tuples); the title is the pages' alone; the tables'
    # fingerprint, since a partition made with other tables (item filter, report code) is another report
    settings = json.loads(json.dumps({"options": {k: v for k, v in asdict(options).items() if k != "title"},
                                      "partition_size": partition_size, "tables": tables_fingerprint()}))
    make = lambda: Job(inputs, out, spec=spec, planned=planned, settings=settings, checks=REPORT_CHECKS, say=say)
    try:
        return make()
    except InputError:
        if not _report_job(out / MANIFEST):
            raise
    for name in (PARTS, "tables", POLICY_FOLDER):
        shutil.rmtree(out / name, ignore_errors=True)
    (out / MANIFEST).unlink()
    return make()


def tables_fingerprint() -> str:
    """A digest of the data files the report reads (pipeline/data: tables, word lists, the filter)
    and of the code that reads them (pipeline/report): a report resumed after either changed
    would mix two readings of its items."""
    digest = hashlib.sha256()
    for folder in (ITEM_FILTER.parent, Path(__file__).parent):
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix in (".toml", ".json", ".py"):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _report_job(manifest: Path) -> bool:
    try:
        return "options" in json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def finish(job: Job, options: ReportOptions, csv: bool) -> Finished:
    """The corpus summary and every file of the report, from the done partitions' files."""
    out = job.out_dir
    shards = [p.shard for p in job.plan.partitions if p.shard in job.done]
    categories, checklist = load(), Checklist.load()
    tally, sizes, counts = Tally(), 0, []
    for shard in shards:
        part = json.loads((out / PARTS / f"{shard}.json").read_text(encoding="utf-8"))
        tally.add(Tally.from_json(part["tally"]))
        sizes += part["sections_bytes"]
        counts.append(part["policies"])
    top_items, without, standouts, rows = _ask_tables(out, shards)
    corpus = summary(tally, top_items, categories, checklist, without)
    report = {"corpus": corpus}
    write_atomically(out / "report.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    _concatenate(out / ENTRIES, (out / PARTS / f"{shard}.entries.jsonl" for shard in shards))
    if csv or tally.policies <= CSV_LIMIT:
        _write_csvs(out, shards, categories)
    return Finished(report, _write_pages(out, shards, counts, corpus, options.title, sizes, standouts, rows))


def _ask_tables(out: Path, shards: Sequence[str]) -> Tuple[List[dict], List[dict], Dict[str, list], Callable]:
    """The most frequent items, those of them with no canonical item, the policies that stand
    out, and a way to read the policies' rows: DuckDB over the done partitions' tables."""
    import duckdb

    from .build import TOP_ITEMS, WITHOUT_CANONICAL
    from .categories import GENERIC

    # one thread and a small memory limit: the client's memory is what must stay flat (DuckDB
    # spills to disk past it)
    con = duckdb.connect(config={"threads": 1, "memory_limit": "256MB"})
    files = lambda table: [str(out / "tables" / table / f"{shard}.parquet") for shard in shards]
    if not shards:
        return [], [], {}, lambda: iter(())
    # a view cannot take parameters: the paths are quoted as SQL strings
    listed = lambda table: "[" + ", ".join("'" + path.replace("'", "''") + "'" for path in files(table)) + "]"
    con.execute("CREATE VIEW items AS SELECT *, regexp_extract(filename, 'part-[0-9]+') AS shard, "
                "regexp_extract(filename, 'part-[0-9]+') || lpad(file_row_number::VARCHAR, 12, '0') AS o "
                f"FROM read_parquet({listed('data_items')}, filename=true, file_row_number=true)")
    con.execute("CREATE VIEW policies AS SELECT *, regexp_extract(filename, 'part-[0-9]+') AS shard, "
                f"file_row_number AS k FROM read_parquet({listed('policies')}, filename=true, file_row_number=true)")
    # as build.top_items does in memory: each item shown as the first policy names it
    ask_top = lambda where, n: [
        {"text": t, "category": c, "sensitive": bool(s), "policies": int(p), "count": int(k)}
        for t, c, s, p, k in con.execute(
            "SELECT arg_min(item, o) AS text, arg_min(category, o) AS category, arg_min(sensitive, o) AS sensitive, "
            f"count(*) AS policies, sum(count)::BIGINT AS count FROM items {where} GROUP BY key "
            "HAVING arg_min(category, o) != ? ORDER BY policies DESC, count DESC, text LIMIT ?", [GENERIC, n]).fetchall()]
    top_items = ask_top("", TOP_ITEMS)
    without = ask_top("WHERE canonical IS NULL", WITHOUT_CANONICAL)
    policy_of = "(SELECT shard, policy, min(k) AS k FROM policies GROUP BY shard, policy)"
    questions = {
        "most categories of sensitive items": "SELECT i.shard, p.k, i.policy, count(DISTINCT i.category) AS n "
        f"FROM items i JOIN {policy_of} p USING (shard, policy) WHERE i.sensitive GROUP BY ALL",
        "most checklist items missing": "SELECT shard, k, policy, checklist_missing AS n FROM policies "
        "WHERE checklist_missing > 0",
        "most receivers named": "SELECT i.shard, p.k, i.policy, count(DISTINCT r) AS n FROM (SELECT shard, policy, "
        f"unnest(receivers) AS r FROM items) i JOIN {policy_of} p USING (shard, policy) GROUP BY ALL",
    }
    standouts = {caption: con.execute(f"{query} ORDER BY n DESC, shard, k LIMIT {STANDOUT_ROWS}").fetchall()
                 for caption, query in questions.items()}

    def rows() -> Iterator[Tuple[str, int, dict]]:
        import pyarrow.parquet as pq

        for shard, path in zip(shards, files("policies")):
            k = 0
            for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
                for row in batch.to_pylist():
                    yield shard, k, row
                    k += 1

    return top_items, without, standouts, rows


def _write_csvs(out: Path, shards: Sequence[str], categories: Categories) -> None:
    import csv

    headers = [ITEMS_CSV_HEADER, policies_csv_header(categories), CHECKLIST_CSV_HEADER]
    streams = [open(out / name, "w", encoding=CSV_ENCODING, newline="") for name in CSVS]
    try:
        writers = [csv.writer(stream) for stream in streams]
        for writer, header in zip(writers, headers):
            writer.writerow(header)
        for shard in shards:
            parts = json.loads((out / PARTS / f"{shard}.csv.json").read_text(encoding="utf-8"))
            for writer, rows in zip(writers, parts):
                writer.writerows(rows)
    finally:
        for stream in streams:
            stream.close()


def _concatenate(target: Path, sources: Iterator[Path]) -> None:
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    with open(temp, "wb") as stream:
        for source in sources:
            with open(source, "rb") as part:
                while chunk := part.read(1 << 20):
                    stream.write(chunk)
    os.replace(temp, target)


def _shard_lists(out: Path, rows: Callable, title: str, written: Dict[str, int]) -> str:
    """A page listing each partition's policies (policies/SHARD.html), and the index's list of
    those pages; a partition's rows at a time."""
    from itertools import groupby

    listed = []
    for shard, group in groupby(rows(), key=lambda found: found[0]):
        own = [(f"{shard}/p{k}.html#p{k}", row) for _, k, row in group]
        name = f"{POLICY_FOLDER}/{shard}.html"
        (out / POLICY_FOLDER).mkdir(parents=True, exist_ok=True)
        page = (head(f"{title} · {shard}") + '<p><a href="../index.html">the report</a></p>\n'
                + policy_index(own, f"Policies of {shard}") + TAIL)
        (out / name).write_text(page, encoding="utf-8")
        written[name] = len(page.encode("utf-8"))
        listed.append((name, len(own), own[0][1]["policy"] if own else "", own[-1][1]["policy"] if own else ""))
    return shard_list(listed)


def _sections(out: Path, shard: str) -> Iterator[str]:
    with open(out / PARTS / f"{shard}.sections.jsonl", encoding="utf-8") as stream:
        for line in stream:
            yield json.loads(line)


def _write_pages(out: Path, shards: Sequence[str], counts: Sequence[int], corpus: dict, title: str,
                 sections_bytes: int, standouts: Dict[str, list], rows: Callable) -> Dict[str, int]:
    """index.html: one page with every policy while it stays under PAGE_LIMIT (a corpus of one
    partition), else the index and a page per policy under policies/; report.html sends a
    browser to it. The names written and their sizes."""
    n = sum(counts)
    one_page = len(shards) <= 1
    grid = [(row["policy"], dict(row["categories"])) for _, _, row in rows()] if n <= GRID_ROWS else None
    charts = chart_svgs(corpus, grid)
    href = lambda shard, k: f"#p{k}" if one_page else f"{POLICY_FOLDER}/{shard}/p{k}.html#p{k}"
    index = lambda: policy_index((href(shard, k), row) for shard, k, row in rows())
    # both read `href` as it is when called: its links change with the choice of one page
    standing = lambda: standout_tables({caption: [(href(shard, k), policy, value) for shard, k, policy, value in found]
                                        for caption, found in standouts.items()})
    written: Dict[str, int] = {}
    if one_page:
        page = top(corpus, title, charts, index(), standing())
        one_page = len(page.encode("utf-8")) + sections_bytes + len(TAIL) <= PAGE_LIMIT
        if one_page:
            with open(out / INDEX, "w", encoding="utf-8") as stream:
                stream.write(page)
                for shard in shards:
                    for section in _sections(out, shard):
                        stream.write(section)
                stream.write(TAIL)
            written[INDEX] = (out / INDEX).stat().st_size
    if not one_page:
        listing = index() if n <= INDEX_ROWS else _shard_lists(out, rows, title, written)
        page = top(corpus, title, charts, listing, standing()) + TAIL
        (out / INDEX).write_text(page, encoding="utf-8")
        written[INDEX] = len(page.encode("utf-8"))
        for shard in shards:
            folder = out / POLICY_FOLDER / shard
            folder.mkdir(parents=True, exist_ok=True)
            back = '<p><a href="../../index.html">the report</a></p>\n'
            for k, section in enumerate(_sections(out, shard)):
                name = f"{POLICY_FOLDER}/{shard}/p{k}.html"
                text = head(f"{title} · {k}") + back + section + TAIL
                (out / name).write_text(text, encoding="utf-8")
                written[name] = len(text.encode("utf-8"))
    redirect = (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" '
                f'content="0; url={INDEX}"><title>{html.escape(title)}</title></head><body><a href="{INDEX}">{INDEX}</a>'
                "</body></html>\n")
    (out / "report.html").write_text(redirect, encoding="utf-8")
    return written
