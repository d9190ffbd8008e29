"""`privspan report`: the audit report of annotated or gold policies: report.json,
data_items.csv, policies.csv and report.html in one folder."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List

from ..problems import UsageError
from ..report.wording import counted
from ..schema import SCHEMES
from ._common import HelpFormatter, at_least, fraction

OUTPUTS = ("report.json", "data_items.csv", "policies.csv", "report.html")


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
    report.add_argument("--title", default="privspan report", help="the page's title")
    report.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report.build import build, write_items_csv, write_json, write_policies_csv
    from ..report.categories import load
    from ..report.items import Options
    from ..report.page import render
    from ..report.sources import read_policies

    began = time.perf_counter()
    failures: List[str] = []

    def fail(message: str) -> None:
        failures.append(message)
        print(message, file=sys.stderr)

    if args.marked_only and not args.against:
        raise UsageError("--marked-only scores against gold: give --against GOLD")
    policies = read_policies(args.inputs, fail, args.labels)
    if not policies:
        # An empty report would hide that nothing was read; the inputs' own errors say why.
        if not failures:
            print(f"{', '.join(args.inputs)}: error: no policies in the input", file=sys.stderr)
        return 1
    if args.min_score is not None:
        policies = [p.above(args.min_score) for p in policies]
    categories = load()
    if args.lexicon:
        from ..report.lexicon import build_lexicon, with_lexicon

        lexicon = build_lexicon(read_policies(args.lexicon, fail, "project"), categories,
                                args.lexicon_min_policies, args.lexicon_min_marked)
        before = sum(len(p.spans) for p in policies)
        policies = with_lexicon(policies, lexicon)
        print(f"lexicon: {counted(len(lexicon.entries), 'item')}; "
              f"{counted(sum(len(p.spans) for p in policies) - before, 'DATA span')} added")
    if not args.no_lists:
        from ..report.lists import with_lists

        policies = with_lists(policies, categories)
    options = Options(split=not args.no_split, parentheses=not args.no_parentheses)
    report, found = build(policies, categories, options=options)
    out = Path(args.out)
    page = render(report, found, categories, args.title)
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_json(report, out / "report.json")
        write_items_csv(report, out / "data_items.csv")
        write_policies_csv(report, out / "policies.csv", categories)
        (out / "report.html").write_text(page, encoding="utf-8")
    except OSError as err:
        print(f"{err.filename or out}: error: cannot write ({err.strerror})", file=sys.stderr)
        return 1

    corpus, cov = report["corpus"], report["corpus"]["coverage"]
    print(f"{counted(corpus['policies'], 'policy', 'policies')}: {counted(cov['items'], 'item occurrence')} "
          f"from {counted(cov['data_spans'], 'DATA span')}; "
          f"in a category of table A.1: {_pct(cov['items_share'])} of the items "
          f"({_pct(cov['items_share_non_generic'])} of the non-generic), {_pct(cov['spans_share'])} of the "
          f"spans ({_pct(cov['spans_share_non_generic'])} of the non-generic); "
          f"{counted(corpus['sensitive_policies'], 'policy names', 'policies name')} sensitive items")
    check = corpus.get("action_check")
    if check:
        print(f"action rule: an action attached to {check['attached']} of {counted(check['data_spans'], 'DATA span')} "
              f"({_pct(check['attached_share'])}), its kinds those of the COLLECT/SHARE labels for "
              f"{check['right']} ({_pct(check['right_share'])}); {check['pairs_right']} of {check['actions']} "
              f"(DATA, ACTION) pairs right ({_pct(check['pairs_right_share'])})")
    if args.against:
        from ..measure.items import in_marked, score

        gold = read_policies(args.against, fail, "project")
        if args.marked_only:
            items = in_marked(((f.policy.id, f.policy.text, f.entry["data_items"]) for f in found), gold)
        else:
            items = {p["id"]: [e["text"] for e in p["data_items"]] for p in report["policies"]}
        print(score(items, gold, categories).line())
    print(f"wrote {', '.join(str(out / name) for name in OUTPUTS)} in {time.perf_counter() - began:.1f} s")
    return 1 if failures else 0


def _pct(value) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"
