"""`privspan benchmark`: annotate's speed against jieba alone, and its memory on a 5 MB policy.

Every rate is over the same texts and counts the same characters (the texts' length), so
the ratios compare like with like. Floors are reported, never asserted: the figures depend
on the machine and on whatever else runs on it, so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..annotation.predict import BATCH_SIZE, annotate, batches, pieces
from ..annotation.inputs import Text, read_documents
from ..annotation.load import load_pipeline, span_categorizer
from ..formats.ca4p import is_ca4p_folder, local_pool, read_ca4p
from ..problems import InputError

FLOOR_VS_JIEBA = 0.1
FLOOR_TWO_PROCESSES = 1.6
FLOOR_MEMORY_MB = 2048


def benchmark_texts(paths: Sequence[str], limit_chars: Optional[int]) -> tuple[List[str], str]:
    """The given texts, or else the CA4P-483 policies; cut to limit_chars in all."""
    if paths:
        texts = [doc.text for doc in read_documents(paths, lambda m: print(m, file=sys.stderr))]
        origin = f"{len(texts)} given document(s)"
    else:
        folder = local_pool()
        if not is_ca4p_folder(folder):
            raise InputError(f"{folder}: error: no CA4P-483 pool here (set PRIVSPAN_CA4P) "
                             "and no TEXTS given")
        texts = [doc.text for doc in read_ca4p(folder).documents]
        origin = f"CA4P-483 policies from {folder}"
    if not texts:
        raise InputError("privspan benchmark: error: no texts to measure")
    if limit_chars:
        kept, total = [], 0
        for text in texts:
            if total >= limit_chars:
                break
            kept.append(text[:limit_chars - total])
            total += len(kept[-1])
        texts = kept
    return texts, origin


@dataclass
class Timing:
    wall: float
    # CPU seconds of this process and of the children it reaped (the nlp.pipe workers):
    # on a busy machine the wall clock also counts waiting for a CPU, this does not.
    cpu: float


def timed(run: Callable[[], object]) -> Timing:
    before, started = os.times(), time.perf_counter()
    run()
    wall, after = time.perf_counter() - started, os.times()
    cpu = sum(after[:4]) - sum(before[:4])  # user, system, children's user and system
    return Timing(wall, cpu)


def jieba_timing(texts: Sequence[str], hmm: bool) -> Timing:
    import jieba

    segmenter = jieba.Tokenizer()
    segmenter.initialize()  # loading the dictionary is not segmentation
    return timed(lambda: [segmenter.lcut(piece, HMM=hmm) for text in texts for _, piece in pieces(text)])


def annotate_timing(nlp: Language, texts: Sequence[str], n_process: int,
                    batch_size: int) -> Timing:
    docs = (Text("benchmark", f"text {i}", str(i), text) for i, text in enumerate(texts))
    return timed(lambda: deque(annotate(nlp, docs, batch_size=batch_size, n_process=n_process), 0))


def stage_seconds(nlp: Language, texts: Sequence[str],
                  batch_size: int) -> tuple[Dict[str, float], int, int]:
    """CPU seconds per stage of one process (tokenizer, each component's predict and
    set_annotations, the span categorizer's suggester on its own), tokens, candidates.

    BLAS runs on one thread, as in `annotate`, so the seconds are one core's.
    """
    with threadpool_limits(1, user_api="blas"):
        return _stage_seconds(nlp, texts, batch_size)


def _stage_seconds(nlp: Language, texts: Sequence[str],
                   batch_size: int) -> tuple[Dict[str, float], int, int]:
    spancat = span_categorizer(nlp)
    times: Dict[str, float] = {}
    n_tokens = candidates = 0
    for texts_batch in batches((piece for text in texts for _, piece in pieces(text)), batch_size):
        started = time.process_time()
        batch = [nlp.make_doc(piece) for piece in texts_batch]
        _add(times, "tokenizer (jieba + Doc)", started)
        n_tokens += sum(len(doc) for doc in batch)
        for name, proc in nlp.pipeline:
            if proc is spancat:
                started = time.process_time()
                candidates += int(spancat.suggester(batch, ops=spancat.model.ops).lengths.sum())
                _add(times, f"{name} suggester (also inside predict)", started)
            started = time.process_time()
            scores = proc.predict(batch)
            _add(times, f"{name} predict", started)
            started = time.process_time()
            proc.set_annotations(batch, scores)
            _add(times, f"{name} set_annotations", started)
    return times, n_tokens, candidates


def _add(times: Dict[str, float], key: str, started: float) -> None:
    times[key] = times.get(key, 0.0) + time.process_time() - started


def synthetic_policy(texts: Sequence[str], megabytes: float) -> str:
    """Real policy text repeated to `megabytes` of UTF-8."""
    size = int(megabytes * 1_000_000)
    base = "\n".join(texts) + "\n"
    repeats = size // max(len(base.encode("utf-8")), 1) + 1
    return (base * repeats).encode("utf-8")[:size].decode("utf-8", "ignore")


@dataclass
class MemoryRun:
    chars: int
    seconds: float
    peak_mb: float
    returncode: int


def memory_run(model: str, text: str, batch_size: int) -> MemoryRun:
    """`privspan annotate` on one file in a child process, its peak RSS from wait4.

    A child of its own, so the figure is this run's alone; wait4 reports the peak of the
    child and of any processes it waited for.
    """
    with tempfile.TemporaryDirectory(prefix="privspan-bench-") as tmp:
        path = Path(tmp) / "policy.txt"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pipeline", "annotate", model, str(path),
                   "--format", "jsonl", "--out", str(Path(tmp) / "out"), "--quiet",
                   "--batch-size", str(batch_size)]
        started = time.perf_counter()
        child = subprocess.Popen(command)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return MemoryRun(len(text), seconds, usage.ru_maxrss / 1024, child.returncode)


def cmd_benchmark(args: argparse.Namespace) -> int:
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
