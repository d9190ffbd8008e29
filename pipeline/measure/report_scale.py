"""`privspan benchmark --report`: the report's job at 1x and 10x the policies, in this process
and on Dask LocalClusters of 1 and 2 workers, each run a `privspan report` process of its own.
Each row gives the run's time and the peak memory of its client process (the one the command
starts; Dask's workers are processes of their own). Then three checks: in-process and Dask
give identical files, a job killed after its first partitions and run again gives them too,
and no page is over the limit."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from spacy.language import Language

from ..annotation.predict import annotate
from ..records import Document

POLICIES = 200  # 1x
PARTITION_SIZE = 100
RUNS = (("in-process", 1), ("in-process", 10), ("local:1", 10), ("local:2", 10), ("local:2", 1))


def report_benchmark(nlp: Language, policies: Sequence[str], say: Callable[[str], None],
                     fail: Callable[[str], None]) -> bool:
    """Measure and `say` each figure; False, after `fail` heard why, if a run failed."""
    from ..formats.jsonl import record

    annotated = [record(doc) for doc in annotate(nlp, [Document(str(n), text) for n, text in enumerate(policies)])]
    with tempfile.TemporaryDirectory(prefix="privspan-report-") as work:
        root = Path(work)
        corpora = {}
        for times in (1, 10):
            path = root / f"{times}x.jsonl"
            records = (annotated[i % len(annotated)] for i in range(POLICIES * times))
            path.write_text("".join(json.dumps(dict(r, id=f"p{i:06d}"), ensure_ascii=False) + "\n"
                                    for i, r in enumerate(records)), encoding="utf-8")
            corpora[times] = path
        say(f"policies: {len(annotated)} annotated by the model, repeated to {POLICIES:,} (1x) and "
            f"{POLICIES * 10:,} (10x); partitions of {PARTITION_SIZE}")
        say(f"{'run':<22}{'seconds':>9}{'per 1,000':>11}{'client MB':>11}{'largest page MB':>17}")
        measured = {}
        for engine, times in RUNS:
            out = root / f"{engine}-{times}x"
            found = _run(corpora[times], out, engine, fail)
            if found is None:
                return False
            seconds, peak = found
            largest = max(p.stat().st_size for p in out.rglob("*.html")) / 1e6
            measured[(engine, times)] = (seconds, peak, out)
            say(f"{f'{engine}, {times}x':<22}{seconds:9.1f}{seconds / (POLICIES * times) * 1000:11.1f}"
                f"{peak:11.0f}{largest:17.2f}")
        for engine in ("in-process", "local:2"):
            say(f"client memory, 10x / 1x ({engine}): "
                f"{measured[(engine, 10)][1] / measured[(engine, 1)][1]:.2f}x (floor: <= 1.2x)")
        say(f"local:2 against local:1 (10x): {measured[('local:1', 10)][0] / measured[('local:2', 10)][0]:.2f}x "
            "(floor: >= 1.7x)")
        same = _files(measured[("in-process", 10)][2]) == _files(measured[("local:2", 10)][2])
        say(f"in-process and local:2 give identical files (10x): {'yes' if same else 'NO'}")
        killed = root / "killed"
        resumed = _killed_and_resumed(corpora[1], killed, fail)
        same_again = resumed and _files(killed) == _files(measured[("in-process", 1)][2])
        say(f"a job killed after its first partitions and run again gives them too (1x): "
            f"{'yes' if same_again else 'NO'}")
        return same and bool(same_again)


def _command(corpus: Path, out: Path, engine: str) -> List[str]:
    dask = [] if engine == "in-process" else ["--dask", engine]
    return [sys.executable, "-m", "pipeline", "report", str(corpus), "--out", str(out),
            "--partition-size", str(PARTITION_SIZE), *dask]


def _run(corpus: Path, out: Path, engine: str, fail: Callable[[str], None]) -> Optional[Tuple[float, float]]:
    """(seconds, the client's peak MB) of one report run."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(_command(corpus, out, engine), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.Error:
            break
        time.sleep(0.02)
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        fail(f"privspan report ({engine}) failed: {err.decode(errors='replace').strip().splitlines()[-1:]}")
        return None
    return seconds, peak / 2**20


def _killed_and_resumed(corpus: Path, out: Path, fail: Callable[[str], None]) -> bool:
    process = subprocess.Popen(_command(corpus, out, "in-process"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    manifest = out / "manifest.json"
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if json.loads(manifest.read_text(encoding="utf-8"))["done"]:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return _run(corpus, out, "in-process", fail) is not None


def _files(out: Path) -> list:
    """What a report holds: its summary, entries, CSV files and the tables' rows."""
    import pyarrow.parquet as pq

    tables = [pq.read_table(sorted((out / "tables" / name).glob("*.parquet"))[0].parent).to_pylist()
              for name in ("policies", "data_items", "checklist")]
    return [(out / name).read_bytes() for name in ("report.json", "policies.jsonl", "data_items.csv",
                                                   "policies.csv", "checklist.csv")] + tables
