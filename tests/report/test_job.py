"""The report as a job over partitions: the same report whatever the partitions, in this
process or on Dask; a killed job resumes; pages stay small; bad lines are located."""
from __future__ import annotations

import json
from pathlib import Path

import pandas
import pytest

from pipeline.cli import main
from pipeline.report import job as report_job
from tests.processing.test_jobs import done_shards, killed_after_a_shard

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report_policies.jsonl"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Sixty policies, the fixture's two over and over under their own ids."""
    records = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path_factory.mktemp("corpus") / "annotated.jsonl"
    lines = [json.dumps(dict(records[i % len(records)], id=f"p{i:02d}"), ensure_ascii=False) for i in range(60)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def outputs(out: Path) -> dict:
    """What a report says, whatever its partitions: summary, entries, CSVs and table rows."""
    tables = {}
    for table in ("policies", "data_items", "checklist"):
        frame = pandas.read_parquet(sorted((out / "tables" / table).glob("*.parquet")))
        tables[table] = frame.astype(str).to_dict("records")
    return {"report": (out / "report.json").read_text(encoding="utf-8"),
            "entries": (out / "policies.jsonl").read_text(encoding="utf-8"),
            "csv": [(out / name).read_text(encoding="utf-8-sig") for name in report_job.CSVS],
            "tables": tables}


@pytest.fixture(scope="module")
def whole(corpus, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("whole")
    assert main(["report", str(corpus), "--out", str(out)]) == 0
    return outputs(out)


def test_partitions_add_up_to_the_report_of_the_whole(corpus, whole, tmp_path, capsys):
    out = tmp_path / "parts"
    assert main(["report", str(corpus), "--out", str(out), "--partition-size", "7"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["partitions"]) == 9 and len(manifest["done"]) == 9
    assert outputs(out) == whole
    assert json.loads(whole["report"])["corpus"]["policies"] == 60


def test_pages_of_a_job_stay_small_and_reach_every_policy(corpus, tmp_path, monkeypatch, capsys):
    out = tmp_path / "pages"
    monkeypatch.setattr(report_job, "INDEX_ROWS", 20)  # past it, a list page per partition
    assert main(["report", str(corpus), "--out", str(out), "--partition-size", "7"]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Policies that stand out" in index and "Disclosure checklist" in index
    lists = sorted((out / "policies").glob("part-*.html"))
    assert len(lists) == 9
    linked = set()
    for page in lists:
        text = page.read_text(encoding="utf-8")
        assert f'href="policies/{page.name}"' in index
        for name in __import__("re").findall(r'href="(part-\d+/p\d+\.html)#p\d+"', text):
            linked.add(name)
            assert (out / "policies" / name).exists()
    assert len(linked) == 60
    pages = list(out.rglob("*.html"))
    assert max(p.stat().st_size for p in pages) < report_job.PAGE_LIMIT
    assert 'url=index.html' in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_dask_gives_the_report_of_this_process(corpus, whole, tmp_path, capsys):
    out = tmp_path / "dask"
    assert main(["report", str(corpus), "--out", str(out), "--partition-size", "7", "--dask", "local:2"]) == 0
    assert outputs(out) == whole


@pytest.mark.slow
def test_a_killed_job_resumes_and_gives_the_same_report(corpus, whole, tmp_path, capsys):
    out = tmp_path / "killed"
    command = ["report", str(corpus), "--out", str(out), "--partition-size", "1"]
    for process in killed_after_a_shard(command, out):
        process.kill()
    finished = done_shards(out)
    assert 0 < len(finished) < 60
    assert main(command) == 0
    err = capsys.readouterr().err
    assert f"{out / 'manifest.json'}: resuming: {len(finished)} of 60 shard(s) done before" in err
    assert outputs(out) == whole
    entries = [json.loads(line) for line in (out / "policies.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["id"] for e in entries] == [f"p{i:02d}" for i in range(60)]


def test_other_inputs_in_the_same_folder_begin_the_report_again(corpus, tmp_path, capsys):
    out = tmp_path / "again"
    assert main(["report", str(corpus), "--out", str(out), "--partition-size", "7"]) == 0
    assert main(["report", str(FIXTURE), "--out", str(out)]) == 0
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["policies"] == 2
    assert len(list((out / "tables" / "policies").glob("*.parquet"))) == 1


def test_bad_lines_of_a_partition_are_located_and_the_good_policies_reported(corpus, tmp_path, capsys):
    lines = corpus.read_text(encoding="utf-8").splitlines()
    lines[9] = "{not json"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "bad"
    assert main(["report", str(bad), "--out", str(out), "--partition-size", "7"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "error" in line][0].startswith(f"{bad}:10:1: error: bad-record: not JSON")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["policies"] == 59
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == 1 and errors[0]["shard"] == "part-00001"
