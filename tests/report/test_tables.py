"""The report's Parquet tables hold what policies.jsonl holds, and the DuckDB queries that
docs/report.md shows run on them and answer what policies.jsonl says."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
import pandas

from pipeline.cli import main

DOCS = Path(__file__).parents[2] / "docs" / "report.md"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "report_policies.jsonl"


def entries(out: Path) -> list:
    """The report's per-policy entries: a JSON line each in policies.jsonl, in order."""
    with (out / "policies.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def queries() -> list:
    section = DOCS.read_text(encoding="utf-8").split("## Tables: the report for queries")[1].split("\n## ")[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def test_the_tables_hold_the_report_and_the_documented_queries_answer_from_it(tmp_path: Path, monkeypatch):
    out = tmp_path / "report"
    text = FIXTURE.read_text(encoding="utf-8")
    # one policy that collects a fingerprint and shares its location with a named receiver
    extra = "我们收集您的指纹。我们会向合作伙伴共享您的位置信息。"
    spans = [(extra.index("收集"), 2, "ACTION"), (extra.index("指纹"), 2, "DATA"),
             (extra.index("合作伙伴"), 4, "ACTOR"), (extra.index("共享"), 2, "ACTION"),
             (extra.index("位置信息"), 4, "DATA")]
    record = {"id": "zeta", "text": extra,
              "spans": [{"start": a, "end": a + n, "label": label} for a, n, label in spans]}
    source = tmp_path / "policies.jsonl"
    source.write_text(text + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["report", str(source), "--out", str(out)]) == 0
    report = entries(out)

    # a folder per table, a file per partition (one here)
    items = pandas.read_parquet(out / "tables" / "data_items")
    assert len(items) == sum(len(p["data_items"]) for p in report)
    assert list(items["item"]) == [e["text"] for p in report for e in p["data_items"]]
    policies = pandas.read_parquet(out / "tables" / "policies")
    assert list(policies["policy"]) == [p["id"] for p in report]
    assert list(policies["items"]) == [len(p["data_items"]) for p in report]
    assert list(policies["checklist_missing"]) == [sum(e["status"] == "missing" for e in p["checklist"])
                                                   for p in report]

    def rows(where):
        return [(p["id"], e) for p in report for e in p["data_items"] if where(e)]

    monkeypatch.chdir(out)
    biometric, location, receivers, uncancellable = [duckdb.sql(q).fetchall() for q in queries()]
    assert biometric == sorted({(p,) for p, _ in rows(lambda e: e["category"] == "个人生物识别信息"
                                                      and "collect" in e["actions"])})
    assert ("zeta",) in biometric
    shared = rows(lambda e: e["category"] == "个人位置信息" and "share" in e["actions"])
    assert location == [(p, sorted({e["text"] for q, e in shared if q == p})) for p in sorted({p for p, _ in shared})]
    assert ("zeta", ["位置信息"]) in location
    named = {}
    for p, e in rows(lambda e: True):
        for receiver in e["receivers"]:
            named.setdefault(receiver, set()).add(p)
    assert receivers == sorted(((r, len(ps)) for r, ps in named.items()), key=lambda x: (-x[1], x[0]))[:10]
    assert ("合作伙伴", len(named["合作伙伴"])) in receivers
    cancels = {p["id"] for p in report for e in p["checklist"]
               if e["item"] == "account_cancellation" and e["status"] == "present"}
    assert uncancellable == sorted({(p,) for p, _ in rows(lambda e: e["category"] == "个人生物识别信息")
                                    if p not in cancels})
    assert ("zeta",) in uncancellable


def test_a_report_past_the_page_limit_is_an_index_and_a_page_per_policy(tmp_path: Path, monkeypatch):
    import pipeline.report.job as job

    assert main(["report", str(FIXTURE), "--out", str(tmp_path / "one")]) == 0
    assert not (tmp_path / "one" / "policies").exists()  # a small report stays one page
    one = (tmp_path / "one" / "index.html").read_text(encoding="utf-8")

    # the job writes the pages, with the PAGE_LIMIT it imported from page.py
    monkeypatch.setattr(job, "PAGE_LIMIT", len(one.encode("utf-8")) - 1)
    assert main(["report", str(FIXTURE), "--out", str(tmp_path / "split")]) == 0
    report = entries(tmp_path / "split")
    index = (tmp_path / "split" / "index.html").read_text(encoding="utf-8")
    # the index's list of policies (the policies that stand out, above it, link to them too)
    listed = index.split("<h2>Policies</h2>")[1]
    links = re.findall(r'href="(policies/part-00000/p\d+\.html)#p\d+"', listed)
    assert [p.name for p in (tmp_path / "split" / "policies").iterdir()] == ["part-00000"]
    assert len(links) == len(report) == len(list((tmp_path / "split" / "policies" / "part-00000").iterdir()))
    assert set(re.findall(r'href="(policies/[^"#]*)', index)) == set(links)
    texts = [json.loads(line)["text"] for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    for link, policy, text in zip(links, report, texts):
        own = (tmp_path / "split" / link).read_text(encoding="utf-8")
        assert f"<h2>{policy['id']}</h2>" in own and 'href="../../index.html"' in own
        # the policy's text, sentence by sentence, is all on its page
        shown = html.unescape(re.sub(r"<[^>]+>", "", own.split('<div class="text">')[1].split("</div>")[0]))
        assert shown == text
        assert len(own.encode("utf-8")) < len(one.encode("utf-8"))
    assert "<figure" in index and '<section class="policy"' not in index
