"""`privspan threshold`: spaCy's threshold search on dev data, saved into the pipeline."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..problems import InputError
from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    threshold = commands.add_parser("threshold", help="choose the spancat threshold on dev data and save it "
                                    "(for the sentence topics, a threshold per label)", formatter_class=HelpFormatter)
    threshold.add_argument("model", help="a trained pipeline folder (rewritten in place)")
    threshold.add_argument("dev", help="a .spacy file with gold spans, or with sentence topics (CAPP-130): "
                           "then each topic label's threshold is chosen")
    threshold.add_argument("--n-trials", type=at_least(2), default=11,
                           help="thresholds tried, evenly spaced from 0 to 1")
    threshold.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..measure.threshold import tune_threshold

    for path in (args.model, args.dev):
        if not Path(path).exists():
            raise InputError(f"{path}: error: no such file or folder")
    if _holds_topics(Path(args.dev)):
        from ..measure.threshold import tune_label_thresholds

        try:
            thresholds = tune_label_thresholds(Path(args.model), Path(args.dev))
        except ValueError as err:
            raise InputError(f"{err}; {args.dev} holds sentence topics") from None
        print("thresholds per label " + ", ".join(f"{label} {t:.2f}" for label, t in thresholds.items())
              + f" (chosen on {args.dev}); saved in {args.model}")
        return 0
    best, score, _ = tune_threshold(Path(args.model), Path(args.dev), args.n_trials)
    print(f"best threshold {best:.2f} (span F {score:.3f} on {args.dev}); saved in {args.model}")
    return 0


def _holds_topics(dev: Path) -> bool:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from ..measure.topics import has_topics

    return has_topics(DocBin().from_disk(dev).get_docs(Vocab()))
