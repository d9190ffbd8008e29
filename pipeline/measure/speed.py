"""What `privspan benchmark` measures and prints: annotate's speed against jieba alone,
2-process scaling, peak memory; with `dask`, a job on Dask LocalClusters of 1 and 2 workers
and its client's memory. Each figure is the best of a few rounds, set against a floor.

Floors are reported, never asserted: the figures depend on the machine and on whatever
else runs on it, so the load average is printed with them.
"""
from __future__ import annotations

import itertools
import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Sequence

from spacy.language import Language

from .benchmark import (annotate_timing, benchmark_texts, client_peak_mb, dask_timing, jieba_timing,
                        jsonl_corpus, memory_run, stage_seconds, synthetic_policy)

FLOOR_VS_JIEBA = 0.1
FLOOR_TWO_PROCESSES = 1.6
FLOOR_MEMORY_MB = 2048
FLOOR_DASK_TWO_WORKERS = 1.7
FLOOR_DASK_VS_ONE_PROCESS = 0.9
# The client's peak memory at ten times the texts, against once: flat, give or take.
FLOOR_CLIENT_GROWTH = 1.1
# The --dask rows' job: the texts in documents of about DOC_CHARS characters, in
# DASK_PARTITIONS partitions, as many documents each: enough for two workers to share
# evenly, few enough that writing shards and the manifest costs little beside annotating.
DOC_CHARS = 2000
DASK_PARTITIONS = 8


@dataclass
class BenchmarkOptions:
    texts: Sequence[str] = ()  # none: the CA4P-483 policies
    limit_chars: int = 200_000
    batch_size: int = 0  # 0: annotate's own
    policy_mb: float = 5.0
    repeat: int = 3
    profile: bool = False
    dask: bool = False
    serve: bool = False  # the server against annotate instead (measure/serving.py)
    report: bool = False  # the report's job at scale instead (measure/report_scale.py)


def run_benchmark(model: str, options: BenchmarkOptions, say: Callable[[str], None],
                  fail: Callable[[str], None]) -> bool:
    """Measure, and `say` each figure as it comes (a run takes minutes); False, after `fail`
    heard why, when a run failed. Floors are reported, never asserted."""
    from ..annotation.load import load_pipeline, span_categorizer
    from ..annotation.predict import BATCH_SIZE

    texts, origin = benchmark_texts(options.texts, options.limit_chars)
    batch_size = options.batch_size or BATCH_SIZE
    n_chars = sum(len(text) for text in texts)
    nlp = load_pipeline(model)
    span_categorizer(nlp)
    hmm = getattr(nlp.tokenizer, "hmm", True)
    say(f"model: {model}")
    say(f"texts: {len(texts)} ({origin}), {n_chars:,} characters"
        + (f" (--limit-chars {options.limit_chars:,})" if options.limit_chars else ""))
    say(f"machine: {os.cpu_count()} CPU(s); load average before the runs "
        f"{os.getloadavg()[0]:.2f} (other work on the CPUs slows every figure)")
    # A first call loads jieba's dictionary, which forked workers then inherit.
    annotate_timing(nlp, texts[:1], 1, batch_size)
    if options.serve:
        from .serving import serve_benchmark

        return serve_benchmark(model, nlp, texts, say, fail)
    if options.report:
        from .report_scale import report_benchmark

        return report_benchmark(nlp, texts, say, fail)

    # Rounds of all kinds, each kind's fastest kept: a busy spell of the machine then
    # slows one round, not one kind.
    measure = {"jieba segmentation alone": lambda: jieba_timing(texts, hmm),
               "annotate, 1 process": lambda: annotate_timing(nlp, texts, 1, batch_size),
               "annotate, --n-process 2": lambda: annotate_timing(nlp, texts, 2, batch_size)}
    with ExitStack() as stack:
        if options.dask:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="privspan-bench-")))
            measure.update(_dask_measures(stack, model, nlp, texts, folder, batch_size, say))
        rounds = [{name: run() for name, run in measure.items()} for _ in range(max(options.repeat, 1))]
    runs = {name: min((r[name] for r in rounds), key=lambda t: t.wall) for name in measure}
    say(f"best of {len(rounds)} round(s) each (--repeat)")
    for name, run in runs.items():
        say(f"{name:<25}: {n_chars / run.wall:>10,.0f} chars/s  (wall {run.wall:.1f} s, "
            f"CPU {run.cpu:.1f} s in all processes)")
    jieba_t, one, two = (runs[name] for name in list(measure)[:3])
    vs_jieba, scaling = jieba_t.wall / one.wall, one.wall / two.wall
    say(f"{'1 process / jieba':<25}: {vs_jieba:10.3f} = 1/{1 / vs_jieba:.1f}    "
        f"floor >= 1/{1 / FLOOR_VS_JIEBA:.0f}: {_verdict(vs_jieba >= FLOOR_VS_JIEBA)}"
        f"   (by CPU time: 1/{_ratio(one.cpu, jieba_t.cpu):.1f})")
    # What two idle CPUs would give if the work split evenly: the machine may be busy.
    say(f"{'2 processes / 1 process':<25}: {scaling:10.2f}x          "
        f"floor >= {FLOOR_TWO_PROCESSES}x: {_verdict(scaling >= FLOOR_TWO_PROCESSES)}"
        f"   (CPU spent: {_ratio(two.cpu, one.cpu):.2f}x that of 1 process, so about "
        f"{_ratio(2 * one.cpu, two.cpu):.2f}x on 2 idle CPUs)")
    if options.dask:
        dask_one, dask_two = runs["annotate, dask local:1"], runs["annotate, dask local:2"]
        say(f"{'dask local:2 / local:1':<25}: {dask_one.wall / dask_two.wall:10.2f}x          "
            f"floor >= {FLOOR_DASK_TWO_WORKERS}x: "
            f"{_verdict(dask_one.wall / dask_two.wall >= FLOOR_DASK_TWO_WORKERS)}"
            f"   (CPU spent: {_ratio(dask_two.cpu, dask_one.cpu):.2f}x that of local:1, so about "
            f"{_ratio(2 * dask_one.cpu, dask_two.cpu):.2f}x on 2 idle CPUs)")
        say(f"{'dask local:1 / 1 process':<25}: {one.wall / dask_one.wall:10.2f}x          "
            f"floor >= {FLOOR_DASK_VS_ONE_PROCESS}x: "
            f"{_verdict(one.wall / dask_one.wall >= FLOOR_DASK_VS_ONE_PROCESS)}")
        if not _client_memory(model, texts, say, fail):
            return False
    if options.profile:
        times, n_tokens, candidates = stage_seconds(nlp, texts, batch_size)
        say(f"where one process spends its CPU time ({n_tokens:,} tokens, "
            f"{candidates / max(n_tokens, 1):.1f} candidate spans per token):")
        for stage, seconds in times.items():
            say(f"  {stage:<40} {seconds:8.2f} s")
    if options.policy_mb > 0:
        run = memory_run(model, synthetic_policy(texts, options.policy_mb), batch_size)
        if run.returncode != 0:
            fail(f"privspan benchmark: error: the {options.policy_mb:g} MB run failed "
                 f"(exit {run.returncode})")
            return False
        say(f"{options.policy_mb:g} MB policy, 1 process : {run.chars:,} characters in {run.seconds:.1f} s "
            f"({run.chars / run.seconds:,.0f} chars/s incl. loading); peak memory "
            f"{run.peak_mb:,.0f} MB   floor < {FLOOR_MEMORY_MB:,} MB: "
            f"{_verdict(run.peak_mb < FLOOR_MEMORY_MB)}")
    return True


def _dask_measures(stack: ExitStack, model: str, nlp: Language, texts: List[str],
                   folder: Path, batch_size: int, say: Callable[[str], None]) -> dict:
    """The --dask rows: a job of Parquet shards over the texts on a LocalCluster of 1 and of 2
    workers, both started (and warmed on one text) before the rounds, so no round counts
    starting workers or loading the model."""
    from ..processing.dask_engine import DaskEngine
    from ..processing.job import model_identity

    corpus = jsonl_corpus(texts, folder / "texts.jsonl", doc_chars=DOC_CHARS)
    size = _partition_size(corpus)
    say(f"dask rows: a job of Parquet shards over the same texts cut into {_documents(corpus):,} "
        f"documents of about {DOC_CHARS:,} characters, {size:,} a partition")
    identity = model_identity(nlp)
    jobs = itertools.count()
    measures = {}
    for workers in (1, 2):
        engine = stack.enter_context(DaskEngine(f"local:{workers}", model))
        dask_timing(engine, jsonl_corpus(texts[:1], folder / "warm.jsonl"),
                    folder / f"job-{next(jobs)}", identity, 1, batch_size)
        measures[f"annotate, dask local:{workers}"] = (
            lambda engine=engine: dask_timing(engine, corpus, folder / f"job-{next(jobs)}",
                                              identity, size, batch_size))
    return measures


def _documents(corpus: Path) -> int:
    with corpus.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def _partition_size(corpus: Path) -> int:
    return max(1, -(-_documents(corpus) // DASK_PARTITIONS))


def _client_memory(model: str, texts: List[str], say: Callable[[str], None],
                   fail: Callable[[str], None]) -> bool:
    """Say the client's peak memory at 1x and 10x the texts; False if a run failed."""
    peaks, documents = [], []
    with tempfile.TemporaryDirectory(prefix="privspan-bench-") as tmp:
        size = _partition_size(jsonl_corpus(texts, Path(tmp) / "once.jsonl", doc_chars=DOC_CHARS))
        for copies in (1, 10):
            corpus = jsonl_corpus(texts, Path(tmp) / f"texts-{copies}.jsonl", copies, DOC_CHARS)
            documents.append(_documents(corpus))
            peak = client_peak_mb(model, corpus, "local:2", size, Path(tmp) / f"out-{copies}")
            if peak is None:
                fail(f"privspan benchmark: error: the --dask local:2 run over {copies}x the "
                     "texts failed")
                return False
            peaks.append(peak)
    growth = peaks[1] / peaks[0]
    say(f"{'client peak memory':<25}: {peaks[0]:,.0f} MB at 1x the texts ({documents[0]:,} "
        f"documents), {peaks[1]:,.0f} MB at 10x ({documents[1]:,}): {growth:.2f}x   "
        f"floor <= {FLOOR_CLIENT_GROWTH}x: "
        f"{_verdict(growth <= FLOOR_CLIENT_GROWTH)}")
    return True


def _ratio(a: float, b: float) -> float:
    # os.times counts in clock ticks (10 ms): a tiny run can show no CPU time at all.
    return a / b if b else float("nan")


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"
