"""`privspan vectors`: unlabelled policies -> floret vectors for configs/topics.cfg."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..problems import InputError
from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    vectors = commands.add_parser("vectors", help="train floret word vectors on policy texts, for the "
                                  "clause topics' static vectors", formatter_class=HelpFormatter)
    vectors.add_argument("sources", nargs="+", help="policies in any readable format (a CA4P-483 folder, "
                         "text, JSONL, …); only their text is read")
    vectors.add_argument("--out", required=True, help="folder for the vectors (a spaCy pipeline holding "
                         "only them; configs/topics.cfg reads training/vectors)")
    vectors.add_argument("--format", default="auto", help="how to read the sources (as for annotate)")
    vectors.add_argument("--dim", type=at_least(1), default=100, help="width of a vector")
    vectors.add_argument("--epoch", type=at_least(1), default=10, help="passes over the text")
    vectors.add_argument("--bucket", type=at_least(1), default=50_000, help="rows of the hashed table")
    vectors.add_argument("--min-count", type=at_least(1), default=3,
                         help="a word seen fewer times has only its characters' rows")
    vectors.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..gold.vectors import VectorsSettings, train_vectors
    from ..schema import SCHEMES
    from ._common import read_documents

    documents, failed = read_documents(args.sources, args.format, SCHEMES["project"])
    if not documents:
        raise InputError(f"{' '.join(args.sources)}: error: no policy text to train vectors on")
    settings = VectorsSettings(dim=args.dim, epoch=args.epoch, bucket=args.bucket, min_count=args.min_count)
    try:
        summary = train_vectors((d.text for d in documents), Path(args.out), settings)
    except ValueError as err:  # texts that are only blanks
        raise InputError(f"{' '.join(args.sources)}: error: {err}") from None
    print(f"{len(documents)} policies, {summary.lines} lines, {summary.tokens} tokens, {summary.words} words "
          f"seen {args.min_count}+ times; {args.bucket} x {args.dim} vectors saved in {args.out}")
    if failed:
        print("privspan vectors: some inputs were bad (above); the vectors hold the rest", file=sys.stderr)
    return 1 if failed else 0
