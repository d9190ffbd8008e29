"""`privspan` command line: lint, convert, corpus (and the model commands)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

from ..formats.brackets import parse, render
from ..problems import InputError
from ..files import collect_files, read_docbin, read_text
from ..schema import LABELS, SCHEMES
from ..units import Span


def _label_counts(counts: Counter, labels: Sequence[str] = LABELS) -> str:
    order = list(labels) + sorted(set(counts) - set(labels))
    return ", ".join(f"{label} {counts[label]}" for label in order if label in counts or label in labels)


class _Inputs:
    """Decoded input files; each bad one is reported on stderr and remembered."""

    def __init__(self, sources: Sequence[str], suffixes: tuple) -> None:
        self.files, errors = collect_files(sources, suffixes)
        self.failed = bool(errors)
        for error in errors:
            print(error, file=sys.stderr)

    def __iter__(self) -> Iterator[Tuple[Path, str]]:
        for file in self.files:
            try:
                content, _ = read_text(file)
            except InputError as err:
                print(err, file=sys.stderr)
                self.failed = True
                continue
            yield file, content


def cmd_lint(args: argparse.Namespace) -> int:
    inputs = _Inputs(args.files, (".txt",))
    n_errors = n_warnings = 0
    spans: Counter = Counter()
    for file, markup in inputs:
        parsed = parse(markup, str(file))
        for problem in parsed.problems:
            print(problem)
        n_errors += len(parsed.errors)
        n_warnings += len(parsed.problems) - len(parsed.errors)
        spans.update(s.label for s in parsed.spans)
    print(f"{len(inputs.files)} file(s): {sum(spans.values())} spans ({_label_counts(spans)}); "
          f"{n_errors} error(s), {n_warnings} warning(s)")
    return 1 if inputs.failed or (args.strict and n_errors) else 0


def cmd_convert(args: argparse.Namespace) -> int:
    return _convert_to_jsonl(args) if args.to == "jsonl" else _convert_to_brackets(args)


def _convert_to_jsonl(args: argparse.Namespace) -> int:
    inputs = _Inputs(args.files, (".txt",))
    lines: List[str] = []
    for file, markup in inputs:
        parsed = parse(markup, str(file))
        for problem in parsed.problems:
            print(problem, file=sys.stderr)
        record = {"id": file.stem, "text": parsed.text, "spans": [s.to_dict() for s in parsed.spans]}
        lines.append(json.dumps(record, ensure_ascii=False))
    text = "".join(line + "\n" for line in lines)
    if args.out:
        try:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{args.out}: error: cannot write ({err.strerror})") from None
    else:
        sys.stdout.write(text)
    return 1 if inputs.failed else 0


def _convert_to_brackets(args: argparse.Namespace) -> int:
    inputs = _Inputs(args.files, (".jsonl",))
    failed = False
    out_dir = Path(args.out) if args.out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for file, content in inputs:
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                doc_id, text = str(record["id"]), record["text"]
                spans = [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in record.get("spans", [])]
                scores = [float(s.get("score", 0.0)) for s in record.get("spans", [])] if any(
                    "score" in s for s in record.get("spans", [])) else None
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                print(f"{file}:{lineno}:1: error: bad-record: {err.__class__.__name__}: {err}", file=sys.stderr)
                failed = True
                continue
            markup, left_out = render(text, spans, scores)
            for span in left_out:
                print(f"{file}:{lineno}:1: warning: left-out: {doc_id}: {span.label} "
                      f"[{span.start}, {span.end}) cannot be written as brackets", file=sys.stderr)
            if out_dir:
                (out_dir / f"{doc_id}.txt").write_text(markup, encoding="utf-8")
            else:
                sys.stdout.write(markup + "\n")
    return 1 if failed or inputs.failed else 0


def cmd_corpus(args: argparse.Namespace) -> int:
    from ..gold.corpus import CorpusReport, assign_splits, drop_unannotated, training_texts, write_corpus
    from ..gold.docs import blank_pipeline
    from ..gold.sources import gather

    started = time.perf_counter()
    sources = args.sources
    if args.skip_missing:
        for source in sources:
            if not Path(source).exists():
                print(f"note: {source} is absent; building from the other sources")
        sources = [source for source in sources if Path(source).exists()]
    gathered = gather(sources, args.format, args.labels, args.strict)
    for error in gathered.errors:
        print(error, file=sys.stderr)
    for problem in gathered.problems:
        print(problem, file=sys.stderr)
    units, unannotated = drop_unannotated(gathered.units)
    if not units:
        print("privspan corpus: error: no annotated units in the sources", file=sys.stderr)
        return 1
    try:
        split = assign_splits(units, args.dev, args.test, args.seed)
    except ValueError as err:
        print(f"privspan corpus: error: {err}", file=sys.stderr)
        return 1
    report = CorpusReport(documents=gathered.documents, unannotated=unannotated)
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
    print(f"documents: {report.documents} (split by {split.by}"
          f"{'; too few documents to split by document' if split.by == 'line' else ''})")
    print("units: " + ", ".join(f"{name} {n}" for name, n in report.units.items())
          + f"; {unannotated} unit(s) without gold spans left out")
    print(f"spans written: {written} ({_label_counts(report.spans, labels)})")
    print(f"misaligned with tokens: expanded to token edges {sum(align.expanded.values())} "
          f"({_label_counts(align.expanded, labels)}), dropped {sum(align.dropped.values())}")
    dropped = gathered.dropped + align.dropped
    print(f"annotations read: {gathered.read} = written {written} + dropped {sum(dropped.values())}"
          + "".join(f"; {reason}: {n}" for reason, n in sorted(dropped.items())))
    n_errors = sum(p.is_error for p in gathered.problems)
    print(f"problems: {n_errors} error(s), {len(gathered.problems) - n_errors} warning(s); "
          f"unreadable inputs: {len(gathered.errors)}")
    print("wrote " + ", ".join(str(p) for p in paths.values())
          + (f"; datasets to {args.hf_out}" if args.hf_out else "")
          + (f"; training text to {args.raw_text}" if args.raw_text else "")
          + f" in {time.perf_counter() - started:.1f} s")
    return 1 if gathered.errors or (args.strict and n_errors) else 0


def cmd_recall(args: argparse.Namespace) -> int:
    from ..gold.docs import blank_pipeline
    from ..schema import SPANS_KEY
    from ..components.suggester import build_clause_suggester, candidate_recall

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


def cmd_agreement(args: argparse.Namespace) -> int:
    from ..measure.agreement import edge_agreement, marking_agreement
    from ..gold.docs import blank_pipeline

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


def cmd_threshold(args: argparse.Namespace) -> int:
    from ..measure.threshold import tune_threshold

    for path in (args.model, args.dev):
        if not Path(path).exists():
            raise InputError(f"{path}: error: no such file or folder")
    best, score, _ = tune_threshold(Path(args.model), Path(args.dev), args.n_trials)
    print(f"best threshold {best:.2f} (span F {score:.3f} on {args.dev}); saved in {args.model}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="privspan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    lint = sub.add_parser("lint", help="report markup problems and count spans")
    lint.add_argument("files", nargs="+", help="bracket files or folders of .txt")
    lint.add_argument("--strict", action="store_true", help="exit 1 when any error is found")
    lint.set_defaults(func=cmd_lint)

    convert = sub.add_parser("convert", help="bracket markup <-> JSONL")
    convert.add_argument("files", nargs="+", help=".txt bracket files (to jsonl) or .jsonl files (to brackets)")
    convert.add_argument("--to", choices=("jsonl", "brackets"), required=True)
    convert.add_argument("--out", help="output file (jsonl) or folder (brackets); default stdout")
    convert.set_defaults(func=cmd_convert)

    corpus = sub.add_parser("corpus", help="build train/dev/test .spacy files from gold sources")
    corpus.add_argument("sources", nargs="+", help="bracket files/folders, CA4P-483 folders, HF datasets")
    corpus.add_argument("--out", required=True, help="folder for train.spacy, dev.spacy, test.spacy")
    corpus.add_argument("--format", choices=("auto", "brackets", "ca4p", "hf"), default="auto")
    corpus.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                        help="project: the 4 bracket labels; ca4p: the dataset's 7 labels")
    corpus.add_argument("--dev", type=float, default=0.1, help="share of documents for dev")
    corpus.add_argument("--test", type=float, default=0.0, help="share of documents for test")
    corpus.add_argument("--seed", type=int, default=0)
    corpus.add_argument("--strict", action="store_true", help="leave out files with markup errors; exit 1")
    corpus.add_argument("--hf-out", help="also save a datasets.DatasetDict here")
    corpus.add_argument("--raw-text", help="also write the train split's text, annotated or not, "
                        "as JSONL for spacy pretrain")
    corpus.add_argument("--skip-missing", action="store_true",
                        help="a source that does not exist is noted and skipped, not an error")
    corpus.set_defaults(func=cmd_corpus)

    threshold = sub.add_parser("threshold", help="choose the spancat threshold on dev data and save it")
    threshold.add_argument("model", help="a trained pipeline folder (rewritten in place)")
    threshold.add_argument("dev", help="a .spacy file with gold spans")
    threshold.add_argument("--n-trials", type=int, default=11)
    threshold.set_defaults(func=cmd_threshold)

    recall = sub.add_parser("recall", help="share of gold spans the clause suggester proposes at all")
    recall.add_argument("corpus", help="a .spacy file with gold spans")
    recall.add_argument("--max-ngram", type=int, default=12)
    recall.add_argument("--max-clause", type=int, default=40)
    recall.set_defaults(func=cmd_recall)

    agreement = sub.add_parser("agreement", help="is a recurring gold text marked alike within a policy "
                               "and across policies?")
    agreement.add_argument("corpus", nargs="+", help=".spacy files written by privspan corpus")
    agreement.add_argument("--min-count", type=int, default=3,
                           help="judge gold texts marked, and edge words taken in and left out, at least "
                           "this often (default 3)")
    agreement.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                           help="label scheme the corpus was built with")
    agreement.set_defaults(func=cmd_agreement)

    from ..measure.evaluate import FORMATS as EVALUATE_FORMATS, cmd_evaluate

    evaluate = sub.add_parser("evaluate", help="score a pipeline's spans against gold at character offsets")
    evaluate.add_argument("model", help="pipeline name or folder")
    evaluate.add_argument("gold", nargs="+",
                          help=".spacy files, bracket files/folders, CA4P-483 folders, HF datasets")
    evaluate.add_argument("--output", help="also write the scores as JSON here")
    evaluate.add_argument("--markdown", action="store_true", help="print markdown tables")
    evaluate.add_argument("--all-units", action="store_true",
                          help="score units without gold spans too (default: annotated units only)")
    evaluate.add_argument("--format", choices=EVALUATE_FORMATS, default="auto")
    evaluate.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                          help="label scheme for reading CA4P-483 and ordering the report")
    evaluate.add_argument("--trim-edges", nargs="+", metavar="CORPUS.spacy",
                          help="also score exact match with the edge words whose inclusion varies in "
                               "these gold files (the train split) trimmed from both sides")
    evaluate.set_defaults(func=cmd_evaluate)

    from ..annotation.predict import cmd_annotate
    from ..annotation.outputs import EXTENSIONS as ANNOTATE_FORMATS

    annotate = sub.add_parser("annotate", help="annotate policies with a trained pipeline")
    annotate.add_argument("model", help="pipeline folder or installed package name")
    annotate.add_argument("inputs", nargs="+", metavar="INPUT",
                          help=".txt/.html/.htm/.jsonl files, folders of them, or - for stdin")
    annotate.add_argument("--format", choices=tuple(ANNOTATE_FORMATS), default="brackets")
    annotate.add_argument("--out", help="folder for one output file per input; default or -: stdout")
    annotate.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe")
    annotate.add_argument("--batch-size", type=int,
                          help="at most this many paragraphs per batch (default 256); a batch "
                               "also holds at most 8000 characters, which bounds memory")
    annotate.add_argument("--threshold", type=float,
                          help="keep spans scored at least this (default: the pipeline's threshold)")
    annotate.add_argument("--quiet", action="store_true", help="no progress bar")
    annotate.add_argument("--verbose", action="store_true",
                          help="say encodings, spans left out of brackets, and a summary")
    annotate.set_defaults(func=cmd_annotate)

    from ..measure.benchmark import cmd_benchmark

    benchmark = sub.add_parser("benchmark", help="annotate speed vs jieba, 2-process scaling, memory")
    benchmark.add_argument("model", help="pipeline folder or installed package name")
    benchmark.add_argument("texts", nargs="*", metavar="TEXTS",
                           help="texts to measure on (default: the CA4P-483 pool's policies)")
    benchmark.add_argument("--limit-chars", type=int, default=200_000,
                           help="measure on at most this many characters (default 200000; 0: all)")
    benchmark.add_argument("--batch-size", type=int, help="at most this many paragraphs per batch (default 256)")
    benchmark.add_argument("--policy-mb", type=float, default=5.0,
                           help="size of the synthetic policy for the memory run; 0 skips it")
    benchmark.add_argument("--repeat", type=int, default=3,
                           help="rounds of measurements; each figure is its best round (default 3)")
    benchmark.add_argument("--profile", action="store_true",
                           help="also time tokenizer, tok2vec and spancat separately")
    benchmark.set_defaults(func=cmd_benchmark)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(err, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")
        return 141


if __name__ == "__main__":
    sys.exit(main())
