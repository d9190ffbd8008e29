"""`privspan threshold`: spaCy's threshold search on dev data, saved into the pipeline."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..problems import InputError
from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    threshold = commands.add_parser("threshold", help="choose the spancat threshold on dev data and save it",
                                    formatter_class=HelpFormatter)
    threshold.add_argument("model", help="a trained pipeline folder (rewritten in place)")
    threshold.add_argument("dev", help="a .spacy file with gold spans")
    threshold.add_argument("--n-trials", type=at_least(2), default=11,
                           help="thresholds tried, evenly spaced from 0 to 1")
    threshold.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..measure.threshold import tune_threshold

    for path in (args.model, args.dev):
        if not Path(path).exists():
            raise InputError(f"{path}: error: no such file or folder")
    best, score, _ = tune_threshold(Path(args.model), Path(args.dev), args.n_trials)
    print(f"best threshold {best:.2f} (span F {score:.3f} on {args.dev}); saved in {args.model}")
    return 0
