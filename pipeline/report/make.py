"""`privspan report` as a function: the report's job run over its inputs' partitions
(report/job.py) and its summary written. (Scoring it against gold is measure/items.py's.)"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence

from .options import PARTITION_SIZE, ReportOptions
from .wording import counted, percent

__all__ = ["OUTPUTS", "PARTITION_SIZE", "ReportOptions", "ReportResult", "make_report"]

OUTPUTS = ("report.json", "policies.jsonl", "data_items.csv", "policies.csv", "checklist.csv", "index.html",
           "tables/policies/", "tables/data_items/", "tables/checklist/")
@dataclass
class ReportResult:
    report: dict  # the corpus summary, report.json; empty when no policy could be read
    lines: List[str] = field(default_factory=list)  # what the command prints
    messages: List[str] = field(default_factory=list)  # for stderr: each bad input, record or span, located
    failed: bool = False  # a message says something was not read
    unfinished: int = 0  # partitions not written: run the command again


def make_report(inputs: Sequence[str], out: Path, options: ReportOptions, dask: Optional[str] = None,
                partition_size: int = PARTITION_SIZE, csv: bool = False) -> ReportResult:
    """Run the report's job into `out` (report/job.py): in this process, or on Dask at `dask`
    (local:N or a scheduler's address); InputError for a folder of another job or a cluster
    that cannot be had. A report with no policy at all is a failed result with an empty report."""
    from ..processing.local import LocalEngine
    from .job import finish, make_job

    result = ReportResult({})
    lexicon, lexicon_failed = None, False
    if options.lexicon:
        from .categories import load
        from .lexicon import build_lexicon
        from .sources import read_policies

        lexicon = build_lexicon(read_policies(options.lexicon, result.messages.append, "project"), load(),
                                options.lexicon_min_policies, options.lexicon_min_marked)
        result.lines.append(f"lexicon: {counted(len(lexicon.entries), 'item')}")
    lexicon_failed = bool(result.messages)
    job = make_job(inputs, out, options, lexicon, partition_size, result.messages.append)
    if job.todo:
        if dask:
            from ..processing.dask_engine import DaskEngine

            engine = DaskEngine(dask)
        else:
            engine = LocalEngine()
        with engine:
            job.run(engine, lambda shard: None)
    result.unfinished = job.failed_shards
    result.failed = lexicon_failed or job.failed
    policies = sum(counts["documents"] for counts in job.done.values())
    if not policies:
        if not job.failed:  # an empty report would hide that nothing was read
            result.messages.append(f"{', '.join(inputs)}: error: no policies in the input")
        result.failed = True
        return result
    finished = finish(job, options, csv)
    result.report = finished.report
    corpus, cov = result.report["corpus"], result.report["corpus"]["coverage"]
    result.lines.append(
        f"{counted(corpus['policies'], 'policy', 'policies')}: {counted(cov['items'], 'item occurrence')} "
        f"from {counted(cov['data_spans'], 'DATA span')}; "
        f"in a category of table A.1: {percent(cov['items_share'])} of the items "
        f"({percent(cov['items_share_non_generic'])} of the non-generic), {percent(cov['spans_share'])} of the "
        f"spans ({percent(cov['spans_share_non_generic'])} of the non-generic); "
        f"{counted(corpus['sensitive_policies'], 'policy names', 'policies name')} sensitive items")
    check = corpus.get("action_check")
    if check:
        result.lines.append(
            f"action rule: an action attached to {check['attached']} of {counted(check['data_spans'], 'DATA span')} "
            f"({percent(check['attached_share'])}), its kinds those of the COLLECT/SHARE labels for "
            f"{check['right']} ({percent(check['right_share'])}); {check['pairs_right']} of {check['actions']} "
            f"(DATA, ACTION) pairs right ({percent(check['pairs_right_share'])})")
    largest = max(finished.pages.values(), default=0)
    result.lines.append(f"pages: {counted(len(finished.pages), 'page')}, the largest {largest / 1e6:.2f} MB")
    return result

