"""`privspan item-filter`: train the report's item filter on items read by hand and save it."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..problems import InputError
from ._common import HelpFormatter, fraction, read_readings


def add_to(commands: argparse._SubParsersAction) -> None:
    from ..report.item_filter import PATH

    command = commands.add_parser(
        "item-filter", formatter_class=HelpFormatter,
        help="train the report's item filter on the items of annotated policies read by hand",
        description="Reports the annotated policies without the filter, looks up each listed item in the "
                    "readings (right, cut or not data), fits a logistic regression that keeps the items that "
                    "are data, chooses its threshold by cross-validation over the policies, and saves it.")
    command.add_argument("inputs", nargs="+", metavar="INPUT",
                         help="annotate's output for the policies read (the policies of other sets are skipped)")
    command.add_argument("--readings", required=True, metavar="JSONL",
                         help="the readings by hand (corpus/item_readings.jsonl)")
    command.add_argument("--gold", nargs="+", metavar="GOLD", default=(),
                         help="gold of other annotated policies (CA4P-483's), whose items are judged by it "
                              "in the paragraphs it marks")
    command.add_argument("--set", nargs="+", default=["dev"], metavar="SET",
                         help="the readings' sets to train on (the others stay held out)")
    command.add_argument("--keep", type=fraction(), default=0.99, metavar="X",
                         help="the share of the right items the cross-validated filter must keep")
    command.add_argument("--out", default=str(PATH), help="the filter's file (the report's default)")
    command.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from collections import Counter

    from ..measure.item_filter import examples, train
    from ..measure.item_readings import by_set
    from ..report.categories import load
    from ..report.practices import load_verbs
    from ..report.sources import read_policies

    readings = read_readings(args.readings)
    if readings is None:
        return 1
    sets = by_set(readings)
    for name in args.set:
        if name not in sets:
            raise InputError(f"{args.readings}: error: no readings of the set {name!r}")
    chosen = [reading for name in args.set for reading in sets[name]]
    failures: list = []
    gold = read_policies(args.gold, failures.append) if args.gold else []
    policies = read_policies(args.inputs, failures.append)
    for failure in failures:
        print(failure, file=sys.stderr)
    by_policy = examples(policies, chosen, gold, load(), load_verbs())
    if not by_policy:
        raise InputError(f"{args.readings}: error: no item read is listed by the report of the inputs")
    read = {r["policy"] for r in chosen}
    kinds = {p: "readings" if p in read else "gold" for p in by_policy}
    trained = train(by_policy, kinds, args.keep)
    counts = Counter(kinds.values())
    sources = (f"{args.readings} ({', '.join(args.set)}): {counts['readings']} policies; "
               f"{' '.join(args.gold) or 'no gold'}: {counts['gold']} policies")
    trained.model.save(Path(args.out), {"trained_on": sources, "keep": args.keep})
    print(f"item filter: threshold {trained.model.threshold:.2f}, the highest at which it keeps {args.keep:.0%} of "
          f"the right items, cross-validated by policy ({len(by_policy)} policies); saved in {args.out}")
    for kind in ("readings", "gold"):
        if counts[kind]:
            n, before, after, kept = trained.figures(kind)
            print(f"  {kind}: {n} items of {counts[kind]} policies: precision {before:.3f} -> {after:.3f}, "
                  f"right items kept {kept:.1%}")
    return 1 if failures else 0
