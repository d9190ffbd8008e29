"""`privspan benchmark`: annotate's speed against jieba alone, 2-process scaling, peak memory;
with --dask, a job on Dask LocalClusters of 1 and 2 workers and its client's memory
(measure/speed.py measures and says each figure); --serve and --report measure the server and
the report's job instead."""
from __future__ import annotations

import argparse
import importlib.util
import sys

from ..problems import UsageError
from ._common import HelpFormatter, at_least

def add_to(commands: argparse._SubParsersAction) -> None:
    benchmark = commands.add_parser("benchmark", help="annotate speed vs jieba, 2-process scaling, memory",
                                    formatter_class=HelpFormatter)
    benchmark.add_argument("model", help="pipeline folder or installed package name")
    benchmark.add_argument("texts", nargs="*", metavar="TEXTS",
                           help="texts to measure on (default: the CA4P-483 policies in $PRIVSPAN_CA4P, "
                                "else in the workflow's assets/ca4p483)")
    benchmark.add_argument("--limit-chars", type=at_least(1), default=200_000,
                           help="measure on at most this many characters (0: all)")
    benchmark.add_argument("--batch-size", type=at_least(1), help="at most this many paragraphs per batch (default 256)")
    benchmark.add_argument("--policy-mb", type=float, default=5.0,
                           help="size of the synthetic policy for the memory run; 0 skips it")
    benchmark.add_argument("--repeat", type=at_least(1), default=3,
                           help="rounds of measurements; each figure is its best round")
    benchmark.add_argument("--profile", action="store_true",
                           help="also time tokenizer, tok2vec and spancat separately")
    benchmark.add_argument("--dask", action="store_true",
                           help="also time annotate as a job of Parquet shards on Dask "
                                "LocalClusters of 1 and 2 worker processes over the same texts, "
                                "and the client's peak memory at 1x and 10x the texts (local:2)")
    benchmark.add_argument("--serve", action="store_true",
                           help="instead, time privspan serve against annotate on the same texts: "
                                "requests/s and latency at 1 and 8 clients, and its memory after "
                                "1,000 requests against after 10")
    benchmark.add_argument("--report", action="store_true",
                           help="instead, time privspan report as a job over the texts' annotations "
                                "repeated to 200 and 2,000 policies: in-process and on Dask local:1 "
                                "and local:2, the client's peak memory, the largest page, and whether "
                                "Dask and a killed-and-resumed job give identical files")
    benchmark.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..measure.speed import BenchmarkOptions, run_benchmark

    if args.dask and importlib.util.find_spec("distributed") is None:
        raise UsageError("--dask needs Dask: pip install 'privspan[dask]'")
    if args.report and importlib.util.find_spec("distributed") is None:
        raise UsageError("--report runs on Dask too: pip install 'privspan[dask]'")
    if args.serve and importlib.util.find_spec("uvicorn") is None:
        raise UsageError("--serve needs the server: pip install 'privspan[serve]'")
    options = BenchmarkOptions(texts=args.texts, limit_chars=args.limit_chars, batch_size=args.batch_size or 0,
                               policy_mb=args.policy_mb, repeat=args.repeat, profile=args.profile,
                               dask=args.dask, serve=args.serve, report=args.report)
    return 0 if run_benchmark(args.model, options, print, lambda line: print(line, file=sys.stderr)) else 1
