"""`privspan select`: the paragraphs a model is least sure of, spread over policies, written
with the model's spans as a draft in any annotation tool's format."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..annotation.outputs import OUTPUT_FORMATS
from ..formats.registry import READABLE
from ..problems import InputError
from ..schema import SCHEMES, get_scheme
from ._common import HelpFormatter, at_least, fraction, read_documents


def add_to(commands: argparse._SubParsersAction) -> None:
    select = commands.add_parser("select", help="the N paragraphs a model is least sure of, as a "
                                 "draft to correct in an annotation tool", formatter_class=HelpFormatter)
    select.add_argument("model", help="a trained pipeline folder or package")
    select.add_argument("pool", nargs="+", help="files or folders to choose from, in any format "
                        "convert reads, or .spacy; their spans, if any, are ignored")
    select.add_argument("--n", type=at_least(1), required=True, help="how many paragraphs to choose")
    select.add_argument("--out", required=True, help="the file to write; with --format labelstudio "
                        "the labeling config is written beside it")
    select.add_argument("--format", choices=OUTPUT_FORMATS, default="jsonl",
                        help="jsonl: {id, text, spans with scores}; brackets: one paragraph a line; "
                        "labelstudio: tasks with the spans as predictions; doccano, prodigy: tasks "
                        "with the spans")
    select.add_argument("--per-policy", type=fraction(open_low=True), default=0.1, metavar="SHARE",
                        help="at most this share of N from one policy (a paragraph's policy: its "
                        "document, or the id of a .spacy paragraph less its :LINE)")
    select.add_argument("--band", type=fraction(open_low=True), default=0.2,
                        help="a candidate adds 1 - |score - threshold| / w to its paragraph's "
                        "uncertainty when that is positive, w being band, or the threshold or 1 - "
                        "threshold if smaller")
    select.add_argument("--from", dest="source", choices=("auto",) + READABLE, default="auto",
                        help="the pool's format; auto tells each file's by suffix and content")
    select.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                        help="the labels a tool's annotations in the pool may have")
    select.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..annotation.load import load_pipeline, span_categorizer
    from ..annotation.select import cap, choose, drafts, paragraphs, uncertainty

    documents, failed = read_documents(args.pool, args.source, get_scheme(args.labels))
    found = paragraphs(documents)
    if not found:
        raise InputError("privspan select: error: no paragraphs in the pool")
    nlp = load_pipeline(args.model)
    spancat = span_categorizer(nlp)
    scores = uncertainty(nlp, [p.text for p in found], args.band)
    chosen = choose(found, scores, args.n, args.per_policy)
    if not _write(args.format, drafts(nlp, [found[i] for i in chosen], args.out), Path(args.out), nlp,
                  list(spancat.labels), Path(args.model).name):
        return 1
    threshold = spancat.cfg["threshold"]
    top = [scores[i] for i in chosen]
    print(f"chose {len(chosen)} of {len(found)} paragraph(s) from {len({found[i].policy for i in chosen})} "
          f"of {len({p.policy for p in found})} policies (at most {cap(args.n, args.per_policy)} each); "
          f"uncertainty {max(top, default=0):.2f} to {min(top, default=0):.2f} (threshold {threshold:.2f}, "
          f"band {args.band}); written to {args.out}", file=sys.stderr)
    if len(chosen) < args.n:
        print(f"privspan select: warning: only {len(chosen)} paragraph(s) could be chosen under "
              f"--per-policy {args.per_policy}", file=sys.stderr)
    return 1 if failed else 0


def _write(fmt: str, results: list, out: Path, nlp, labels: list, model_version: str) -> bool:
    """The drafts into `out` as annotate writes them; False, after a line saying why, if not."""
    from ..annotation.outputs import write_file

    return write_file(fmt, results, out, lambda message: print(message, file=sys.stderr), labels=labels,
                      tokenizer=nlp.tokenizer, model_version=model_version)
