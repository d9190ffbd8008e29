"""`privspan annotate --dask` on a LocalCluster of 2 worker processes: the spans of the plain
engine, a shard per partition in every format, and faults: the client killed mid-run, a
worker killed mid-run, bad documents mixed in. And `privspan benchmark --dask`."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from distributed import Client, LocalCluster

from pipeline.cli import main
from pipeline.processing.dask_engine import PLUGIN
from tests.test_jobs import (EVERY_SPAN, annotate, assert_same_annotations, bad_corpus, errors_of,
                             make_corpus, plain_rows, policy, rows_of)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scheduler():
    """One cluster for the module: each run still registers the plugin, so loads the model."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> list[str]:
    """Forty policies of ~30 lines: a run long enough to kill something in the middle of it."""
    folder = tmp_path_factory.mktemp("big") / "policies"
    folder.mkdir()
    for i in range(40):
        (folder / f"p{i:02d}.txt").write_text(policy(i, lines=30), encoding="utf-8")
    return [str(folder)]


JOB = ("--format", "parquet", "--partition-size", "1", "--quiet")


@pytest.fixture(scope="module")
def reference(big, tiny_model, tmp_path_factory) -> list[tuple]:
    """The uninterrupted run, on the local engine: the same partitions, so the same batches."""
    out = tmp_path_factory.mktemp("reference")
    assert main(["annotate", str(tiny_model), *big, "--out", str(out), *JOB]) == 0
    return rows_of(out)


def test_dask_gives_the_spans_of_the_plain_engine(scheduler, tiny_model, tmp_path, capsys):
    inputs = make_corpus(tmp_path)
    plain = plain_rows(capsys, tiny_model, inputs, *EVERY_SPAN)
    for fmt in ("parquet", "jsonl"):
        out = tmp_path / fmt
        code, err = annotate(capsys, tiny_model, *inputs, "--dask", scheduler, "--format", fmt,
                             "--out", out, "--partition-size", "2", *EVERY_SPAN, "--quiet")
        assert code == 0 and err == ""
        assert_same_annotations(rows_of(out), plain)
    # The model was loaded by the plugin of each worker, not sent with the tasks.
    with Client(scheduler) as client:
        loaded = client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].nlp is not None)
    assert list(loaded.values()) == [True, True]


def test_every_format_writes_a_shard_per_partition(scheduler, tiny_model, tmp_path, capsys):
    inputs = make_corpus(tmp_path)
    for fmt, suffix in (("brackets", ".txt"), ("html", ".html")):
        out = tmp_path / fmt
        code, _ = annotate(capsys, tiny_model, *inputs, "--dask", scheduler, "--format", fmt,
                           "--out", out, "--partition-size", "3", "--quiet")
        assert code == 0
        assert sorted(p.name for p in out.glob("part-*")) == [f"part-{i:05d}{suffix}" for i in range(7)]
    page = (tmp_path / "html" / "part-00000.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>part-00000</title>" in page


def done_shards(out: Path) -> dict:
    """The shards the manifest records (written and renamed whole, so always readable)."""
    manifest = out / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["done"] if manifest.exists() else {}


def test_a_killed_client_resumes_where_it_stopped(scheduler, big, reference, tiny_model, tmp_path, capsys):
    out = tmp_path / "out"
    command = ["annotate", str(tiny_model), *big, "--dask", "local:2", "--out", str(out), *JOB]
    client = subprocess.Popen([sys.executable, "-m", "pipeline", *command], cwd=ROOT,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not done_shards(out) and client.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = psutil.Process(client.pid).children(recursive=True)
    client.send_signal(signal.SIGKILL)
    client.wait()
    # Its worker processes go with it (they watch their parent) and leave no process behind.
    _, alive = psutil.wait_procs(workers, timeout=20)
    for process in alive:
        process.kill()
    assert alive == []
    done = done_shards(out)
    assert 0 < len(done) < len(reference)
    before = {shard: (out / f"{shard}.parquet").stat().st_mtime_ns for shard in done}
    # The same job again, on the module's cluster to spare starting another.
    code, err = annotate(capsys, tiny_model, *big, "--dask", scheduler, "--out", out, *JOB)
    assert code == 0
    assert err.splitlines() == [f"{out / 'manifest.json'}: resuming: {len(done)} of 40 shard(s) done before"]
    written = rows_of(out)
    assert written == reference
    assert len({doc_id for doc_id, _, _ in written}) == len(written)
    assert {shard: (out / f"{shard}.parquet").stat().st_mtime_ns for shard in done} == before


def test_a_killed_worker_changes_nothing(scheduler, big, reference, tiny_model, tmp_path, capsys):
    out = tmp_path / "out"
    with Client(scheduler) as client:
        pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_worker_after_the_first_shard() -> None:
        deadline = time.monotonic() + 120
        while not any(out.glob("part-*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        killed.append(len(list(out.glob("part-*.parquet"))))

    watcher = threading.Thread(target=kill_a_worker_after_the_first_shard)
    watcher.start()
    code, err = annotate(capsys, tiny_model, *big, "--dask", scheduler, "--out", out, *JOB)
    watcher.join()
    assert code == 0, err
    assert killed and killed[0] < len(reference)  # killed while shards were still to come
    assert rows_of(out) == reference
    with Client(scheduler) as client:
        client.wait_for_workers(2, timeout=60)  # the nanny started another in its place
        assert set(client.run(os.getpid).values()).isdisjoint([next(iter(pids.values()))])


def test_bad_documents_on_dask_go_to_errors_jsonl(scheduler, tiny_model, tmp_path, capsys):
    inputs, good, bad = bad_corpus(tmp_path / "in")
    out = tmp_path / "out"
    code, err = annotate(capsys, tiny_model, *inputs, "--dask", scheduler, "--format", "parquet",
                         "--out", out, "--partition-size", "2", "--quiet")
    assert code == 1 and "Traceback" not in err
    assert {doc_id for doc_id, _, _ in rows_of(out)} == good
    assert errors_of(out) == bad


def test_benchmark_adds_dask_rows(tiny_model, tmp_path, capsys):
    text = tmp_path / "policy.txt"
    text.write_text(policy(0, lines=20), encoding="utf-8")
    code = main(["benchmark", str(tiny_model), str(text), "--policy-mb", "0", "--repeat", "1", "--dask"])
    out = capsys.readouterr().out
    assert code == 0
    for figure in ("annotate, 1 process", "annotate, dask local:1", "annotate, dask local:2",
                   "dask local:2 / local:1", "dask local:1 / 1 process", "client peak memory"):
        assert figure in out
    assert "MB at 1x the texts (" in out and " MB at 10x (" in out
