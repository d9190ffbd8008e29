"""`privspan agreement`: are recurring gold texts marked, and cut, alike across policies?"""
from __future__ import annotations

import argparse

from ..schema import SCHEMES
from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    agreement = commands.add_parser("agreement", help="is a recurring gold text marked alike within a "
                                    "policy and across policies?", formatter_class=HelpFormatter)
    agreement.add_argument("corpus", nargs="+", help=".spacy files written by privspan corpus")
    agreement.add_argument("--min-count", type=at_least(1), default=3,
                           help="judge gold texts marked, and edge words taken in and left out, at least "
                           "this often")
    agreement.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                           help="label scheme the corpus was built with")
    agreement.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..formats.docbin import read_docbin
    from ..gold.docs import blank_pipeline
    from ..measure.agreement import edge_agreement, marking_agreement

    vocab = blank_pipeline().vocab
    docs = [doc for path in args.corpus for doc in read_docbin(path, vocab)]
    found = {label for doc in docs for _, _, label in doc.user_data.get("gold_chars", ())}
    labels = [label for label in SCHEMES[args.labels].labels if label in found]
    print("leave-one-out F of predicting whether a recurring gold text is marked from its other "
          "occurrences: in the same policy / in other policies")
    for label, result in marking_agreement(docs, labels, args.min_count).items():
        print(f"  {label}: same policy {result.within_f:.2f}, other policies {result.across_f:.2f} "
              f"({result.occurrences} occurrences of {result.texts} texts)")
    print("leave-one-out accuracy of predicting whether a span's edge takes in a word that its "
          "label's edges both take in and leave out ({为了…} or 为了{…}) from the word's other "
          "edges: in the same policy / in other policies")
    for (label, side), edges in edge_agreement(docs, labels, args.min_count).items():
        if edges.edges:
            print(f"  {label} {side}: same policy {edges.within_accuracy:.2f}, other policies "
                  f"{edges.across_accuracy:.2f} ({edges.edges} edges at {len(edges.words)} words: "
                  f"{' '.join(edges.words[:6])}{' …' if len(edges.words) > 6 else ''})")
    return 0
