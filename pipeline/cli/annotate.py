"""`privspan annotate`: a trained pipeline's spans over policies, as brackets, JSONL, HTML, or
pre-annotations to correct in Label Studio, doccano or Prodigy; with --dask or --format parquet,
a resumable job of shards (pipeline/processing)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..annotation.inputs import STDIN, read_documents
from ..annotation.load import load_pipeline, span_categorizer
from ..annotation.outputs import OUTPUT_FORMATS, Output
from ..annotation.predict import BATCH_SIZE, annotate
from ..formats import labelstudio
from ..formats.registry import FORMATS
from ..problems import InputError, UsageError
from ..processing.plan import PARTITION_SIZE
from ._common import HelpFormatter, at_least, dask_problem, fraction

if TYPE_CHECKING:
    from spacy.language import Language

    from ..processing.job import ShardResult


def add_to(commands: argparse._SubParsersAction) -> None:
    annotate = commands.add_parser("annotate", help="annotate policies with a trained pipeline",
                                   formatter_class=HelpFormatter)
    annotate.add_argument("model", help="pipeline folder or installed package name")
    annotate.add_argument("inputs", nargs="+", metavar="INPUT",
                          help=".txt/.html/.htm/.md/.markdown/.jsonl files, Parquet files and saved "
                               "HF datasets (id and text columns), folders of them (read "
                               "recursively), or - for stdin; HTML and Markdown are read as "
                               "their visible text")
    annotate.add_argument("--markup-input", action="store_true",
                          help="read .txt inputs and stdin as bracket markup and annotate their "
                               "clean text, to set the pipeline's spans against the human ones; "
                               "markup problems are FILE:LINE:COL lines on stderr, as lint "
                               "prints them (exit status unchanged). Without it brackets are "
                               "text, as literal brackets in a policy often are")
    annotate.add_argument("--format", choices=OUTPUT_FORMATS + ("parquet",), default="brackets",
                          help="brackets: the markup itself; jsonl: one {id, text, spans} line per "
                               "document; html: a page to read in a browser; labelstudio: tasks "
                               "with the spans as scored predictions (and, with --out, the "
                               f"labeling config {labelstudio.CONFIG_NAME} beside them); doccano, "
                               "prodigy: tasks with the spans to correct; parquet: shards of one {id, text, "
                               "spans, model} row per document (a job, as with --dask)")
    annotate.add_argument("--out", help="folder for one output file per input; default or -: stdout")
    annotate.add_argument("--n-process", type=at_least(1), default=1, help="worker processes for nlp.pipe")
    annotate.add_argument("--batch-size", type=at_least(1),
                          help="at most this many paragraphs per batch (default 256); a batch "
                               "also holds at most 8000 characters, which bounds memory")
    annotate.add_argument("--threshold", type=fraction(),
                          help="keep spans scored at least this (default: the pipeline's threshold)")
    annotate.add_argument("--dask", metavar="local:N|tcp://HOST:PORT",
                          help="run as a job of shards on Dask: local:N starts N single-threaded "
                               "worker processes here, an address uses a running scheduler "
                               "(docs/cluster.md). --out gets part-NNNNN files, a manifest.json "
                               "and errors.jsonl; the same command again resumes the job")
    annotate.add_argument("--partition-size", type=at_least(1), default=PARTITION_SIZE,
                          help="documents (files, lines or rows) per shard of a job")
    annotate.add_argument("--quiet", action="store_true", help="no progress bar")
    annotate.add_argument("--verbose", action="store_true",
                          help="say encodings, spans left out of brackets, and a summary")
    annotate.set_defaults(func=run)


class Progress:
    """Documents and characters on stderr; messages go around the bar, not through it."""

    def __init__(self, show: bool) -> None:
        self.bar = None
        self.docs = 0
        if show:
            from tqdm import tqdm

            self.bar = tqdm(unit=" chars", unit_scale=True, file=sys.stderr, mininterval=0.5,
                            bar_format="annotate: {n_fmt} chars{postfix} [{elapsed}, {rate_fmt}]",
                            postfix="0 docs")

    def say(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def chars(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def document(self, n: int = 1) -> None:
        self.docs += n
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.docs} docs", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace) -> int:
    as_job = bool(args.dask or args.format == "parquet")
    if as_job and _job_usage(args):
        raise UsageError(_job_usage(args))
    nlp = load_pipeline(args.model, args.threshold)
    spancat = span_categorizer(nlp)  # a pipeline without one fails here, before any input is read
    if as_job:
        return _run_job(args, nlp)
    out_dir = Path(args.out) if args.out not in (None, STDIN) else None
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{out_dir}: error: cannot make the output folder ({err.strerror})") from None
    many = len(args.inputs) > 1 or any(Path(i).is_dir() or Path(i).suffix in FORMATS["jsonl"].suffixes
                                       for i in args.inputs)
    progress = Progress(not args.quiet and (sys.stderr.isatty() or many))
    failed = False

    def say_error(message: str) -> None:
        nonlocal failed
        failed = True
        progress.say(message)

    meta = nlp.meta
    output = Output(args.format, out_dir, progress.say, args.verbose, labels=spancat.labels,
                    tokenizer=nlp.tokenizer,
                    model_version=f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}")
    started = time.perf_counter()
    n_chars = 0
    try:
        docs = read_documents(args.inputs, say_error, progress.say if args.verbose else None,
                              progress.say if args.markup_input else None)
        for result in annotate(nlp, docs, batch_size=args.batch_size or BATCH_SIZE,
                               n_process=args.n_process, progress=progress.chars):
            if not output.write(result):
                failed = True
            n_chars += len(result.text)
            progress.document()
    finally:
        output.close()
        progress.close()
    if args.verbose:
        _summary(output.written, n_chars, started)
    return 1 if failed else 0


def _summary(n_docs: int, n_chars: int, started: float) -> None:
    seconds = time.perf_counter() - started
    print(f"annotated {n_docs} document(s), {n_chars} characters in {seconds:.1f} s "
          f"({n_chars / max(seconds, 1e-9):.0f} chars/s)", file=sys.stderr)


def _run_job(args: argparse.Namespace, nlp: Language) -> int:
    """Shards in --out, resumable: on Dask with --dask, else in this process."""
    from ..processing.job import Job, model_identity
    from ..processing.local import LocalEngine

    progress = Progress(not args.quiet)
    started = time.perf_counter()
    n_docs = n_chars = 0

    def shard_done(shard: ShardResult) -> None:
        nonlocal n_docs, n_chars
        n_docs, n_chars = n_docs + shard.documents, n_chars + shard.characters
        progress.chars(shard.characters)
        progress.document(shard.documents)

    try:
        job = Job.annotating(args.inputs, Path(args.out), fmt=args.format, model=model_identity(nlp),
                             threshold=args.threshold, partition_size=args.partition_size,
                             batch_size=args.batch_size or BATCH_SIZE, say=progress.say)
        if job.todo:
            if args.dask:
                from ..processing.dask_engine import DaskEngine

                engine = DaskEngine(args.dask, args.model, args.threshold)
            else:
                engine = LocalEngine(nlp, args.n_process)
            with engine:
                job.run(engine, shard_done)
    finally:
        progress.close()
    if job.failed_shards:
        print(f"{args.out}: error: {job.failed_shards} shard(s) not written; run the same "
              "command again to finish them", file=sys.stderr)
    if args.verbose:
        _summary(n_docs, n_chars, started)
    return 1 if job.failed else 0


def _job_usage(args: argparse.Namespace) -> str:
    """What is wrong with the options of a job, or ""."""
    if args.dask:
        if problem := dask_problem(args.dask):
            return problem
        if args.n_process != 1:
            return "--n-process is for the local engine; with --dask, local:N sets the processes"
    if args.out in (None, STDIN):
        return "a job (--dask or --format parquet) writes shards into a folder: give --out DIR"
    if STDIN in args.inputs:
        return "a job (--dask or --format parquet) reads files, folders and datasets, not stdin (-)"
    if args.markup_input:
        return "--markup-input is for the plain engine, not for a job (--dask or --format parquet)"
    return ""
