"""`privspan evaluate`: a pipeline's spans against gold at the annotated character offsets."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..gold.sources import FORMATS_READ
from ..schema import SCHEMES
from ._common import HelpFormatter


def add_to(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser("evaluate", help="score a pipeline's spans against gold at character offsets",
                                   formatter_class=HelpFormatter)
    evaluate.add_argument("model", help="pipeline name or folder")
    evaluate.add_argument("gold", nargs="+",
                          help=".spacy files, bracket files/folders, CA4P-483 folders, HF datasets")
    evaluate.add_argument("--output", help="also write the scores as JSON here")
    evaluate.add_argument("--markdown", action="store_true", help="print markdown tables")
    evaluate.add_argument("--all-units", action="store_true",
                          help="score units without gold spans too (default: annotated units only)")
    evaluate.add_argument("--format", choices=FORMATS_READ, default="auto",
                          help="how to read the gold; auto tells the sources apart by their files")
    evaluate.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                          help="label scheme for reading CA4P-483 and ordering the report")
    evaluate.add_argument("--flat", action="store_true",
                          help="score a flat decoding, the best-scored spans that overlap no better "
                               "one, for gold that cannot nest (BIO files): the decoder's setting "
                               "components.decoder.flat for this load")
    evaluate.add_argument("--cut-at", metavar="CHARS", default="",
                          help="cut every predicted span at these characters into its pieces, before "
                               "any --flat (for gold that never lets a span run across them): the "
                               "decoder's cut_at for this load")
    evaluate.add_argument("--trim-edges", nargs="+", metavar="CORPUS.spacy",
                          help="also score exact match with the edge words whose inclusion varies in "
                               "these gold files (the train split) trimmed from both sides")
    evaluate.add_argument("--checklist", action="store_true",
                          help="with CAPP-130 gold and a pipeline that has the topics and the span "
                               "tagger: also the disclosure checklist by ablation (each item decided on "
                               "the whole policy and with its topics' gold sentences deleted; "
                               "docs/checklist.md), decided by the pipeline's topics and by words")
    evaluate.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..annotation.load import load_pipeline
    from ..gold.sources import gather
    from ..measure.evaluate import evaluate, format_report, spans_component, varying_edge_words

    decoding = {"flat": True} if args.flat else {}
    if args.cut_at:
        decoding["cut_at"] = args.cut_at
    nlp = load_pipeline(args.model, decoding=decoding)
    topics = _topics_gold(nlp, args.gold)
    if topics is not None:
        return _report_topics(nlp, topics, args)
    key, model_labels = spans_component(nlp)
    gathered = gather(args.gold, args.format, args.labels)
    for error in gathered.errors:
        print(error, file=sys.stderr)
    for problem in gathered.problems:
        print(problem, file=sys.stderr)
    if gathered.errors and not gathered.units:
        return 1
    if not any(u.spans for u in gathered.units) and not (args.all_units and gathered.units):
        print(f"privspan evaluate: error: no {'' if args.all_units else 'annotated '}units in "
              f"{', '.join(args.gold)} (spans key {key!r})", file=sys.stderr)
        return 1
    gold_labels = {s.label for u in gathered.units for s in u.spans}
    if model_labels and gold_labels - set(model_labels):
        print(f"privspan evaluate: warning: gold labels {', '.join(sorted(gold_labels - set(model_labels)))} "
              f"are not labels of the model (try --labels)", file=sys.stderr)
    labels = SCHEMES[args.labels].labels
    edge_words = varying_edge_words(nlp, args.trim_edges, labels) if args.trim_edges else None
    report = evaluate(nlp, gathered.units, labels, args.all_units, edge_words)
    print(format_report(report, args.markdown))
    if not _write(report, args.output):
        return 1
    return 1 if gathered.failed else 0


def _topics_gold(nlp, sources):
    """The gold docs of `.spacy` sources that hold sentence topics, for a pipeline that labels
    them; None where the sources are gold spans (every other source)."""
    from ..annotation.load import topics_key
    from ..formats.docbin import read_docbin
    from ..measure.topics import has_topics

    if topics_key(nlp) is None or not all(str(s).endswith(".spacy") for s in sources):
        return None
    docs = [doc for source in sources for doc in read_docbin(source, nlp.vocab)]
    return docs if has_topics(docs) else None


def _report_topics(nlp, docs, args: argparse.Namespace) -> int:
    from ..measure.topics import evaluate_topics, format_topics

    report = evaluate_topics(nlp, docs)
    print("\n".join(format_topics(report)))
    if args.checklist:
        from ..annotation.load import span_categorizer
        from ..annotation.predict import annotate
        from ..measure.checklist import ablation, format_ablation
        from ..report.checklist import Checklist
        from ..report.sources import read_policies

        span_categorizer(nlp)  # annotate needs the span tagger: the assembled pipeline
        from dataclasses import replace

        checklist = Checklist.load()
        gold = read_policies(args.gold, lambda line: print(line, file=sys.stderr), "topics")
        tagged = lambda found: list(annotate(nlp, found))
        report["checklist"] = {"topics": ablation(gold, replace(checklist, decide_by="topics"), tagged),
                               "words": ablation(gold, replace(checklist, decide_by="words"))}
        for name, result in report["checklist"].items():
            print("\n".join(format_ablation(name, result)))
    return 0 if _write(report, args.output) else 1


def _write(report: dict, output) -> bool:
    if not output:
        return True
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        print(f"{output}: error: cannot write ({err.strerror})", file=sys.stderr)
        return False
    return True
