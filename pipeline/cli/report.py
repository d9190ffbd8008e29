"""`privspan report`: the audit report of annotated or gold policies, as a resumable job over
partitions (in this process, or on Dask with --dask): report.json, policies.jsonl, the
Parquet tables, the CSV files and the pages in one folder."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Iterator, List

from ..problems import InputError, UsageError
from ..report.make import OUTPUTS, PARTITION_SIZE
from ..schema import SCHEMES
from ._common import HelpFormatter, at_least, dask_problem, fraction, read_readings


def add_to(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report", formatter_class=HelpFormatter,
        help="the audit report: each policy's data items, categories, sensitivity, actions, purposes, receivers",
        description="Per policy, its data items (DATA spans split into their items) with their category "
                    "(GB/T 35273-2020 table A.1), sensitivity (its Appendix B, PIPL art. 28), actions, "
                    "purposes and receivers; for the corpus, charts. Writes " + ", ".join(OUTPUTS) + ".")
    report.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="annotate's output (.jsonl, Parquet shards), gold (.spacy corpora, bracket "
                             ".txt files, CA4P-483 folders), or folders of them")
    report.add_argument("--out", required=True, help="folder for the report's files")
    report.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                        help="label scheme a CA4P-483 folder is read in (ca4p: COLLECT/SHARE check the "
                             "action rule)")
    report.add_argument("--against", nargs="+", metavar="GOLD",
                        help="also score the report's items against gold of the same policies (item "
                             "recall and precision per policy; docs/report.md defines them)")
    report.add_argument("--marked-only", action="store_true",
                        help="with --against: score only the items in paragraphs where the gold marks a "
                             "span (CA4P-483 annotated some paragraphs of each policy and left the rest)")
    report.add_argument("--no-split", action="store_true",
                        help="an item is a whole DATA span: enumerations are not split (for measuring)")
    report.add_argument("--no-parentheses", action="store_true",
                        help="the parenthesis after a DATA span is not read as its items (for measuring)")
    report.add_argument("--no-lists", action="store_true",
                        help="a tagger's DATA span (annotate's output) that is one item of a list does not "
                             "take in the rest of the list (for measuring; gold is never grown)")
    report.add_argument("--no-item-filter", action="store_true",
                        help="keep the items of a model's spans that the item filter drops (for measuring; "
                             "pipeline/data/item_filter.json, docs/report.md)")
    report.add_argument("--min-score", type=fraction(), metavar="X",
                        help="leave out spans that annotate scored below X (inputs with scores only)")
    report.add_argument("--lexicon", nargs="+", metavar="GOLD",
                        help="gold (the training split) whose data items are also looked for in each "
                             "policy's text where no DATA span is (a span ruler for what the tagger missed)")
    report.add_argument("--lexicon-min-policies", type=at_least(1), default=2, metavar="N",
                        help="a lexicon item must be named by at least N gold policies")
    report.add_argument("--lexicon-min-marked", type=fraction(), default=0.5, metavar="SHARE",
                        help="a lexicon item must lie inside a gold DATA span in at least this share of "
                             "its occurrences in the gold's sentences with an ACTION")
    report.add_argument("--readings", metavar="JSONL",
                        help="also score the checklists against readings by hand of the same policies "
                             "(corpus/checklist_readings.jsonl; docs/checklist.md)")
    report.add_argument("--item-readings", metavar="JSONL",
                        help="also score the data items against readings by hand of the same policies "
                             "(corpus/item_readings.jsonl; docs/report.md)")
    report.add_argument("--title", default="privspan report", help="the page's title")
    report.add_argument("--dask", metavar="local:N|tcp://HOST:PORT",
                        help="run the partitions on Dask: N worker processes here, or a running scheduler")
    report.add_argument("--partition-size", type=at_least(1), default=PARTITION_SIZE, metavar="N",
                        help="policies (lines of annotate's JSONL, rows of its Parquet) per partition")
    report.add_argument("--csv", action="store_true",
                        help="write the CSV files whatever the number of policies (by default, up to 10,000)")
    report.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report.make import ReportOptions, make_report

    began = time.perf_counter()
    if args.marked_only and not args.against:
        raise UsageError("--marked-only scores against gold: give --against GOLD")
    options = ReportOptions(
        labels=args.labels, split=not args.no_split, parentheses=not args.no_parentheses,
        lists=not args.no_lists, item_filter=not args.no_item_filter, min_score=args.min_score,
        lexicon=args.lexicon or (), lexicon_min_policies=args.lexicon_min_policies,
        lexicon_min_marked=args.lexicon_min_marked, title=args.title)
    out = Path(args.out)
    if args.dask and (problem := dask_problem(args.dask)):
        raise UsageError(problem)
    try:
        result = make_report(args.inputs, out, options, args.dask, args.partition_size, args.csv)
    except OSError as err:
        print(f"{err.filename or out}: error: cannot write ({err.strerror})", file=sys.stderr)
        return 1
    except InputError as err:
        print(err, file=sys.stderr)
        return 1
    for message in result.messages:
        print(message, file=sys.stderr)
    if not result.report:
        return 1
    print("\n".join(result.lines))
    if result.unfinished:
        print(f"{out}: error: {result.unfinished} partition(s) not written; run the same command again "
              "to finish them", file=sys.stderr)
    failed = result.failed
    if args.readings:
        from ..measure.checklist import against_readings, format_readings

        readings = read_readings(args.readings)
        if readings is None:
            return 1
        print(format_readings(against_readings(_entries(out), readings)))
    if args.item_readings:
        from ..measure.item_readings import against_item_readings, by_set, format_item_readings
        from ..report.categories import load

        readings = read_readings(args.item_readings)
        if readings is None:
            return 1
        sets, entries = by_set(readings), list(_entries(out))
        for name, lines in sets.items():
            scores = against_item_readings(entries, lines, load())
            print("\n".join(format_item_readings(scores, name if len(sets) > 1 else None)))
    if args.against:
        from ..measure.items import against
        from ..report.categories import load
        from ..report.sources import read_policies

        failures: List[str] = []
        gold = read_policies(args.against, failures.append, "project")
        texts = {p.id: p.text for p in read_policies(args.inputs, failures.append, args.labels)} \
            if args.marked_only else {}
        for failure in failures:
            print(failure, file=sys.stderr)
        failed = failed or bool(failures)
        print(against(list(_entries(out)), texts, gold, load(), args.marked_only).line())
    print(f"wrote {', '.join(str(out / name) for name in OUTPUTS)} in {time.perf_counter() - began:.1f} s")
    return 1 if failed else 0


def _entries(out: Path) -> Iterator[dict]:
    """The report's policies as it wrote them."""
    import json

    with open(out / "policies.jsonl", encoding="utf-8") as lines:
        yield from (json.loads(line) for line in lines)
