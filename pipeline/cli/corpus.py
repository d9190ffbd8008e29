"""`privspan corpus`: gold sources -> train/dev/test `.spacy` files, with a report that adds up."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..gold.sources import FORMATS_READ
from ..schema import SCHEMES
from ._common import HelpFormatter, at_least, fraction


def add_to(commands: argparse._SubParsersAction) -> None:
    corpus = commands.add_parser("corpus", help="build train/dev/test .spacy files from gold sources",
                                 formatter_class=HelpFormatter)
    corpus.add_argument("sources", nargs="+", help="bracket files/folders, CA4P-483 folders, HF "
                        "datasets, exports of Label Studio (.json), doccano or Prodigy (.jsonl)")
    corpus.add_argument("--out", required=True, help="folder for train.spacy, dev.spacy, test.spacy")
    corpus.add_argument("--format", choices=FORMATS_READ, default="auto",
                        help="how to read the sources; auto tells them apart by their files (a "
                             ".json or .jsonl file by its content), a folder of exports needs the "
                             "tool's name")
    corpus.add_argument("--labels", choices=tuple(SCHEMES),
                        help="project: the 4 bracket labels; ca4p: CA4P-483's 7 labels; topics: "
                             "CAPP-130's 13 sentence labels (default: topics for CAPP-130, else project)")
    corpus.add_argument("--split", choices=("policy", "authors"), default="policy",
                        help="policy: split at random by document (--dev, --test, --seed); authors: "
                             "a CAPP-130 folder's pre-sliced Extraction/ sets as they are, each task "
                             "(topic, important, risk) into OUT/TASK/{train,dev,test}.spacy")
    corpus.add_argument("--dev", type=fraction(), default=0.1, help="share of documents for dev")
    corpus.add_argument("--test", type=fraction(), default=0.0, help="share of documents for test")
    corpus.add_argument("--seed", type=int, default=0, help="seed of the random split by document")
    corpus.add_argument("--strict", action="store_true", help="leave out files with markup errors; exit 1")
    corpus.add_argument("--hf-out", help="also save a datasets.DatasetDict here")
    corpus.add_argument("--raw-text", help="also write the train split's text, annotated or not, "
                        "as JSONL for spacy pretrain")
    corpus.add_argument("--leave-out", nargs="+", metavar="GOLD",
                        help="leave out every unit that contains a text of these gold sources (for "
                             "example a published test file), compared with whitespace removed")
    corpus.add_argument("--leave-out-min-chars", type=at_least(1), default=8,
                        help="texts of --leave-out shorter than this are not looked for: a list "
                             "number or a lone quote mark identifies no paragraph")
    corpus.add_argument("--cut-at", metavar="CHARS",
                        help="cut every gold span at these characters into its pieces (the "
                             "authors' BIO files never let a span run across 、，；：（）/“”》 and a few more)")
    unannotated = corpus.add_mutually_exclusive_group()
    unannotated.add_argument("--all-units", action="store_true",
                             help="keep units without gold spans too, for a file whose every sentence "
                                  "was annotated (the authors' BIO files); by default they are left out")
    unannotated.add_argument("--unannotated", type=fraction(0.0, math.inf), default=0.0, metavar="RATIO",
                             help="keep units without gold spans drawn at random (--seed) until their "
                                  "text is RATIO times as long as the annotated units' text: negatives "
                                  "for a model scored on every sentence of a file")
    corpus.add_argument("--whole", metavar="NAME",
                        help="write every unit to NAME.spacy, unsplit (for a given dev or test file)")
    corpus.add_argument("--skip-missing", action="store_true",
                        help="a source that does not exist is noted and skipped, not an error")
    corpus.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..gold.build import CorpusError, CorpusOptions, build_corpus

    sources = args.sources
    if args.skip_missing:
        for source in sources:
            if not Path(source).exists():
                print(f"note: {source} is absent; building from the other sources", file=sys.stderr)
        sources = [source for source in sources if Path(source).exists()]
    if args.split == "authors":
        return _authors(sources, Path(args.out))
    options = CorpusOptions(
        fmt=args.format, labels=args.labels or _labels_of(sources, args.format), dev=args.dev, test=args.test, seed=args.seed,
        strict=args.strict, cut_at=args.cut_at or "", leave_out=args.leave_out or (),
        leave_out_min_chars=args.leave_out_min_chars, all_units=args.all_units,
        unannotated=args.unannotated, whole=args.whole, hf_out=args.hf_out, raw_text=args.raw_text)
    try:
        result = build_corpus(sources, Path(args.out), options)
    except CorpusError as err:
        _problems(err.gathered)
        print(f"privspan corpus: error: {err}", file=sys.stderr)
        return 1
    _problems(result.gathered)
    if result.demo:
        print(f"note: {result.report.documents} document(s) are far too few for a useful model: a "
              "model trained on this corpus is a demo", file=sys.stderr)
    print("\n".join(result.summary()))
    return 1 if result.failed else 0


def _authors(sources, out: Path) -> int:
    from ..formats.capp130 import EXTRACTION
    from ..gold.build import CorpusError, build_authors_corpus

    if len(sources) != 1 or not (Path(sources[0]) / EXTRACTION).is_dir():
        print(f"privspan corpus: error: --split authors reads one CAPP-130 folder with an {EXTRACTION}/ "
              f"folder; got {' '.join(sources) or 'none'}", file=sys.stderr)
        return 1
    try:
        results = build_authors_corpus(sources[0], out)
    except CorpusError as err:
        _problems(err.gathered)
        print(f"privspan corpus: error: {err}", file=sys.stderr)
        return 1
    for result in results:
        _problems(result.gathered)
        print("\n".join(result.summary()))
    return 1 if any(result.failed for result in results) else 0


def _problems(gathered) -> None:
    for line in [*gathered.errors, *gathered.problems]:
        print(line, file=sys.stderr)


def _labels_of(sources, fmt: str) -> str:
    """CAPP-130's sentence labels for a CAPP-130 folder, the bracket labels for anything else."""
    from ..formats.registry import format_of

    told = [fmt] if fmt != "auto" else [getattr(format_of(Path(s)), "name", "") for s in sources
                                        if Path(s).is_dir()]
    return "topics" if "capp130" in told else "project"
