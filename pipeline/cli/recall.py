"""`privspan recall`: the share of gold spans the clause suggester proposes at all."""
from __future__ import annotations

import argparse

from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    recall = commands.add_parser("recall", help="share of gold spans the clause suggester proposes at all",
                                 formatter_class=HelpFormatter)
    recall.add_argument("corpus", help="a .spacy file with gold spans")
    recall.add_argument("--max-ngram", type=at_least(1), default=12,
                        help="every n-gram up to this many tokens is a candidate")
    recall.add_argument("--max-clause", type=at_least(1), default=40,
                        help="longer candidates, up to this many tokens, must end where a clause ends")
    recall.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..components.suggester import build_clause_suggester, candidate_recall
    from ..formats.docbin import read_docbin
    from ..gold.docs import blank_pipeline
    from ..schema import SPANS_KEY

    docs = read_docbin(args.corpus, blank_pipeline().vocab)
    suggester = build_clause_suggester(args.max_ngram, args.max_clause)
    counts = candidate_recall(docs, suggester, SPANS_KEY)
    n_tokens = sum(len(doc) for doc in docs)
    n_candidates = int(suggester(docs).lengths.sum()) if docs else 0
    hit, total = (sum(c[i] for c in counts.values()) for i in (0, 1))
    print(f"{len(docs)} docs, {n_tokens} tokens, {n_candidates / max(n_tokens, 1):.1f} candidates per token")
    print(f"candidate recall: all {hit / max(total, 1):.3f} ({hit}/{total})")
    for label, (hit, total) in sorted(counts.items()):
        print(f"  {label}: {hit / total:.3f} ({hit}/{total})")
    return 0
