"""`privspan report` as a function: policies read from any source, their items found (with
the lexicon and list growth asked for), the report built and written. (Scoring it against
gold is measure/items.py's.)"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence

from .wording import counted

if TYPE_CHECKING:
    from .build import Found

OUTPUTS = ("report.json", "data_items.csv", "policies.csv", "checklist.csv", "report.html",
           "tables/policies.parquet", "tables/data_items.parquet", "tables/checklist.parquet")


@dataclass
class ReportOptions:
    """What `privspan report --help` lists, each with its default."""

    labels: str = "project"
    split: bool = True
    parentheses: bool = True
    lists: bool = True
    min_score: Optional[float] = None
    lexicon: Sequence[str] = ()
    lexicon_min_policies: int = 2
    lexicon_min_marked: float = 0.5
    title: str = "privspan report"


@dataclass
class ReportResult:
    report: dict  # empty when no policy could be read
    found: List["Found"] = field(default_factory=list)  # each policy with its entry of the report
    lines: List[str] = field(default_factory=list)  # what the command prints
    failures: List[str] = field(default_factory=list)  # each bad input, record or span, located


def make_report(inputs: Sequence[str], out: Path, options: ReportOptions) -> ReportResult:
    """Read, build and write the report into `out`; OSError if it cannot be written. A report
    with no policy at all is a result with failures and an empty report."""
    from .build import build, write_checklist_csv, write_items_csv, write_json, write_policies_csv
    from .categories import load
    from .items import Options
    from .page import pages
    from .sources import read_policies
    from .tables import write_tables

    result = ReportResult({})
    policies = read_policies(inputs, result.failures.append, options.labels)
    if not policies:
        if not result.failures:  # an empty report would hide that nothing was read
            result.failures.append(f"{', '.join(inputs)}: error: no policies in the input")
        return result
    if options.min_score is not None:
        policies = [p.above(options.min_score) for p in policies]
    categories = load()
    if options.lexicon:
        from .lexicon import build_lexicon, with_lexicon

        lexicon = build_lexicon(read_policies(options.lexicon, result.failures.append, "project"), categories,
                                options.lexicon_min_policies, options.lexicon_min_marked)
        before = sum(len(p.spans) for p in policies)
        policies = with_lexicon(policies, lexicon)
        result.lines.append(f"lexicon: {counted(len(lexicon.entries), 'item')}; "
                            f"{counted(sum(len(p.spans) for p in policies) - before, 'DATA span')} added")
    if options.lists:
        from .lists import with_lists

        policies = with_lists(policies, categories)
    report, found = build(policies, categories, options=Options(split=options.split,
                                                                 parentheses=options.parentheses))
    result.report, result.found = report, found
    written = pages(report, found, categories, options.title)
    out.mkdir(parents=True, exist_ok=True)
    write_json(report, out / "report.json")
    write_items_csv(report, out / "data_items.csv")
    write_policies_csv(report, out / "policies.csv", categories)
    write_checklist_csv(report, out / "checklist.csv", found)
    for name, page in written.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(page, encoding="utf-8")
    write_tables(report, out / "tables", categories)

    corpus, cov = report["corpus"], report["corpus"]["coverage"]
    result.lines.append(
        f"{counted(corpus['policies'], 'policy', 'policies')}: {counted(cov['items'], 'item occurrence')} "
        f"from {counted(cov['data_spans'], 'DATA span')}; "
        f"in a category of table A.1: {_pct(cov['items_share'])} of the items "
        f"({_pct(cov['items_share_non_generic'])} of the non-generic), {_pct(cov['spans_share'])} of the "
        f"spans ({_pct(cov['spans_share_non_generic'])} of the non-generic); "
        f"{counted(corpus['sensitive_policies'], 'policy names', 'policies name')} sensitive items")
    check = corpus.get("action_check")
    if check:
        result.lines.append(
            f"action rule: an action attached to {check['attached']} of {counted(check['data_spans'], 'DATA span')} "
            f"({_pct(check['attached_share'])}), its kinds those of the COLLECT/SHARE labels for "
            f"{check['right']} ({_pct(check['right_share'])}); {check['pairs_right']} of {check['actions']} "
            f"(DATA, ACTION) pairs right ({_pct(check['pairs_right_share'])})")
    return result


def _pct(value) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"
