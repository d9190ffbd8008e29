"""The disclosure checklist: one data file, decided per policy from its sentences' topics (a
pipeline's, or CAPP-130's gold) and patterns, written in report.json and policies.jsonl,
checklist.csv, the Parquet tables and the page; and measured by ablation."""
from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas
import pytest

from pipeline.cli import main
from pipeline.measure.checklist import ablation
from pipeline.records import Document, Span
from pipeline.report.checklist import TABLE, Checklist, without_topics
from pipeline.schema import TOPICS

# the items the issue names, with these ids: scripts rely on them
NAMED = ["handler_contact", "pi_officer", "purposes_items", "retention", "rights_access", "rights_correction",
         "rights_deletion", "rights_withdrawal", "account_cancellation", "complaint", "sharing", "sensitive",
         "children", "cross_border", "policy_change", "personalisation_opt_out", "cessation"]

# A policy in CAPP-130's shape: a sentence a line, each with its gold topics.
LINES = [
    ("XX隐私政策", []),
    ("我们收集您的手机号码，用于注册账号。", ["COLLECTION", "IMPORTANT"]),
    ("为了向您推荐附近的商品，我们会收集您的位置信息。", ["COLLECTION", "IMPORTANT"]),
    ("在您使用支付功能时，我们会收集您的银行卡号，用于完成支付。", ["COLLECTION"]),
    ("您可以在“我的-设置-账号注销”中注销您的账号。", ["CONTROL", "IMPORTANT"]),
    ("您可以删除您的个人信息。", ["CONTROL"]),
    ("账号注销后我们会删除您的信息。", []),  # about cancellation, but no gold topic
    ("我们会将您的信息保存在中华人民共和国境内，保存期限为账号注销后30天。", ["RETENTION"]),
    ("如您对本政策有任何疑问，可以发送邮件至privacy@example.com与我们联系。", ["CONTACT"]),
]


def capp_policy(lines=LINES, pid: str = "rw_1") -> Document:
    text, spans, offset = [], [], 0
    for words, labels in lines:
        text.append(words)
        spans.extend(Span(offset, offset + len(words), label) for label in labels)
        offset += len(words) + 1
    return Document(pid, "\n".join(text), sorted(spans))


def statuses(found: dict) -> dict:
    return {e["item"]: e["status"] for e in found["checklist"]}


def test_the_table_holds_the_named_items_with_their_sources_and_known_topics():
    checklist = Checklist.load()
    ids = [rule.id for rule in checklist.rules]
    assert set(NAMED) <= set(ids) and len(ids) == len(set(ids))
    for rule in checklist.rules:
        assert rule.source and rule.law and rule.title and rule.topics <= set(TOPICS)
    assert 0 < checklist.topic_score <= 1


@pytest.mark.parametrize("old, new, message", [
    ('topics = ["RETENTION"]', 'topics = ["KEEPING"]', "retention: not a topic: KEEPING"),
    ('decide_by = "words"', 'decide_by = "guess"', "decide_by 'guess' is neither"),
])
def test_a_table_with_an_unknown_topic_or_way_is_refused_by_name(tmp_path: Path, old: str, new: str, message: str):
    bad = tmp_path / "checklist.toml"
    bad.write_text(TABLE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Checklist.load(bad)


def by_topics() -> Checklist:
    return replace(Checklist.load(), decide_by="topics")


def test_by_default_every_sentence_is_read_by_its_words_topics_or_not():
    checklist = Checklist.load()
    assert checklist.decide_by == "words"
    policy = capp_policy()
    found = checklist(policy)
    assert found["checklist_from"] == "text"
    assert found == checklist(replace(policy, spans=[]))
    # a sentence gold gave no topic is evidence too (of deletion, there)
    shown = lambda found: [policy.text[a:b] for a, b in {e["item"]: e for e in found["checklist"]}[
        "rights_deletion"]["evidence"]]
    assert shown(found) == [LINES[5][0], LINES[6][0]]
    assert shown(by_topics()(policy)) == [LINES[5][0]]


def test_present_vague_and_missing_follow_the_topics_and_evidence_points_at_sentences():
    policy = capp_policy()
    found = by_topics()(policy)
    assert found["checklist_from"] == "topics"
    got = statuses(found)
    assert got["account_cancellation"] == "present"  # a path in the app
    assert got["rights_deletion"] == "vague"  # the right, but not how
    assert got["retention"] == "present" and got["cross_border"] == "present"
    assert got["handler_contact"] == "present"
    assert got["children"] == "missing" and got["sharing"] == "missing"
    assert got["purposes_items"] == "present"  # three sentences of data with their purpose
    evidence = {e["item"]: e["evidence"] for e in found["checklist"]}
    assert [policy.text[a:b] for a, b in evidence["account_cancellation"]] == [LINES[4][0]]


def test_an_open_list_is_not_a_purpose_stated_item_by_item():
    lines = [(words.replace("手机号码", "手机号码等信息").replace("位置信息", "位置信息等").replace("银行卡号", "银行卡号等信息"),
              labels) for words, labels in LINES]
    assert statuses(Checklist.load()(capp_policy(lines)))["purposes_items"] == "vague"


def test_a_classifiers_topics_count_from_the_tables_score_and_a_policy_without_topics_is_read_by_its_words():
    checklist = by_topics()
    policy = capp_policy()
    scored = {s: (0.99 if s.label != "CONTROL" else checklist.topic_score - 0.01) for s in policy.spans}
    tagged = replace(policy, spans=[], topics=scored)
    got = statuses(checklist(tagged))
    assert got["account_cancellation"] == "missing" and got["retention"] == "present"
    words = checklist(replace(policy, spans=[]))
    assert words["checklist_from"] == "text"
    assert statuses(words)["account_cancellation"] == "present"


def test_an_item_with_its_own_topic_score_reads_its_topics_from_that_score(tmp_path: Path):
    line = "如我们停止运营，我们将删除或匿名化处理您的个人信息。"
    policy = capp_policy(LINES + [(line, ["CESSATION"])])
    at = policy.text.index(line)
    tagged = replace(policy, spans=[], topics={s: (0.99 if s.start != at else 0.5) for s in policy.spans})
    table = TABLE.read_text(encoding="utf-8")
    own = re.search(r"\ntopic_score = ([\d.]+)\n(?=about = '''\(\(停止)", table)
    assert own is not None and float(own.group(1)) < 0.5 < by_topics().topic_score
    assert statuses(by_topics()(tagged))["cessation"] == "present"
    # without its own score the item reads the table's, and the sentence at 0.5 is not on it
    plain = tmp_path / "checklist.toml"
    plain.write_text(table.replace(own.group(0), "\n"), encoding="utf-8")
    assert statuses(replace(Checklist.load(plain), decide_by="topics")(tagged))["cessation"] == "missing"


def test_ablation_deletes_a_topics_gold_sentences_and_counts_the_decisions():
    policy = capp_policy()
    cut = without_topics(policy, frozenset({"CONTROL"}))
    assert "注销您的账号" not in cut.text and LINES[6][0] in cut.text
    assert {s.label for s in cut.spans} == {"COLLECTION", "IMPORTANT", "RETENTION", "CONTACT"}
    checklist = by_topics()
    # a tagger that gives back the gold topics of each text decides every item right
    gold_of = {policy.text: policy}
    gold_of.update({without_topics(policy, rule.topics).text: without_topics(policy, rule.topics)
                    for rule in checklist.rules})
    perfect = ablation([policy], checklist, lambda docs: [gold_of[d.text] for d in docs])
    assert perfect["share"] == 1.0 and perfect["decisions"] > 0 and not perfect["wrong"]
    # read by its words, the line about cancellation that gold left without a topic remains
    words = ablation([policy], Checklist.load())
    assert "rw_1 account_cancellation cut: vague" in words["wrong"]
    assert words["wrong_cut_on_unlabelled"] >= 1 and words["right"] < words["decisions"]


def test_report_writes_the_checklist_in_json_csv_tables_and_page(tmp_path: Path):
    policy = capp_policy()
    record = {"id": "rw_1", "text": policy.text, "spans": [],
              "topics": [{"start": s.start, "end": s.end, "label": s.label, "score": 0.99} for s in policy.spans]}
    other = {"id": "bare", "text": "我们收集您的手机号码。", "spans": []}
    source = tmp_path / "annotated.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (record, other)), encoding="utf-8")
    out = tmp_path / "report"
    assert main(["report", str(source), "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    with (out / "policies.jsonl").open(encoding="utf-8") as lines:
        first, second = [json.loads(line) for line in lines]
    assert first["checklist_from"] == second["checklist_from"] == "text"  # the default: words
    assert statuses(first)["account_cancellation"] == "present"
    shares = {row["item"]: row for row in report["corpus"]["checklist"]}
    assert shares["children"]["missing"] == 2 and shares["children"]["missing_share"] == 1.0
    with (out / "checklist.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["policy"] == "rw_1" and r["item"] == "account_cancellation")
    assert row["status"] == "present" and row["first_evidence"] == LINES[4][0]
    table = pandas.read_parquet(out / "tables" / "checklist")
    assert len(table) == len(rows) == 2 * len(shares)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Disclosure checklist" in page and '<span class="status missing">missing</span>' in page
    # each evidence sentence is linked to its place in the policy's text on the page
    row = re.search(r"<tr><td>注销账号的方式</td>.*?</tr>", page).group()
    target = re.search(r'href="#(p0-s\d+)"', row).group(1)
    assert LINES[4][0] in html.unescape(re.search(rf'<span id="{target}">(.*?)</span>', page, re.S).group(1))
