"""The report's options (`privspan report --help`) and its partitions' default size: what
report/job.py runs with and report/make.py is called with."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

PARTITION_SIZE = 1000  # policies a partition holds (lines of JSONL, rows of Parquet)


@dataclass
class ReportOptions:
    """What `privspan report --help` lists, each with its default; all but the title change
    a partition's results, so the job's manifest keeps them."""

    labels: str = "project"
    split: bool = True
    parentheses: bool = True
    lists: bool = True
    item_filter: bool = True
    min_score: Optional[float] = None
    lexicon: Sequence[str] = ()
    lexicon_min_policies: int = 2
    lexicon_min_marked: float = 0.5
    title: str = "privspan report"
