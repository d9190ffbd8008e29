"""The item filter: what it reads, how it is fit and saved, where the report applies it (a
model's spans, never an annotator's), `privspan item-filter`, and the report job begun again
when the filter changes."""
from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.cli import main
from pipeline.formats.brackets import parse
from pipeline.records import Document
from pipeline.report.build import report_policy
from pipeline.report.categories import load
from pipeline.report.item_filter import PATH, ItemFilter, features, fit
from pipeline.report.practices import load_verbs

TEXT = "我们[收集]<手机号码>。请[定期修改]<飞行里程>。"


def listed(policy: Document, item_filter=None) -> list:
    return [row["text"] for row in report_policy(policy, load(), load_verbs(), item_filter=item_filter)
            .entry["data_items"]]


def test_features_read_the_item_its_row_and_its_sentence_only():
    text = "您可以定期修改密码。我们收集手机号码。"
    row = {"text": "密码", "category": "网络身份标识信息", "canonical": "password", "actions": [], "at": [[7, 9]]}
    found = features(text, row, [0, 10])
    assert {"I:密", "I:密码", "CAN:True", "CAT:网络身份标识信息", "NACT:0", "S:修改", "L:修改"} <= set(found)
    assert not any(key.endswith("手机") or key.endswith("收集") for key in found)  # the next sentence's words


def test_a_fit_filter_separates_what_it_was_taught_and_survives_saving(tmp_path):
    data = [({"S:收集": 1.0, "I:号码": 1.0}, True), ({"S:修改": 1.0, "I:密码": 1.0}, False)] * 20
    model = fit(data)
    model.threshold = 0.5
    assert model.score(data[0][0]) > 0.5 > model.score(data[1][0])
    model.save(tmp_path / "filter.json", {"trained_on": "a test"})
    again = ItemFilter.load(tmp_path / "filter.json")
    assert again.threshold == 0.5 and abs(again.score(data[0][0]) - model.score(data[0][0])) < 1e-3
    assert ItemFilter.load(tmp_path / "none.json") is None


def test_the_filter_drops_a_models_items_and_never_an_annotators():
    parsed = parse(TEXT)
    # weighs advice to the user: an item of its sentence falls under the threshold
    drop = ItemFilter({"S:修改": -5.0}, 1.0, 0.5)
    gold = Document("p", parsed.text, parsed.spans)
    model_made = Document("p", parsed.text, parsed.spans, report=parsed.spans)
    assert listed(gold, drop) == listed(model_made) == ["手机号码", "飞行里程"]
    assert listed(model_made, drop) == ["手机号码"]
    # what it dropped is shown, with its score and where it stands; nothing is set aside from gold
    aside = report_policy(model_made, load(), load_verbs(), item_filter=drop).entry["set_aside"]
    assert [(e["text"], e["at"]) for e in aside] == [("飞行里程", [[parsed.text.index("飞行里程"), len(parsed.text) - 1]])]
    assert 0 < aside[0]["score"] < 0.5
    assert report_policy(gold, load(), load_verbs(), item_filter=drop).entry["set_aside"] == []
    # a canonical item stays whatever its sentence: a term of the table (IP地址, GPS位置)
    advised = parse("请[定期修改]<手机号码>。")
    assert listed(Document("p", advised.text, advised.spans, report=advised.spans), drop) == ["手机号码"]


def test_the_shipped_filter_is_one_the_report_loads():
    saved = json.loads(PATH.read_text(encoding="utf-8"))
    assert 0 < saved["threshold"] < 1 and saved["weights"] and "trained_on" in saved
    assert ItemFilter.load() is not None


def readings_and_annotations(tmp_path: Path) -> tuple[Path, Path]:
    """Six annotated policies and readings of their items: the advice not data."""
    records, readings = [], []
    for i in range(6):
        parsed = parse(TEXT)
        spans = [s.to_dict() for s in parsed.spans]
        records.append({"id": f"p{i}", "text": parsed.text, "spans": spans, "report": spans})
        readings += [{"set": "dev", "policy": f"p{i}", "item_text": "手机号码", "item": "right"},
                     {"set": "dev", "policy": f"p{i}", "item_text": "飞行里程", "item": "not_data"}]
    annotated, judged = tmp_path / "ann.jsonl", tmp_path / "readings.jsonl"
    annotated.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    judged.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in readings), encoding="utf-8")
    return annotated, judged


def test_item_filter_trains_on_readings_and_saves_a_filter_the_report_uses(tmp_path, capsys):
    annotated, judged = readings_and_annotations(tmp_path)
    out = tmp_path / "filter.json"
    assert main(["item-filter", str(annotated), "--readings", str(judged), "--out", str(out), "--keep", "1"]) == 0
    said = capsys.readouterr().out
    assert "saved in" in said and "readings: 12 items of 6 policies: precision 0.500 -> 1.000" in said
    model = ItemFilter.load(out)
    policy = Document("p", parse(TEXT).text, parse(TEXT).spans, report=parse(TEXT).spans)
    assert listed(policy, model) == ["手机号码"]


def test_item_filter_says_in_one_line_what_it_lacks(tmp_path, capsys):
    annotated, judged = readings_and_annotations(tmp_path)
    assert main(["item-filter", str(annotated), "--readings", str(judged), "--set", "test",
                 "--out", str(tmp_path / "f.json")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"{judged}: error: no readings of the set 'test'"
    # several sets: each must be there
    assert main(["item-filter", str(annotated), "--readings", str(judged), "--set", "dev", "other",
                 "--out", str(tmp_path / "f.json")]) == 1
    assert capsys.readouterr().err.strip() == f"{judged}: error: no readings of the set 'other'"
    assert not (tmp_path / "f.json").exists()


def test_a_report_made_with_other_tables_is_begun_again_not_resumed(tmp_path, capsys, monkeypatch):
    from pipeline.report import job

    annotated, _ = readings_and_annotations(tmp_path)
    out = tmp_path / "report"
    assert main(["report", str(annotated), "--out", str(out)]) == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["tables"]
    monkeypatch.setattr(job, "tables_fingerprint", lambda: "another")
    assert main(["report", str(annotated), "--out", str(out)]) == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["tables"] == "another" != first


def test_the_page_shows_what_the_filter_set_aside_linked_to_its_sentence(tmp_path, monkeypatch):
    annotated, _ = readings_and_annotations(tmp_path)
    drop = ItemFilter({"S:修改": -5.0}, 1.0, 0.5)
    monkeypatch.setattr(ItemFilter, "load", classmethod(lambda cls, path=PATH: drop))
    out = tmp_path / "report"
    assert main(["report", str(annotated), "--out", str(out)]) == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r"set aside by the item filter, as no user's data \(1\)</summary>\s*"
                     r'<p class="aside"><a href="#p0-s1">飞行里程</a> \(0\.\d\d\)</p>', page)
    entry = json.loads((out / "policies.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert [e["text"] for e in entry["set_aside"]] == ["飞行里程"]
    assert main(["report", str(annotated), "--out", str(tmp_path / "whole"), "--no-item-filter"]) == 0
    assert "set aside" not in (tmp_path / "whole" / "index.html").read_text(encoding="utf-8")
