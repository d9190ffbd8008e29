"""`privspan corpus`: gold sources -> train/dev/test `.spacy` files, with a report that adds up."""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import List, Tuple

from ..gold.sources import FORMATS_READ, Gathered, gather
from ..records import Unit
from ..schema import SCHEMES
from ._common import HelpFormatter, at_least, fraction, label_counts

# Below this many documents a corpus trains a demo at best (the seed is one policy).
FEW_DOCUMENTS = 10


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
    corpus.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                        help="project: the 4 bracket labels; ca4p: the dataset's 7 labels")
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
    from ..gold.corpus import (CorpusReport, Split, assign_splits, drop_unannotated, training_texts,
                               write_corpus)
    from ..gold.docs import blank_pipeline

    started = time.perf_counter()
    sources = args.sources
    if args.skip_missing:
        for source in sources:
            if not Path(source).exists():
                print(f"note: {source} is absent; building from the other sources", file=sys.stderr)
        sources = [source for source in sources if Path(source).exists()]
    gathered = gather(sources, args.format, args.labels, args.strict)
    for error in gathered.errors:
        print(error, file=sys.stderr)
    for problem in gathered.problems:
        print(problem, file=sys.stderr)
    added = _cut(gathered, args.cut_at) if args.cut_at else 0
    if args.leave_out:
        gathered.units, left_out = _leave_out(gathered.units, args)
        gathered.dropped["in a --leave-out text"] += sum(len(u.spans) for u in left_out)
    units, unannotated = ((gathered.units, 0) if args.all_units
                          else drop_unannotated(gathered.units, args.unannotated, args.seed))
    if not units:
        print("privspan corpus: error: no annotated units in the sources", file=sys.stderr)
        return 1
    try:
        split = Split({args.whole: units}, "none") if args.whole else assign_splits(
            units, args.dev, args.test, args.seed)
    except ValueError as err:
        print(f"privspan corpus: error: {err}", file=sys.stderr)
        return 1
    report = CorpusReport(documents=gathered.policies, unannotated=unannotated)
    paths = write_corpus(blank_pipeline(), split, Path(args.out), report)
    if args.hf_out:
        from ..formats.hf import save_splits

        save_splits(split.units, Path(args.hf_out))
    if args.raw_text:
        import srsly

        Path(args.raw_text).parent.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(args.raw_text, ({"text": text} for text in training_texts(gathered.units, split)))
    written = sum(report.spans.values())
    labels = SCHEMES[args.labels].labels
    align = report.alignment
    print(f"documents: {report.documents} ({'not split' if args.whole else 'split by ' + split.by}"
          f"{'; too few documents to split by document' if split.by == 'line' else ''})")
    if report.documents < FEW_DOCUMENTS and not args.whole:
        print(f"note: {report.documents} document(s) are far too few for a useful model: a model "
              "trained on this corpus is a demo", file=sys.stderr)
    print("units: " + ", ".join(f"{name} {n}" for name, n in report.units.items())
          + f"; {unannotated} unit(s) without gold spans left out"
          + (f", {sum(not u.spans for u in units)} kept as negatives (--unannotated)" if args.unannotated else ""))
    print(f"spans written: {written} ({label_counts(report.spans, labels)})")
    print(f"misaligned with tokens: expanded to token edges {sum(align.expanded.values())} "
          f"({label_counts(align.expanded, labels)}), dropped {sum(align.dropped.values())}")
    dropped = gathered.dropped + align.dropped
    print(f"annotations read: {gathered.read}{f' + {added} pieces cut off by --cut-at' if added else ''} "
          f"= written {written} + dropped {sum(dropped.values())}"
          + "".join(f"; {reason}: {n}" for reason, n in sorted(dropped.items())))
    if gathered.skipped:
        print(f"tasks skipped: {sum(gathered.skipped.values())}"
              + "".join(f"; {reason}: {n}" for reason, n in sorted(gathered.skipped.items())))
    n_errors = sum(p.is_error for p in gathered.problems)
    print(f"problems: {n_errors} error(s), {len(gathered.problems) - n_errors} warning(s); "
          f"unreadable inputs: {len(gathered.errors)}")
    print("wrote " + ", ".join(str(p) for p in paths.values())
          + (f"; datasets to {args.hf_out}" if args.hf_out else "")
          + (f"; training text to {args.raw_text}" if args.raw_text else "")
          + f" in {time.perf_counter() - started:.1f} s")
    return 1 if gathered.failed or (args.strict and n_errors) else 0


def _cut(gathered: Gathered, chars: str) -> int:
    """Cut every gold span at `chars`; the pieces added beyond one a span (drops are counted)."""
    from ..components.decoder import cut
    from ..records import Span

    added = 0
    for unit in gathered.units:
        pieces = [[Span(a, b, s.label) for a, b in cut(unit.text, s.start, s.end, chars)]
                  for s in unit.spans]
        kept = sorted({piece for span_pieces in pieces for piece in span_pieces})
        added += sum(len(p) - 1 for p in pieces if p)
        gathered.dropped["only --cut-at characters"] += sum(not p for p in pieces)
        gathered.dropped["the same as another span after --cut-at"] += sum(map(len, pieces)) - len(kept)
        unit.spans = kept
    for reason in ("only --cut-at characters", "the same as another span after --cut-at"):
        if not gathered.dropped[reason]:
            del gathered.dropped[reason]
    return added


def _leave_out(units: List[Unit], args: argparse.Namespace) -> Tuple[List[Unit], List[Unit]]:
    """(kept, left out): whether a unit contains a text of `--leave-out`; says how many went."""
    from ..gold.corpus import without_sentences

    given = gather(args.leave_out, "auto", args.labels)
    for error in given.errors:
        print(error, file=sys.stderr)
    texts = [u.text for u in given.units]
    looked_for = [t for t in texts if len("".join(t.split())) >= args.leave_out_min_chars]
    kept, left_out = without_sentences(units, looked_for, args.leave_out_min_chars)
    print(f"left out: {len(left_out)} unit(s) holding {sum(len(u.spans) for u in left_out)} gold "
          f"span(s), which contain one of {len(set(looked_for))} text(s) of "
          f"{', '.join(args.leave_out)} ({len(texts) - len(looked_for)} shorter than "
          f"{args.leave_out_min_chars} characters not looked for)")
    return kept, left_out
