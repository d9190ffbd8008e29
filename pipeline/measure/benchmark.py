"""The measurements behind `privspan benchmark`: annotate's speed against jieba alone, its
memory on a 5 MB policy, and (--dask) a job of shards on Dask LocalClusters with the peak
memory of its client.

Every rate is over the same texts and counts the same characters (the texts' length), so
the ratios compare like with like. Floors are reported, never asserted: the figures depend
on the machine and on whatever else runs on it, so the load average is printed with them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence

from spacy.language import Language
from threadpoolctl import threadpool_limits

from ..annotation.predict import annotate, batches, pieces
from ..annotation.inputs import read_documents
from ..records import Document
from ..annotation.load import span_categorizer
from ..formats.ca4p import is_ca4p_folder, read_ca4p
from ..problems import InputError
from ..processing.job import Job

if TYPE_CHECKING:
    from ..processing.dask_engine import DaskEngine


def benchmark_texts(paths: Sequence[str], limit_chars: Optional[int]) -> tuple[List[str], str]:
    """The given texts, or else the CA4P-483 policies; cut to limit_chars in all."""
    if paths:
        texts = [doc.text for doc in read_documents(paths, lambda m: print(m, file=sys.stderr))]
        origin = f"{len(texts)} given document(s)"
    else:
        # the workflow's assets (vars.ca4p), from the project folder, unless told otherwise
        folder = Path(os.environ.get("PRIVSPAN_CA4P") or "assets/ca4p483")
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
    docs = (Document(str(i), text, source="benchmark", where=f"text {i}") for i, text in enumerate(texts))
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
            if not hasattr(proc, "predict"):  # the decoder: no model, a pass over each doc
                batch = [proc(doc) for doc in batch]
                _add(times, name, started)
                continue
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


def jsonl_corpus(texts: Sequence[str], path: Path, copies: int = 1, doc_chars: int = 0) -> Path:
    """The texts as `{"id", "text"}` lines, `copies` times over (each copy its own ids).

    With `doc_chars`, each text is cut at line ends into documents of about that many
    characters: the same paragraphs, so the same work, in documents of even size, which
    partitions of so many documents share evenly among workers.
    """
    with path.open("w", encoding="utf-8") as stream:
        for copy in range(copies):
            n = 0
            for text in texts:
                for doc in _cut(text, doc_chars) if doc_chars else [text]:
                    stream.write(json.dumps({"id": f"{copy}-{n}", "text": doc}, ensure_ascii=False) + "\n")
                    n += 1
    return path


def _cut(text: str, size: int) -> List[str]:
    docs, lines, length = [], [], 0
    for line in text.split("\n"):
        lines.append(line)
        length += len(line) + 1
        if length >= size:
            docs.append("\n".join(lines))
            lines, length = [], 0
    if "".join(lines).strip():
        docs.append("\n".join(lines))
    return docs


def dask_timing(engine: "DaskEngine", corpus: Path, out_dir: Path, model: Dict[str, str],
                partition_size: int, batch_size: int) -> Timing:
    """A job of Parquet shards over `corpus` on a started engine; CPU counts its workers too."""
    job = Job.annotating([str(corpus)], out_dir, fmt="parquet", model=model, threshold=None,
                         partition_size=partition_size, batch_size=batch_size,
                         say=lambda message: print(message, file=sys.stderr))
    before = _workers_cpu(engine)
    timing = timed(lambda: job.run(engine, lambda shard: None))
    timing.cpu += _workers_cpu(engine) - before
    return timing


def _workers_cpu(engine: "DaskEngine") -> float:
    assert engine.client is not None
    return sum(engine.client.run(_own_cpu).values())


def _own_cpu() -> float:
    return sum(os.times()[:2])


# The client as a child of its own; RUSAGE_SELF leaves out the worker processes it starts.
_CLIENT = ("import resource, sys\nfrom pipeline.cli import main\ncode = main(sys.argv[1:])\n"
           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(code)")


def client_peak_mb(model: str, corpus: Path, dask: str, partition_size: int, out_dir: Path) -> Optional[float]:
    """Peak RSS of the client of `privspan annotate --dask` (its workers left out); None if it failed."""
    command = [sys.executable, "-c", _CLIENT, "annotate", model, str(corpus), "--dask", dask,
               "--format", "parquet", "--out", str(out_dir), "--partition-size",
               str(partition_size), "--quiet"]
    run = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    return int(run.stdout.split()[-1]) / 1024 if run.returncode == 0 else None
