"""Jobs of shards on both engines (processing/): on the local engine (`--format parquet`) the
same spans as the plain engine, resuming, the manifest's refusals, bad documents in
errors.jsonl, and partitions that read what whole inputs read; with `--dask` on a
LocalCluster of 2 worker processes the spans of the plain engine, a shard per partition in
every format, and faults: the client killed mid-run, a worker killed mid-run, bad documents
mixed in. And `privspan benchmark --dask`."""
from __future__ import annotations

import glob
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import datasets
import pandas
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from pipeline.cli import annotate as annotate_module
from pipeline.cli import main
from pipeline.processing.dask_engine import PLUGIN
from pipeline.processing.plan import plan, read_partition

ROOT = Path(__file__).resolve().parents[2]
SEED = [line for line in (ROOT / "corpus" / "seed_kuaishou.txt").read_text(encoding="utf-8").split("\n")
        if line.strip()]
# Threshold 0 keeps every candidate: many spans to compare between engines.
EVERY_SPAN = ("--threshold", "0")


def policy(i: int, lines: int = 3) -> str:
    """A few lines of the seed policy (bracket markup read as text), a different stretch per i."""
    return "\n".join(SEED[(i * lines + k) % len(SEED)] for k in range(lines)) + "\n"


def make_corpus(root: Path, n_files: int = 5) -> list[str]:
    """Every kind of input: .txt (UTF-8 and GB18030), .html, .md, JSONL, Parquet, a saved
    dataset. Returns the INPUT arguments."""
    docs = root / "docs"
    (docs / "sub").mkdir(parents=True)
    for i in range(n_files):
        encoding = "gb18030" if i % 2 else "utf-8"
        (docs / f"t{i}.txt").write_bytes(policy(i).encode(encoding))
    (docs / "sub" / "page.html").write_text(f"<h1>隐私政策</h1><p>{SEED[3]}</p><p>{SEED[4]}</p>",
                                            encoding="utf-8")
    (docs / "sub" / "notes.md").write_text(f"# 政策\n\n- {SEED[5]}\n- {SEED[6]}\n", encoding="utf-8")
    with (docs / "lines.jsonl").open("w", encoding="utf-8", newline="") as stream:
        stream.write("\ufeff")  # a BOM, and CRLF line ends: read as the whole file reads them
        for i in range(5):
            stream.write(json.dumps({"id": f"j{i}", "text": policy(10 + i, 1)}, ensure_ascii=False) + "\r\n")
    pq.write_table(pa.table({"id": [1, 2, 3], "text": [policy(20 + i, 2) for i in range(3)]}),
                   docs / "rows.parquet", row_group_size=2)
    datasets.Dataset.from_dict({"id": ["h0", "h1"], "text": [policy(30), policy(31)]}).save_to_disk(
        str(root / "saved"))
    return [str(docs), str(root / "saved")]


def rows_of(out: Path) -> list[tuple]:
    """(id, text, spans with scores) of every document in a job's shards, sorted by id."""
    rows = []
    for path in sorted(out.glob("part-*")):
        if path.suffix == ".parquet":
            rows.extend(pq.read_table(path).to_pylist())
        else:
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return _sorted(rows)


def _sorted(rows: list[dict]) -> list[tuple]:
    return sorted((r["id"], r["text"], [(s["start"], s["end"], s["label"], s["score"]) for s in r["spans"]])
                  for r in rows)


def assert_same_annotations(ours: list[tuple], theirs: list[tuple]) -> None:
    """The same documents and spans; scores within float32 noise.

    A batch's other paragraphs move a score by up to ~3e-6 (BLAS sums in another order),
    which can flip its 4th decimal: partitions batch paragraphs differently from one stream.
    """
    assert [(i, text, [s[:3] for s in spans]) for i, text, spans in ours] == \
        [(i, text, [s[:3] for s in spans]) for i, text, spans in theirs]
    for (_, _, a), (_, _, b) in zip(ours, theirs):
        assert all(abs(x[3] - y[3]) <= 2e-4 for x, y in zip(a, b))


def plain_rows(capsys, model: Path, inputs: list[str], *options: str) -> list[tuple]:
    capsys.readouterr()
    code = main(["annotate", str(model), *inputs, "--format", "jsonl", *options])
    out, _ = capsys.readouterr()
    assert code == 0
    return rows_of_jsonl(out)


def rows_of_jsonl(text: str) -> list[tuple]:
    return _sorted([json.loads(line) for line in text.splitlines()])


@pytest.fixture(scope="module")
def nlp(tiny_model):
    return annotate_module.load_pipeline(str(tiny_model))


@pytest.fixture
def loaded_once(nlp, load_once):
    load_once(nlp, annotate_module)


def annotate(capsys, model: Path, *argv: object) -> tuple[int, str]:
    capsys.readouterr()  # what the set-up printed (datasets' progress bars) is not the run's
    code = main(["annotate", str(model), *[str(a) for a in argv]])
    return code, capsys.readouterr().err


def test_parquet_shards_hold_what_the_plain_engine_finds(tiny_model, tmp_path, capsys, loaded_once):
    inputs = make_corpus(tmp_path)
    out = tmp_path / "out"
    code, err = annotate(capsys, tiny_model, *inputs, "--format", "parquet", "--out", out,
                         "--partition-size", "2", *EVERY_SPAN, "--quiet")
    assert code == 0 and err == ""
    shards = sorted(p.name for p in out.glob("part-*"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert shards == [f"{p['shard']}.parquet" for p in manifest["partitions"]] and len(shards) == 10
    assert set(manifest["done"]) == {p["shard"] for p in manifest["partitions"]}
    assert manifest["model"]["name"] == "pipeline" and manifest["inputs"] == inputs
    assert (out / "errors.jsonl").read_text() == "" and not (out / ".tmp").exists()
    written = rows_of(out)
    assert_same_annotations(written, plain_rows(capsys, tiny_model, inputs, *EVERY_SPAN))
    assert len(written) == 5 + 2 + 5 + 3 + 2 and all(spans for _, _, spans in written)
    assert len({doc_id for doc_id, _, _ in written}) == len(written)
    # Readable as is by pandas, HF datasets and DuckDB.
    files = sorted(glob.glob(str(out / "part-*.parquet")))
    frame = pandas.concat([pandas.read_parquet(f) for f in files], ignore_index=True)
    assert list(frame.columns) == ["id", "text", "spans", "report", "topics", "model"] and len(frame) == len(written)
    assert frame["model"][0] == {"name": "pipeline", "version": manifest["model"]["version"]}
    loaded = datasets.load_dataset("parquet", data_files=files, split="train",
                                   cache_dir=str(tmp_path / "hf-cache"))
    assert set(loaded[0]["spans"][0]) == {"start", "end", "label", "score", "text"}
    assert sorted(loaded["id"]) == [doc_id for doc_id, _, _ in written]
    duckdb = pytest.importorskip("duckdb")
    [(n_docs, n_spans)] = duckdb.sql(
        f"select count(*), sum(len(spans)) from read_parquet('{out}/part-*.parquet')").fetchall()
    assert (n_docs, n_spans) == (len(written), sum(len(spans) for _, _, spans in written))


def test_a_rerun_writes_only_the_shards_not_done(tiny_model, tmp_path, capsys, loaded_once):
    inputs = make_corpus(tmp_path)
    out = tmp_path / "out"
    command = [*inputs, "--format", "parquet", "--out", out, "--partition-size", "2", "--quiet"]
    assert annotate(capsys, tiny_model, *command)[0] == 0
    whole = rows_of(out)
    # As a crash leaves it: two shards not recorded (one of them still on disk), a shard
    # half written in the temporary folder, a manifest written last before the crash.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["done"]["part-00002"], manifest["done"]["part-00005"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "part-00005.parquet").unlink()
    (out / ".tmp" / "part-00002-dead").mkdir(parents=True)
    (out / ".tmp" / "part-00002-dead" / "part-00002.parquet").write_bytes(b"PAR1 cut short")
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*") if p.stem not in ("part-00002",)}
    code, err = annotate(capsys, tiny_model, *command)
    assert code == 0
    assert err.splitlines() == [f"{out / 'manifest.json'}: resuming: 8 of 10 shard(s) done before"]
    assert rows_of(out) == whole
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*") if p.name in kept} == kept
    assert not (out / ".tmp").exists()
    # Done already: nothing to run, nothing rewritten.
    assert annotate(capsys, tiny_model, *command)[0] == 0 and rows_of(out) == whole


def test_the_manifest_refuses_another_model_other_inputs_or_settings(tiny_model, tmp_path, capsys):
    inputs = make_corpus(tmp_path, n_files=2)
    out = tmp_path / "out"
    command = ["--format", "parquet", "--out", out, "--quiet"]
    assert annotate(capsys, tiny_model, *inputs, *command)[0] == 0
    other = tmp_path / "other-model"
    shutil.copytree(tiny_model, other)
    meta = json.loads((other / "meta.json").read_text(encoding="utf-8"))
    (other / "meta.json").write_text(json.dumps(dict(meta, version="0.0.1")), encoding="utf-8")
    manifest = out / "manifest.json"
    again = "; use another --out folder, or delete this one to start again"
    code, err = annotate(capsys, other, *inputs, *command)
    weights = json.loads(manifest.read_text())["model"]["weights"]
    assert code == 1 and err.splitlines() == [
        f"{manifest}: error: this job ran with the model pipeline {meta['version']} (weights "
        f"{weights}), not pipeline 0.0.1 (weights {weights}){again}"]
    (Path(inputs[0]) / "new.txt").write_text("我们收集您的位置信息\n", encoding="utf-8")
    code, err = annotate(capsys, tiny_model, *inputs, *command)
    assert code == 1 and err.splitlines() == [
        f"{manifest}: error: the inputs differ from this job's ({' '.join(inputs)}): files were "
        f"added, removed or changed since it started{again}"]
    code, err = annotate(capsys, tiny_model, *inputs, *command, "--threshold", "0.2")
    assert code == 1 and err.splitlines() == [
        f"{manifest}: error: this job ran with --threshold (the pipeline's), not 0.2{again}"]
    code, err = annotate(capsys, tiny_model, *inputs, *command, "--partition-size", "7")
    assert code == 1 and err.splitlines() == [
        f"{manifest}: error: this job ran with --partition-size 1000, not 7{again}"]
    # Refused before any cluster starts.
    code, err = annotate(capsys, tiny_model, *inputs, *command[2:], "--format", "jsonl", "--dask", "local:1")
    assert code == 1 and err.splitlines() == [
        f"{manifest}: error: this job ran with --format parquet, not jsonl{again}"]


def bad_corpus(root: Path) -> tuple[list[str], set, set]:
    """Good and bad documents mixed: INPUTs, the good ids, the (id, reason) of each bad one."""
    root.mkdir()
    good = root / "good.txt"
    good.write_text(policy(0), encoding="utf-8")
    binary = root / "binary.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    latin = root / "latin.txt"
    latin.write_bytes(b"caf\xe9 \xff\xfe")
    empty = root / "empty.txt"
    empty.write_text(" \r\n\n", encoding="utf-8")
    lines = root / "lines.jsonl"
    latin_line = b'{"id": "latin", "text": "caf\xe9 \xff"}'
    # UTF-8 lines, one undecodable, one in GB18030: each line is decoded on its own.
    lines.write_bytes(('{"id": "ok", "text": "我们收集信息"}\n{"id": "x", "text": \n["list"]\n'
                       '{"id": "blank", "text": "  "}\n').encode("utf-8") + latin_line + b"\n"
                      + '{"id": "ok2", "text": "我们会收集您的手机号码"}\n'.encode("gb18030"))
    rows = root / "rows.parquet"
    pq.write_table(pa.table({"id": ["r0", None, "r2", "r3"], "text": [policy(1), policy(2), None, policy(3)]}), rows)
    missing = root / "missing.txt"
    inputs = [str(root), str(missing)]
    good_ids = {"good", "ok", "ok2", "r0", "r3"}
    bad = {
        ("binary", f"{binary}: error: binary file (NUL bytes), not text"),
        ("latin", f"{latin}: error: undecodable bytes at byte 3 (neither UTF-8 nor GB18030)"),
        ("empty", f"{empty}: error: empty document, nothing to annotate"),
        (None, f"{lines}:2: error: bad JSONL line: Expecting value (column 21)"),
        (None, f'{lines}:3: error: bad JSONL record: needs an "id" (string or number) and a "text" (string)'),
        ("blank", f"{lines}:4 (id blank): error: empty document, nothing to annotate"),
        (None, f"{lines}:5: error: undecodable bytes at byte {latin_line.index(0xE9)} "
               "(neither UTF-8 nor GB18030)"),
        (None, f"{rows}: row 1: error: no id (null)"),
        ("r2", f"{rows}: row 2 (id r2): error: empty document, nothing to annotate"),
        (None, f"{missing}: error: no such file or folder"),
    }
    return inputs, good_ids, bad


def errors_of(out: Path) -> set:
    return {(r["id"], r["reason"]) for r in map(json.loads, (out / "errors.jsonl").read_text().splitlines())}


def test_bad_documents_go_to_errors_jsonl_and_the_good_ones_are_written(tiny_model, tmp_path, capsys, loaded_once):
    inputs, good, bad = bad_corpus(tmp_path / "in")
    out = tmp_path / "out"
    code, err = annotate(capsys, tiny_model, *inputs, "--format", "parquet", "--out", out,
                         "--partition-size", "2", "--quiet")
    assert code == 1 and "Traceback" not in err
    assert {doc_id for doc_id, _, _ in rows_of(out)} == good
    assert errors_of(out) == bad
    assert set(err.splitlines()) == {reason for _, reason in bad}
    # A rerun lists each failure once, and still says that the job has failures.
    code, err = annotate(capsys, tiny_model, *inputs, "--format", "parquet", "--out", out,
                         "--partition-size", "2", "--quiet")
    assert code == 1 and len((out / "errors.jsonl").read_text().splitlines()) == len(bad)
    assert errors_of(out) == bad


def test_a_parquet_input_broken_inside_loses_only_its_broken_row_group(tiny_model, tmp_path, capsys, loaded_once):
    rows = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": ["b0", "b1", "b2", "b3"], "text": [policy(i) for i in range(4)]}),
                   rows, row_group_size=2)
    data = bytearray(rows.read_bytes())
    data[4:68] = b"\xff" * 64  # the first row group's first page; the footer still reads
    rows.write_bytes(bytes(data))
    located = f"{rows}: rows 0-1: error: not readable ("
    # The plain engine: one line, the other row group annotated.
    code, err = annotate(capsys, tiny_model, rows, "--format", "jsonl", "--out", tmp_path / "plain")
    assert code == 1 and len(err.splitlines()) == 1 and err.startswith(located) and err.rstrip("\n").isprintable()
    written = (tmp_path / "plain" / "rows.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in written] == ["b2", "b3"]
    # A job: the same line in errors.jsonl, the other rows in the shard.
    out = tmp_path / "job"
    code, err = annotate(capsys, tiny_model, rows, "--format", "parquet", "--out", out, "--quiet")
    assert code == 1 and "Traceback" not in err
    assert {doc_id for doc_id, _, _ in rows_of(out)} == {"b2", "b3"}
    [(doc_id, reason)] = errors_of(out)
    assert doc_id is None and reason.startswith(located) and reason.isprintable()


def test_a_job_needs_a_folder_and_files(tiny_model, tmp_path, capsys):
    source = tmp_path / "p.txt"
    source.write_text(policy(0), encoding="utf-8")
    for argv, message in (
            (["--format", "parquet"], "a job (--dask or --format parquet) writes shards into a "
                                      "folder: give --out DIR"),
            (["-", "--dask", "local:1", "--out", tmp_path / "o"],
             "a job (--dask or --format parquet) reads files, folders and datasets, not stdin (-)"),
            (["--dask", "local:0", "--out", tmp_path / "o"],
             "--dask local:0: local:N needs a number of workers, 1 or more"),
            (["--dask", "cluster", "--out", tmp_path / "o"],
             "--dask cluster: give local:N (N worker processes here) or a scheduler's address, "
             "tcp://HOST:PORT"),
            (["--format", "parquet", "--out", tmp_path / "o", "--markup-input"],
             "--markup-input is for the plain engine, not for a job (--dask or --format parquet)")):
        code, err = annotate(capsys, tmp_path / "no-model-needed", source, *argv)
        # argparse's way: the usage, then the one line
        assert (code, err.splitlines()[-1]) == (2, f"privspan annotate: error: {message}")
        assert err.startswith("usage: privspan annotate")


def test_partitions_read_what_whole_inputs_read(tmp_path):
    inputs = make_corpus(tmp_path)
    from pipeline.annotation.inputs import read_documents

    def never(*failure: object) -> None:
        pytest.fail(str(failure))

    def in_order(docs):  # partitions of files gather the files between JSONL and Parquet ones
        return sorted(docs, key=lambda doc: (doc.source, doc.where))

    whole = in_order(read_documents(inputs, never))
    for size in (1, 2, 1000):
        job = plan(inputs, size)
        assert job.problems == []
        assert in_order(doc for p in job.partitions for doc in read_partition(p, never)) == whole
        # The plan holds places, never texts.
        assert all(p.kind in ("files", "jsonl", "parquet", "dataset") for p in job.partitions)
        assert max(len(p.paths) for p in job.partitions) <= size
    assert plan(inputs, 2).fingerprint == plan(inputs, 2).fingerprint != plan(inputs, 3).fingerprint


# The Dask engine

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


@pytest.mark.slow
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


def killed_after_a_shard(command: list, out: Path) -> list:
    """Run `privspan COMMAND`, SIGKILL it once its manifest records a shard done (or it ends,
    or two minutes pass), and give the processes it had started."""
    client = subprocess.Popen([sys.executable, "-m", "pipeline", *command], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not done_shards(out) and client.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    children = psutil.Process(client.pid).children(recursive=True)
    client.send_signal(signal.SIGKILL)
    client.wait()
    return children


@pytest.mark.slow
def test_a_killed_client_resumes_where_it_stopped(scheduler, big, reference, tiny_model, tmp_path, capsys):
    out = tmp_path / "out"
    command = ["annotate", str(tiny_model), *big, "--dask", "local:2", "--out", str(out), *JOB]
    workers = killed_after_a_shard(command, out)
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


@pytest.mark.slow
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


@pytest.mark.slow
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
