"""`privspan benchmark`: annotate's speed against jieba alone, 2-process scaling, peak memory.

Floors are reported, never asserted: the figures depend on the machine and on whatever
else runs on it, so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import sys

from ._common import HelpFormatter

FLOOR_VS_JIEBA = 0.1
FLOOR_TWO_PROCESSES = 1.6
FLOOR_MEMORY_MB = 2048


def add_to(commands: argparse._SubParsersAction) -> None:
    benchmark = commands.add_parser("benchmark", help="annotate speed vs jieba, 2-process scaling, memory",
                                    formatter_class=HelpFormatter)
    benchmark.add_argument("model", help="pipeline folder or installed package name")
    benchmark.add_argument("texts", nargs="*", metavar="TEXTS",
                           help="texts to measure on (default: the CA4P-483 pool's policies)")
    benchmark.add_argument("--limit-chars", type=int, default=200_000,
                           help="measure on at most this many characters (0: all)")
    benchmark.add_argument("--batch-size", type=int, help="at most this many paragraphs per batch (default 256)")
    benchmark.add_argument("--policy-mb", type=float, default=5.0,
                           help="size of the synthetic policy for the memory run; 0 skips it")
    benchmark.add_argument("--repeat", type=int, default=3,
                           help="rounds of measurements; each figure is its best round")
    benchmark.add_argument("--profile", action="store_true",
                           help="also time tokenizer, tok2vec and spancat separately")
    benchmark.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..annotation.load import load_pipeline, span_categorizer
    from ..annotation.predict import BATCH_SIZE
    from ..measure.benchmark import (annotate_timing, benchmark_texts, jieba_timing, memory_run,
                                     stage_seconds, synthetic_policy)

    texts, origin = benchmark_texts(args.texts, args.limit_chars)
    batch_size = args.batch_size or BATCH_SIZE
    n_chars = sum(len(text) for text in texts)
    nlp = load_pipeline(args.model)
    span_categorizer(nlp)
    hmm = getattr(nlp.tokenizer, "hmm", True)
    print(f"model: {args.model}")
    print(f"texts: {len(texts)} ({origin}), {n_chars:,} characters"
          + (f" (--limit-chars {args.limit_chars:,})" if args.limit_chars else ""))
    print(f"machine: {os.cpu_count()} CPU(s); load average before the runs "
          f"{os.getloadavg()[0]:.2f} (other work on the CPUs slows every figure)")
    # A first call loads jieba's dictionary, which forked workers then inherit.
    annotate_timing(nlp, texts[:1], 1, batch_size)

    # Rounds of all three, each kind's fastest kept: a busy spell of the machine then
    # slows one round, not one kind.
    measure = {"jieba segmentation alone": lambda: jieba_timing(texts, hmm),
               "annotate, 1 process": lambda: annotate_timing(nlp, texts, 1, batch_size),
               "annotate, --n-process 2": lambda: annotate_timing(nlp, texts, 2, batch_size)}
    rounds = [{name: run() for name, run in measure.items()} for _ in range(max(args.repeat, 1))]
    runs = {name: min((r[name] for r in rounds), key=lambda t: t.wall) for name in measure}
    print(f"best of {len(rounds)} round(s) each (--repeat)")
    for name, run in runs.items():
        print(f"{name:<25}: {n_chars / run.wall:>10,.0f} chars/s  (wall {run.wall:.1f} s, "
              f"CPU {run.cpu:.1f} s in all processes)")
    jieba_t, one, two = runs.values()
    vs_jieba, scaling = jieba_t.wall / one.wall, one.wall / two.wall
    print(f"{'1 process / jieba':<25}: {vs_jieba:10.3f} = 1/{1 / vs_jieba:.1f}    "
          f"floor >= 1/{1 / FLOOR_VS_JIEBA:.0f}: {_verdict(vs_jieba >= FLOOR_VS_JIEBA)}"
          f"   (by CPU time: 1/{_ratio(one.cpu, jieba_t.cpu):.1f})")
    # What two idle CPUs would give if the work split evenly: the machine may be busy.
    print(f"{'2 processes / 1 process':<25}: {scaling:10.2f}x          "
          f"floor >= {FLOOR_TWO_PROCESSES}x: {_verdict(scaling >= FLOOR_TWO_PROCESSES)}"
          f"   (CPU spent: {_ratio(two.cpu, one.cpu):.2f}x that of 1 process, so about "
          f"{_ratio(2 * one.cpu, two.cpu):.2f}x on 2 idle CPUs)")
    if args.profile:
        times, n_tokens, candidates = stage_seconds(nlp, texts, batch_size)
        print(f"where one process spends its CPU time ({n_tokens:,} tokens, "
              f"{candidates / max(n_tokens, 1):.1f} candidate spans per token):")
        for stage, seconds in times.items():
            print(f"  {stage:<40} {seconds:8.2f} s")
    if args.policy_mb > 0:
        run = memory_run(args.model, synthetic_policy(texts, args.policy_mb), batch_size)
        if run.returncode != 0:
            print(f"privspan benchmark: error: the {args.policy_mb:g} MB run failed "
                  f"(exit {run.returncode})", file=sys.stderr)
            return 1
        print(f"{args.policy_mb:g} MB policy, 1 process : {run.chars:,} characters in {run.seconds:.1f} s "
              f"({run.chars / run.seconds:,.0f} chars/s incl. loading); peak memory "
              f"{run.peak_mb:,.0f} MB   floor < {FLOOR_MEMORY_MB:,} MB: "
              f"{_verdict(run.peak_mb < FLOOR_MEMORY_MB)}")
    return 0


def _ratio(a: float, b: float) -> float:
    # os.times counts in clock ticks (10 ms): a tiny run can show no CPU time at all.
    return a / b if b else float("nan")


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"
