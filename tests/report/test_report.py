"""`privspan report`: items split from DATA spans, their categories, the action rule, the
files written, bad input, every input format, --against, and the page in a real browser."""
from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import List, Optional, Tuple

import pandas
import pytest

from pipeline.cli import main
from pipeline.formats.brackets import parse
from pipeline.records import Document, Span
from pipeline.report.categories import GENERIC, OTHER, Categories, load
from pipeline.report.items import Options, items_of, outermost
from pipeline.report.practices import COLLECT, SHARE, Practices
from pipeline.measure.item_readings import against_item_readings, by_set, format_item_readings

FIXTURE = Path(__file__).parents[1] / "fixtures" / "report_policies.jsonl"
A1 = ["个人基本资料", "个人身份信息", "个人生物识别信息", "网络身份标识信息", "个人健康生理信息", "个人教育工作信息",
      "个人财产信息", "个人通信信息", "联系人信息", "个人上网记录", "个人常用设备信息", "个人位置信息", "其他信息"]


def items(markup: str, options: Options = Options()) -> List[Tuple[str, Optional[str]]]:
    parsed = parse(markup)
    assert not parsed.errors
    return [(i.text, i.head) for i in items_of(parsed.text, parsed.spans, load(), options)]


# --- Items -------------------------------------------------------------------------------

def test_an_enumeration_is_split_at_its_separators_and_conjunctions():
    assert items("<姓名、手机号码，邮箱/住址;职业以及学历及学位和性别或年龄>") == [
        (t, None) for t in ["姓名", "手机号码", "邮箱", "住址", "职业", "学历", "学位", "性别", "年龄"]]


def test_words_that_hold_a_conjunction_are_not_split():
    assert items("<活动参与记录和会员等级>") == [("活动参与记录", None), ("会员等级", None)]
    # nor read as a marker in front of an item (等, 及, 和 are markers when alone)
    assert items("<等级信息、和平精英账号>") == [("等级信息", None), ("和平精英账号", None)]


def test_a_name_glossed_inside_itself_is_one_item_named_by_the_gloss_where_that_is_canonical():
    assert items("<互联网协议（IP）地址>、<网卡（MAC）地址>") == [("IP地址", None), ("MAC地址", None)]
    assert items("<位置信息（GPS）权限>") == [("位置信息权限", None)]
    # a parenthesis that lists, or says the field is optional, is no gloss
    assert items("<设备信息（IMEI、MAC）等>") == [("设备信息", None), ("IMEI", "设备信息"), ("MAC", "设备信息")]
    assert items("<手机号码（选填）信息>") == [("手机号码", None)]


def test_a_parenthesis_inside_a_span_is_items_under_its_head():
    assert items("<设备标识符（IMEI/Android ID/IDFA/OAID、SIM卡IMSI信息）>和<MAC地址>") == [
        ("设备标识符", None), ("IMEI", "设备标识符"), ("Android ID", "设备标识符"), ("IDFA", "设备标识符"),
        ("OAID", "设备标识符"), ("SIM卡IMSI信息", "设备标识符"), ("MAC地址", None)]


def test_an_unmarked_parenthesis_inside_a_span_is_items_only_when_each_is_in_a_category():
    # as after a span: a unit or an alias is no list of items (通话时长（秒）, 移动应用（APP）)
    assert items("<通话时长（秒）>") == [("通话时长", None)]
    assert items("<曾使用的移动应用（APP）>") == [("曾使用的移动应用", None)]
    assert items("<设备信息（如型号、状态）>") == [
        ("设备信息", None), ("型号", "设备信息"), ("状态", "设备信息")]


def test_the_parenthesis_after_a_span_is_read_as_its_items():
    assert items("<设备信息>（如设备型号、操作系统版本等）") == [
        ("设备信息", None), ("设备型号", "设备信息"), ("操作系统版本", "设备信息")]
    assert items("<设备信息>（包括：IMEI、IDFA）") == [
        ("设备信息", None), ("IMEI", "设备信息"), ("IDFA", "设备信息")]
    # Without a marker, only a list whose every item is in a category of the table.
    assert items("<设备标识符>（IMEI、OAID）") == [
        ("设备标识符", None), ("IMEI", "设备标识符"), ("OAID", "设备标识符")]
    assert items("<设备标识符>（我们不会保存）") == [("设备标识符", None)]


def test_a_parenthesis_that_is_no_list_stays_out():
    assert items("<手机号码>（必填）") == [("手机号码", None)]
    assert items("<您的个人信息>（以下简称“信息”）") == [("您的个人信息", None)]
    assert items("<位置信息>（如有）") == [("位置信息", None)]


def test_a_data_span_inside_the_parenthesis_takes_the_head_and_is_counted_once():
    assert items("<设备信息>（<IMEI>、<IDFA>）") == [
        ("设备信息", None), ("IMEI", "设备信息"), ("IDFA", "设备信息")]


def test_an_item_is_never_its_own_head():
    # a definition repeats the item: 注册姓名（“注册姓名”）; the copy is no item of itself
    assert items("<注册姓名>（“<注册姓名>”）") == [("注册姓名", None), ("注册姓名", None)]
    assert items("<手机号码>（手机号码）") == [("手机号码", None), ("手机号码", None)]
    assert items("<设备信息（设备信息、IMEI）>") == [("设备信息", None), ("设备信息", None), ("IMEI", "设备信息")]


def test_an_item_keeps_no_stray_bracket_or_markdown_emphasis():
    # a span that starts inside a parenthesis ends at its closing bracket
    assert items("个人信息（如<身份证号码、出生日期）>") == [("身份证号码", None), ("出生日期", None)]
    assert items("（<IMEI）>、<（OAID>）") == [("IMEI", None), ("OAID", None)]
    # CA4P-483's texts keep the Markdown of the pages they were taken from
    assert items("**<聊天记录**>、<** _手机号码_**>") == [("聊天记录", None), ("手机号码", None)]


def test_the_words_after_deng_are_the_head_of_the_list():
    assert items("<姓名、电话等个人信息>") == [("姓名", "个人信息"), ("电话", "个人信息")]
    assert items("<型号、版本等>") == [("型号", None), ("版本", None)]
    assert items("<设备信息：型号、版本>") == [("设备信息", None), ("型号", "设备信息"), ("版本", "设备信息")]


def test_nested_data_spans_are_read_once_through_the_outermost():
    assert items("<您的<手机号码>>及<<位置>信息>") == [("您的手机号码", None), ("位置信息", None)]
    assert outermost([Span(0, 5, "DATA"), Span(1, 3, "DATA"), Span(4, 8, "DATA"), Span(0, 2, "ACTOR")]) == [
        Span(0, 5, "DATA"), Span(4, 8, "DATA")]


def test_each_step_can_be_turned_off_for_measuring():
    markup = "<设备标识符（IMEI、OAID）、MAC地址>（如Wi-Fi MAC）"
    assert items(markup, Options(split=False, parentheses=False)) == [("设备标识符（IMEI、OAID）、MAC地址", None)]
    assert items(markup, Options(split=True, parentheses=False)) == [
        ("设备标识符", None), ("IMEI", "设备标识符"), ("OAID", "设备标识符"), ("MAC地址", None)]
    assert items(markup)[-1] == ("Wi-Fi MAC", "MAC地址")


# --- Categories --------------------------------------------------------------------------

def test_the_data_file_holds_the_categories_of_table_a1_in_order_each_keyword_once():
    categories = load()
    assert [c.name for c in categories.categories] == A1
    assert categories.names == A1 + [GENERIC, OTHER]
    assert categories.duplicates == []
    assert {c.name for c in categories.categories if c.sensitive} == {
        "个人身份信息", "个人生物识别信息", "个人财产信息"}


@pytest.mark.parametrize("text, category, sensitive", [
    ("手机号码", "个人基本资料", False),
    ("您的设备位置信息", "个人位置信息", False),  # the match that ends last: the head noun
    ("精准定位信息", "个人位置信息", True),  # B.1
    ("IP地址", "网络身份标识信息", False),  # the longest of those ending there (not 地址)
    ("ＩＭＥＩ号", "个人常用设备信息", False),  # full-width letters
    ("VIP会员", OTHER, False),  # ip inside a Latin word is no keyword
    ("通讯录", "联系人信息", True),
    ("银行卡号", "个人财产信息", True),
    ("人脸信息", "个人生物识别信息", True),
    ("登录密码", "网络身份标识信息", True),
    ("病史", "个人健康生理信息", True),
    ("身高", "个人健康生理信息", False),  # A.1 lists 体重、身高 there (the canonical table)
    ("宗教信仰", "其他信息", True),
    ("个人信息", GENERIC, False),
    ("您的相关个人信息", GENERIC, False),  # generic words only
    ("上述信息", GENERIC, False),
    ("儿童个人信息", GENERIC, True),  # PIPL art. 28: minors under 14
    ("儿童的位置信息", "个人位置信息", True),
    ("天气", OTHER, False),
])
def test_an_item_gets_its_category_and_sensitivity(text, category, sensitive):
    assert load().assign(text) == (category, sensitive)


def test_the_categories_come_from_the_data_file(tmp_path):
    table = (Path(load().path)).read_text(encoding="utf-8")
    edited = tmp_path / "categories.toml"
    edited.write_text(table.replace('"天气"', "").replace(
        'keywords = ["婚史"', 'keywords = ["天气", "婚史"', 1), encoding="utf-8")
    assert Categories(edited).assign("天气") == ("其他信息", False)
    assert load().assign("天气") == (OTHER, False)


@pytest.mark.parametrize("text, shown", [
    ("您的手机号码", "手机号码"), ("您 的手机号码", "手机号码"), ("上述 您的 IMEI", "IMEI"), ("该等信息", "信息"),
    ("该", "该"), ("手机号码", "手机号码"), ("任何人脸信息", "人脸信息"), ("基于标签信息", "标签信息"),
    ("的部分设备信息", "部分设备信息")])
def test_an_item_is_shown_without_the_prefixes_it_is_compared_without(text, shown):
    categories = load()
    assert categories.display(text) == shown
    assert categories.core(categories.display(text)) == categories.core(text)


# --- Actions, purposes, receivers --------------------------------------------------------

def practice(markup: str, data: str):
    parsed = parse(markup)
    at = parsed.text.index(data)
    return Practices(parsed.text, parsed.spans).at(at), parsed.text


@pytest.mark.parametrize("markup, kinds", [
    ("(我们)[收集]<手机号码>", [COLLECT]),
    ("(我们)[共享]<手机号码>", [SHARE]),
    ("(我们)会[收集并共享]<手机号码>", [SHARE]),  # the verb that ends last
    ("(我们)[收集]、[披露]<手机号码>", [COLLECT, SHARE]),
    ("(我们)会向(第三方)[提供]<手机号码>", [SHARE]),
    ("(您)[提供]的<手机号码>", [COLLECT]),  # the user gives it: the handler collects
    ("(您)向(第三方)[提供]<手机号码>", [SHARE]),
    ("(我们)[保障]<手机号码>", []),  # no verb of either list
    ("(我们)[收集]位置，以及<手机号码>", []),  # another clause
    ("(我们)[收集]<位置，手机号码>", [COLLECT]),  # a comma inside a DATA span ends no clause
])
def test_the_data_of_a_clause_take_the_kinds_of_its_actions(markup, kinds):
    found, _ = practice(markup, "手机号码")
    assert found.kinds == kinds


def test_purposes_come_from_the_sentence_and_receivers_from_a_sharing_one():
    found, text = practice("{为了安全}，(我们)会向(腾讯)和(我们的关联公司)[共享]<设备信息>，{以便风控}。(我们)也[收集]<姓名>，(百度)不会。",
                           "设备信息")
    assert [text[s.start:s.end] for s in found.purposes] == ["为了安全", "以便风控"]
    assert [text[s.start:s.end] for s in found.receivers] == ["腾讯", "我们的关联公司"]
    found, text = practice("{为了安全}，(我们)会向(腾讯)[共享]<设备信息>。(我们)[收集]<姓名>，(百度)不会。", "姓名")
    assert found.purposes == [] and found.receivers == []  # no sharing in that sentence
    assert found.kinds == [COLLECT]
    # a bank's own name for itself is no receiver
    found, text = practice("您需要向(我行)[提供]<身份证号码>，(我行)会向(银联)[共享]<身份证号码>。", "身份证号码")
    assert [text[s.start:s.end] for s in found.receivers] == ["银联"]


def test_ca4p_labels_are_read_as_their_roles():
    text = "我们向腾讯共享手机号码用于登录"
    spans = [Span(0, 2, "ACTOR"), Span(3, 5, "RECEIVER"), Span(5, 7, "SHARE"), Span(7, 11, "DATA"),
             Span(11, 15, "PURPOSE")]
    found = Practices(text, spans).at(7)
    assert found.kinds == [SHARE]
    assert [text[s.start:s.end] for s in found.receivers] == ["腾讯"]
    assert [text[s.start:s.end] for s in found.purposes] == ["用于登录"]


# --- The command -------------------------------------------------------------------------

ALPHA = [
    {"text": "手机号码", "head": None, "canonical": "phone_number", "category": "个人基本资料", "sensitive": False, "count": 1,
     "actions": ["collect"], "purposes": ["用于登录"], "receivers": [], "at": [[6, 10]]},  # 手机号码, not 您的手机号码
    {"text": "设备标识符", "head": None, "canonical": "device_id", "category": "个人常用设备信息", "sensitive": False, "count": 1,
     "actions": ["collect"], "purposes": ["用于登录"], "receivers": [], "at": [[11, 16]]},
    {"text": "IMEI", "head": "设备标识符", "canonical": "imei", "category": "个人常用设备信息", "sensitive": False, "count": 1,
     "actions": ["collect"], "purposes": ["用于登录"], "receivers": [], "at": [[18, 22]]},
    {"text": "OAID", "head": "设备标识符", "canonical": "oaid", "category": "个人常用设备信息", "sensitive": False, "count": 1,
     "actions": ["collect"], "purposes": ["用于登录"], "receivers": [], "at": [[23, 27]]},
    {"text": "位置信息", "head": None, "canonical": "location", "category": "个人位置信息", "sensitive": False, "count": 1,
     "actions": ["share"], "purposes": ["以便投放广告"], "receivers": ["广告合作方"], "at": [[45, 49]]},
    {"text": "个人信息", "head": None, "canonical": None, "category": "generic", "sensitive": False, "count": 1,
     "actions": [], "purposes": [], "receivers": [], "at": [[57, 61]]},
]
B = [
    {"text": "身份证号码", "head": None, "canonical": "id_card_number", "category": "个人身份信息", "sensitive": True, "count": 1,
     "actions": ["collect"], "purposes": ["实名认证"], "receivers": [], "at": [[35, 40]]},
    {"text": "人脸信息", "head": None, "canonical": "face", "category": "个人生物识别信息", "sensitive": True, "count": 1,
     "actions": ["collect"], "purposes": ["实名认证"], "receivers": [], "at": [[41, 45]]},
    {"text": "姓名", "head": None, "canonical": "name", "category": "个人基本资料", "sensitive": False, "count": 1,
     "actions": ["collect"], "purposes": [], "receivers": [], "at": [[49, 51]]},
]


def run_report(tmp_path: Path, *inputs: str, extra: Tuple[str, ...] = ()) -> Tuple[int, Path]:
    out = tmp_path / "report"
    return main(["report", *inputs, "--out", str(out), *extra]), out


def entries(out: Path) -> List[dict]:
    """The report's per-policy entries: a JSON line each in policies.jsonl, in order."""
    with (out / "policies.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_the_report_of_a_small_input_has_exactly_the_expected_items(tmp_path, capsys):
    code, out = run_report(tmp_path, str(FIXTURE))
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert list(report) == ["corpus"]  # the policies' entries are policies.jsonl's lines
    alpha, b = entries(out)
    assert (alpha["id"], alpha["chars"], alpha["data_items"]) == ("alpha", 62, ALPHA)
    assert alpha["categories"] == {"个人基本资料": 1, "个人常用设备信息": 3, "个人位置信息": 1, "generic": 1}
    assert (b["id"], b["data_items"]) == ("b", B)
    assert b["categories"] == {"个人基本资料": 1, "个人身份信息": 1, "个人生物识别信息": 1}
    corpus = report["corpus"]
    assert corpus["policies"] == 2 and corpus["sensitive_policies"] == 1
    assert corpus["coverage"] == {
        "data_spans": 6, "spans_standard": 5, "spans_generic": 1, "spans_share": 0.8333,
        "spans_share_non_generic": 1.0, "items": 9, "items_standard": 8, "items_generic": 1, "items_other": 0,
        "items_share": 0.8889, "items_share_non_generic": 1.0, "items_canonical": 8, "items_canonical_share": 1.0}
    # apps per canonical item; every item but the generic one has its canonical id
    assert [(row["id"], row["policies"]) for row in corpus["canonical_items"]] == sorted(
        (key, 1) for key in ("phone_number", "device_id", "imei", "oaid", "location", "id_card_number", "face",
                             "name"))
    assert corpus["top_without_canonical"] == []
    rows = {row["name"]: row for row in corpus["categories"]}
    assert (rows["个人基本资料"]["policies"], rows["个人基本资料"]["share"]) == (2, 1.0)
    assert (rows["个人身份信息"]["sensitive_policies"], rows["个人身份信息"]["sensitive_share"]) == (1, 0.5)
    assert rows["个人健康生理信息"]["policies"] == 0
    # A.1's examples for its rows; what generic and other mean for the two that are not A.1's
    assert rows["个人基本资料"]["examples"].startswith("个人姓名")
    assert rows["other"]["examples"].startswith("no row of table A.1: what users publish")
    assert rows["generic"]["examples"].startswith("a mention of personal information in general")
    assert corpus["actions"] == {"collect": 7, "share": 1}
    assert "action_check" not in corpus  # no COLLECT/SHARE labels to check against
    # each in one policy, once: in the order of their text; the generic 个人信息 left out
    assert [row["text"] for row in corpus["top_items"]] == sorted(
        ["手机号码", "设备标识符", "IMEI", "OAID", "位置信息", "身份证号码", "人脸信息", "姓名"])

    # A byte order mark first, for Excel; pandas reads the header without it.
    assert (out / "data_items.csv").read_bytes().startswith("\ufeffpolicy,".encode("utf-8"))
    assert list(pandas.read_csv(out / "policies.csv").columns[:2]) == ["policy", "chars"]
    with (out / "data_items.csv").open(encoding="utf-8-sig", newline="") as f:
        items_csv = list(csv.reader(f))
    assert items_csv[0] == ["policy", "item", "head", "category", "sensitive", "count", "actions", "purposes",
                            "receivers"]
    assert items_csv[1:] == [
        ["alpha", "手机号码", "", "个人基本资料", "0", "1", "collect", "用于登录", ""],
        ["alpha", "设备标识符", "", "个人常用设备信息", "0", "1", "collect", "用于登录", ""],
        ["alpha", "IMEI", "设备标识符", "个人常用设备信息", "0", "1", "collect", "用于登录", ""],
        ["alpha", "OAID", "设备标识符", "个人常用设备信息", "0", "1", "collect", "用于登录", ""],
        ["alpha", "位置信息", "", "个人位置信息", "0", "1", "share", "以便投放广告", "广告合作方"],
        ["alpha", "个人信息", "", "generic", "0", "1", "", "", ""],
        ["b", "身份证号码", "", "个人身份信息", "1", "1", "collect", "实名认证", ""],
        ["b", "人脸信息", "", "个人生物识别信息", "1", "1", "collect", "实名认证", ""],
        ["b", "姓名", "", "个人基本资料", "0", "1", "collect", "", ""],
    ]
    with (out / "policies.csv").open(encoding="utf-8-sig", newline="") as f:
        policies_csv = list(csv.reader(f))
    assert policies_csv[0] == ["policy", "chars", "items", "sensitive_items", "collect", "share", *A1, GENERIC, OTHER]
    counts = lambda **kw: [str(kw.get(name, 0)) for name in A1 + [GENERIC, OTHER]]
    assert policies_csv[1] == ["alpha", "62", "6", "0", "4", "1",
                               *counts(个人基本资料=1, 个人常用设备信息=3, 个人位置信息=1, generic=1)]
    assert policies_csv[2] == ["b", "52", "3", "2", "3", "0", *counts(个人基本资料=1, 个人身份信息=1, 个人生物识别信息=1)]

    printed = capsys.readouterr().out
    assert "2 policies: 9 item occurrences from 6 DATA spans" in printed
    assert "88.9% of the items (100.0% of the non-generic)" in printed


def test_the_page_links_each_item_to_its_sentence_and_escapes_the_text(tmp_path):
    code, out = run_report(tmp_path, str(FIXTURE))
    assert code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page  # self-contained: nothing fetched
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;为实名认证" in page
    assert len(re.findall(r'<figure class="chart[^"]*" id="chart-(\w+)">\s*<figcaption>[^<]*</figcaption>\s*<svg',
                          page)) == 4
    # 位置信息 (alpha, policy 0) is in its second sentence; 姓名 (b, policy 1) in its second.
    row = r'<td>{}</td>(?:(?!</tr>).)*<a href="#p{}-s{}">{}</a></td></tr>'
    assert re.search(row.format("位置信息", 0, 1, 2), page)
    assert re.search(row.format("姓名", 1, 1, 2), page)
    assert re.search(row.format("IMEI <span class=\"head\">\\(设备标识符\\)</span>", 0, 0, 1), page)
    assert re.search(row.format("身份证号码 <span class=\"sensitive\"[^>]*>敏感</span>", 1, 0, 1), page)
    sentence = re.search(r'<span id="p0-s1">(.*?)</span>', page).group(1)
    assert sentence == "我们会向广告合作方共享位置信息，以便投放广告。"
    assert re.search(r'<span id="p1-s0">&lt;script&gt;', page)


def test_at_points_at_the_item_as_shown_without_its_prefix(tmp_path):
    text = "我们收集您的手机号码，以及上述 IMEI。"
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"id": "p", "text": text, "spans": [
        {"start": 4, "end": 10, "label": "DATA"}, {"start": 13, "end": 20, "label": "DATA"}]},
        ensure_ascii=False) + "\n", encoding="utf-8")
    code, out = run_report(tmp_path, str(source))
    assert code == 0
    rows = entries(out)[0]["data_items"]
    assert [(row["text"], [text[a:b] for a, b in row["at"]]) for row in rows] == [
        ("手机号码", ["手机号码"]), ("IMEI", ["IMEI"])]


def test_every_item_links_to_its_sentences_whatever_its_shown_text(tmp_path):
    # 您 的手机号码 shown and compared as 手机号码 (您 的 taken off across the space): the link stays
    text = "第一句。我们收集您 的手机号码。"
    source = tmp_path / "p.jsonl"  # 收集 an ACTION: a contact item with none is the company's
    source.write_text(json.dumps({"id": "p", "text": text, "spans": [
        {"start": 6, "end": 8, "label": "ACTION"}, {"start": 8, "end": 15, "label": "DATA"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out = run_report(tmp_path, str(source))
    assert code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="policy"'):]  # the index's tables name items too
    rows = re.findall(r"<tr><td>[^<]*手机号码.*?</tr>", section)
    assert len(rows) == 1 and '<a href="#p0-s1">2</a>' in rows[0]


def test_bad_input_is_one_located_line_each_and_the_good_is_kept(tmp_path, capsys):
    good = FIXTURE.read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / "mixed.jsonl"
    bad.write_text("\n".join([good, '{"id": "x", "text": "abc"', json.dumps(
        {"id": "y", "text": "abc", "spans": [{"start": 1, "end": 9, "label": "DATA"}]}), '["no"]']) + "\n",
        encoding="utf-8")
    missing = tmp_path / "nowhere.jsonl"
    code, out = run_report(tmp_path, str(bad), str(missing))
    assert code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 4
    # the same lines every reader of privspan's JSONL gives (formats/jsonl.py)
    assert errors[0].startswith(f"{bad}:2:1: error: bad-record: not JSON")
    assert errors[1] == f"{bad}:3:1: error: bad-span: y: spans[0].end 9 is past the text (3 characters)"
    assert errors[2] == f"{bad}:4:1: error: bad-record: a JSON object per line expected, not list"
    assert errors[3].startswith(str(missing))
    assert all("Traceback" not in e for e in errors)
    policies = entries(out)
    # y's bad span is left out, y itself kept
    assert [(p["id"], len(p["data_items"])) for p in policies] == [("alpha", len(ALPHA)), ("y", 0)]
    assert policies[0]["data_items"] == ALPHA
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["policies"] == 2


def test_an_unreadable_parquet_file_is_one_line(tmp_path, capsys):
    broken = tmp_path / "shard.parquet"
    broken.write_bytes(b"not parquet at all")
    code, out = run_report(tmp_path, str(broken), str(FIXTURE))
    assert code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"{broken}: error: not a readable Parquet file")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["policies"] == 2
    assert len(entries(out)) == 2


def test_one_of_anything_is_counted_in_the_singular(tmp_path, capsys):
    one = tmp_path / "one.jsonl"
    text = "我们收集身份证号码、人脸信息和姓名。"
    one.write_text(json.dumps({"id": "b", "text": text, "spans": [
        {"start": 4, "end": 17, "label": "DATA"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(one.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = run_report(tmp_path, str(one), extra=("--against", str(gold)))
    assert code == 0
    printed = capsys.readouterr().out
    assert "1 policy: 3 item occurrences from 1 DATA span;" in printed
    assert "; 1 policy names sensitive items" in printed
    assert " over 1 policy;" in printed
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<p>1 policy; 3 data item occurrences from 1 DATA span; 1 policy names sensitive" in page


def test_an_unwritable_out_folder_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("", encoding="utf-8")
    code = main(["report", str(FIXTURE), "--out", str(blocker / "report")])
    assert code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == [f"{blocker / 'report'}: error: cannot make the output folder (Not a directory)"]


@pytest.mark.parametrize("make", [
    lambda d: d / "nowhere.jsonl",  # missing
    lambda d: (d / "empty").mkdir() or d / "empty",  # nothing readable in it
    lambda d: (d / "none.jsonl").write_text("", encoding="utf-8") and d / "none.jsonl",  # no policy
])
def test_no_policy_read_is_one_line_and_no_report(tmp_path, capsys, make):
    source = make(tmp_path)
    code, out = run_report(tmp_path, str(source))
    assert code == 1
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1 and str(source) in captured.err
    # the folder may hold the job's manifest, but no report
    assert captured.out == ""
    assert not any((out / name).exists() for name in ("report.json", "policies.jsonl", "index.html"))


def test_a_parquet_file_broken_inside_is_one_line(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.formats.parquet import SCHEMA

    shard = tmp_path / "shard.parquet"
    rows = [{"id": str(n), "text": "我们收集您的姓名。" * 20, "spans": [
        {"start": 6, "end": 8, "label": "DATA", "score": 0.9, "text": "姓名"}]} for n in range(50)]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), str(shard))
    data = bytearray(shard.read_bytes())
    data[4:68] = b"\xff" * 64  # the first data page: the footer still reads
    shard.write_bytes(bytes(data))
    code, out = run_report(tmp_path, str(shard), str(FIXTURE))
    assert code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"{shard}: rows 0-49: error: not readable (")
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["policies"] == 2
    assert len(entries(out)) == 2


def _fixture_policies() -> List[Document]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [Document(r["id"], r["text"], [Span(s["start"], s["end"], s["label"]) for s in r["spans"]]) for r in rows]


def test_every_input_format_gives_the_same_report(tmp_path):
    """annotate's Parquet shard, a .spacy corpus of paragraphs, bracket files: the same items."""
    from spacy.tokens import DocBin

    from pipeline.formats import parquet
    from pipeline.formats.brackets import render
    from pipeline.gold.docs import blank_pipeline

    policies = _fixture_policies()
    expected = {"alpha": ALPHA, "b": B}
    shard = tmp_path / "in" / "part-0.parquet"
    shard.parent.mkdir()
    parquet.write(shard, [Document(p.id, p.text, p.spans, {s: 0.9 for s in p.spans}) for p in policies],
                  {"name": "m", "version": "0"})
    # A corpus holds paragraphs: each policy split in two at its first sentence, out of order.
    nlp = blank_pipeline()
    docbin = DocBin(store_user_data=True)
    cuts = {}
    for p in policies:
        cut = cuts[p.id] = min(i for i in (p.text.find("。"), p.text.find("；")) if i >= 0) + 1
        parts = [(1, p.text[:cut], 0), (2, p.text[cut:], cut)]
        for line, text, offset in reversed(parts):
            doc = nlp.make_doc(text)
            own = [s for s in p.spans if offset <= s.start and s.end <= offset + len(text)]
            doc.user_data.update({"id": f"{p.id}:{line}", "doc_id": p.id, "line": line,
                                  "gold_chars": [[s.start - offset, s.end - offset, s.label] for s in own]})
            docbin.add(doc)
    corpus = tmp_path / "test.spacy"
    docbin.to_disk(corpus)
    brackets = tmp_path / "brackets"
    brackets.mkdir()
    for p in policies:
        (brackets / f"{p.id}.txt").write_text(render(p.text, p.spans)[0], encoding="utf-8")

    for source in (shard, corpus, brackets):
        out = tmp_path / f"out-{source.name}"
        assert main(["report", str(source), "--out", str(out)]) == 0
        policies = entries(out)
        got = {p["id"]: p["data_items"] for p in policies}
        if source == corpus:  # paragraphs joined by a line break: offsets after the cut move by one
            for p in policies:
                cut = cuts[p["id"]]
                for item in p["data_items"]:
                    item["at"] = [[a - (a > cut), b - (b > cut)] for a, b in item["at"]]
        assert got == expected, source


def test_against_gold_scores_policy_level_item_recall_and_precision(tmp_path, capsys):
    from pipeline.measure.items import score

    gold_text = parse("<手机号码、设备标识符（IMEI/OAID）>和<微信账号>")
    gold = [Document("a", gold_text.text, gold_text.spans)]
    scores = score({"a": ["手机号码", "imei", "微信"]}, gold, load())
    # gold items: 手机号码, 设备标识符, imei, oaid, 微信账号; 微信 is inside the gold span 微信账号
    assert (scores.recall, scores.precision) == (pytest.approx(2 / 5), 1.0)
    assert (scores.gold_items, scores.report_items, scores.found, scores.correct) == (5, 3, 2, 3)
    scores = score({"a": ["手机号码", "天气"], "z": ["姓名"]}, gold, load())
    assert (scores.recall, scores.precision, scores.unmatched) == (pytest.approx(1 / 5), 0.5, 1)
    assert score({}, gold, load()).missing == 1

    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("\n".join(json.dumps({"id": p.id, "text": p.text, "spans": [
        s.to_dict() for s in p.spans if s.label == "DATA"]}, ensure_ascii=False) for p in _fixture_policies()),
        encoding="utf-8")
    code, _ = run_report(tmp_path, str(FIXTURE), extra=("--against", str(gold_file)))
    assert code == 0
    assert "item recall 1.000 (micro 1.000), precision 1.000 (micro 1.000) over 2 policies" in \
        capsys.readouterr().out


def test_the_action_rule_is_checked_against_collect_and_share_labels(tmp_path, capsys):
    text = "我们收集手机号码，您填写的姓名，我们共享位置信息，我们保护设备信息。"
    spans = [Span(2, 4, "COLLECT"), Span(4, 8, "DATA"), Span(10, 12, "SHARE"), Span(13, 15, "DATA"),
             Span(18, 20, "SHARE"), Span(20, 24, "DATA"), Span(27, 29, "COLLECT"), Span(29, 33, "DATA")]
    assert [text[s.start:s.end] for s in spans] == ["收集", "手机号码", "填写", "姓名", "共享", "位置信息", "保护", "设备信息"]
    gold = tmp_path / "seven.jsonl"
    gold.write_text(json.dumps({"id": "s", "text": text, "spans": [s.to_dict() for s in spans]},
                               ensure_ascii=False), encoding="utf-8")
    code, out = run_report(tmp_path, str(gold))
    assert code == 0
    check = json.loads((out / "report.json").read_text(encoding="utf-8"))["corpus"]["action_check"]
    # 保护 is no verb of either list: 设备信息 gets no action; 您填写 is the handler's
    # collection, which CA4P-483 labels SHARE: one wrong.
    assert check == {"data_spans": 4, "actions": 3, "with_action_in_clause": 4, "attached": 3,
                     "attached_share": 0.75, "right": 2, "right_share": 0.6667, "pairs_right": 2,
                     "pairs_right_share": 0.6667,
                     "confusion": {"COLLECT->collect": 1, "SHARE->collect": 1, "SHARE->share": 1},
                     "disagreements": {"SHARE->collect 填写": 1}}
    assert "action rule: an action attached to 3 of 4 DATA spans (75.0%)" in capsys.readouterr().out


def test_a_ca4p_folder_reports_every_policy(ca4p_dir, tmp_path, capsys):
    code, out = run_report(tmp_path, str(ca4p_dir), extra=("--labels", "ca4p"))
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["corpus"]["policies"] == len(entries(out)) == 435
    assert report["corpus"]["coverage"]["data_spans"] == 11869
    assert report["corpus"]["coverage"]["items_share_non_generic"] >= 0.85
    assert "action_check" in report["corpus"]


# --- In a real browser --------------------------------------------------------------------

PROBE = """<script>
const probe = document.createElement("pre");
probe.id = "probe";
probe.textContent = JSON.stringify({
  charts: [...document.querySelectorAll("figure.chart svg")].map(s => {
    const box = s.getBoundingClientRect();
    return {width: box.width, height: box.height, marks: s.querySelectorAll("path, rect, image, use").length,
            text: s.textContent.length};
  }),
  policies: [...document.querySelectorAll(".text")].map(e => e.innerText),
  scripts: document.scripts.length});
document.body.append(probe);
</script>"""


@pytest.mark.slow
def test_chromium_renders_the_page_with_every_chart_and_the_policy_text_as_text(tmp_path, browser):
    code, out = run_report(tmp_path, str(FIXTURE))
    assert code == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = browser.run(probed, tmp_path / "profile", "--dump-dom")
    found = json.loads(html.unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL).group(1)))
    assert len(found["charts"]) == 4
    for chart in found["charts"]:
        assert chart["width"] > 100 and chart["height"] > 100 and chart["marks"] > 5 and chart["text"] > 0, chart
    policies = _fixture_policies()
    assert found["policies"] == [p.text for p in policies]
    assert "<script>alert(1)</script>" in found["policies"][1]
    assert found["scripts"] == 1  # the probe: the policy's script is text

    # Each chart on its own page, photographed: it shows ink and colour.
    for n, svg in enumerate(re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)):
        alone = tmp_path / f"chart{n}.html"
        alone.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
                         f"{svg}</body></html>", encoding="utf-8")
        shot = tmp_path / f"chart{n}.png"
        browser.run(alone, tmp_path / "profile", f"--screenshot={shot}", "--window-size=800,600")
        dark, coloured = browser.ink(shot.read_bytes())
        assert dark > 0.01 and coloured > 0.01, (n, dark, coloured)


def test_the_lexicon_holds_specific_items_of_several_gold_policies_and_fills_gaps_only():
    from pipeline.report.lexicon import build_lexicon, with_lexicon

    gold = [Document(str(n), parsed.text, parsed.spans) for n, parsed in enumerate(map(parse, [
        "<IMEI、MAC地址、天气、个人信息、OAID>", "<您的imei>和<MAC地址>及<天气>和<个人信息>"]))]
    lexicon = build_lexicon(gold, load(), min_policies=2)
    assert lexicon.entries == ["MAC地址", "IMEI"]  # not generic, not other, in two policies
    text = "收集设备Imei、VIMEIX、MAC地址与mac地址。目录：IMEI"
    taken = [Span(0, 2, "ACTION"), Span(text.rindex("mac地址"), text.index("。"), "DATA")]
    # only in a sentence with an ACTION, outside DATA spans, never inside a Latin word
    assert [text[s.start:s.end] for s in lexicon.spans(text, taken)] == ["Imei", "MAC地址"]
    (policy,) = with_lexicon([Document("p", text, taken)], lexicon)
    assert [text[s.start:s.end] for s in policy.spans] == ["收集", "Imei", "MAC地址", "mac地址"]
    assert build_lexicon(gold, load(), min_policies=3).entries == []
    # Latin beside Chinese may be spaced in a policy (MAC 地址) and is one item still
    spaced = "收集设备的MAC 地址。"
    assert [spaced[s.start:s.end] for s in lexicon.spans(spaced, [Span(0, 2, "ACTION")])] == ["MAC 地址"]


def test_min_score_leaves_out_the_spans_annotate_scored_lower(tmp_path):
    # The fixture's scores fall from 0.9 by 0.01 a span: alpha's DATA spans are its 3rd, 8th and 10th.
    code, out = run_report(tmp_path, str(FIXTURE), extra=("--min-score", "0.85"))
    assert code == 0
    alpha = entries(out)[0]
    assert [e["text"] for e in alpha["data_items"]] == ["手机号码", "设备标识符", "IMEI", "OAID"]


def test_a_lexicon_item_must_be_marked_data_in_enough_of_its_occurrences():
    from pipeline.report.lexicon import build_lexicon

    gold = [Document(str(n), parsed.text, parsed.spans) for n, parsed in enumerate(map(parse, [
        "[收集]<IMEI>和<MAC地址>。", "[收集]<IMEI>、<MAC地址>。[收集]MAC地址。[使用]MAC地址和IMEI。目录：MAC地址"]))]
    # MAC地址: 2 of its 4 occurrences in sentences with an ACTION are DATA; IMEI: 2 of 3
    assert build_lexicon(gold, load(), 2, min_marked=0.5).entries == ["MAC地址", "IMEI"]
    assert build_lexicon(gold, load(), 2, min_marked=0.6).entries == ["IMEI"]
    assert build_lexicon(gold, load(), 2, min_marked=0.7).entries == []


# --- Lists: a tagger's item of a list grows over the list ---------------------------------

def grown_texts(text: str, marked: List[str], others: Tuple[Tuple[str, str], ...] = ()) -> List[str]:
    from pipeline.report.lists import grown

    spans = [Span(text.index(m), text.index(m) + len(m), "DATA") for m in marked]
    spans += [Span(text.index(m), text.index(m) + len(m), label) for m, label in others]
    return [text[s.start:s.end] for s in grown(text, spans, load())]


LIST = "为保障服务运行，我们会收集您的硬件型号、操作系统版本号、网络设备硬件地址（MAC）、IP地址、操作日志等信息。"
WHOLE = "您的硬件型号、操作系统版本号、网络设备硬件地址（MAC）、IP地址、操作日志"


@pytest.mark.parametrize("marked", ["IP地址", "MAC", "操作日志", "硬件型号"])
def test_one_marked_item_of_a_list_grows_over_the_list(marked):
    # from any item, one inside a parenthesis too; the verb before the first item (收集) and the
    # summary after 等 stay out, and the clause before the list never comes in
    assert grown_texts(LIST, [marked]) == [WHOLE if marked != "硬件型号" else WHOLE[2:]]
    assert grown_texts(LIST, [marked], (("收集", "ACTION"),)) == grown_texts(LIST, [marked])


def test_a_list_stops_at_a_neighbour_that_is_no_data_item_at_another_label_and_at_a_comma():
    # 天气预报 is in no category of the table; the ACTION span 提供 is a wall; a comma ends the clause
    assert grown_texts("收集手机号码、天气预报、邮箱地址。", ["邮箱地址"]) == []
    assert grown_texts("收集手机号码、邮箱地址提供、IP地址。", ["手机号码"], (("提供", "ACTION"),)) == \
        ["手机号码、邮箱地址"]
    assert grown_texts("收集手机号码，邮箱地址。", ["手机号码"]) == []
    # a conjunction joins clauses as often as items: it does not join here
    assert grown_texts("收集手机号码和邮箱地址。", ["手机号码"]) == []


def test_the_report_grows_a_taggers_lists_and_never_gold(tmp_path):
    text = LIST
    at = text.index("IP地址")
    scored = {"id": "p", "text": text, "spans": [{"start": at, "end": at + 4, "label": "DATA", "score": 0.9}]}
    gold = {"id": "p", "text": text, "spans": [{"start": at, "end": at + 4, "label": "DATA"}]}
    shown = {}
    for name, record, extra in [("tagger", scored, ()), ("tagger-off", scored, ("--no-lists",)),
                                ("gold", gold, ())]:
        source = tmp_path / f"{name}.jsonl"
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        code, out = main(["report", str(source), "--out", str(tmp_path / name), *extra]), tmp_path / name
        assert code == 0
        shown[name] = [e["text"] for e in entries(out)[0]["data_items"]]
    assert shown["tagger"] == ["硬件型号", "操作系统版本号", "网络设备硬件地址", "MAC", "IP地址", "操作日志"]
    assert shown["tagger-off"] == shown["gold"] == ["IP地址"]


def test_marked_only_scores_the_items_of_the_paragraphs_the_gold_marked(tmp_path, capsys):
    # gold marks 手机号码 in the first paragraph and leaves the second unread
    text = "我们收集手机号码、通话记录。\n目录：通话记录"
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "p", "text": text, "spans": [
        {"start": 4, "end": 8, "label": "DATA"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    annotated = tmp_path / "annotated.jsonl"
    annotated.write_text(json.dumps({"id": "p", "text": text, "spans": [
        {"start": 4, "end": 13, "label": "DATA", "score": 0.9},
        {"start": text.rindex("通话记录"), "end": len(text), "label": "DATA", "score": 0.9}]},
        ensure_ascii=False) + "\n", encoding="utf-8")
    lines = {}
    for extra in [(), ("--marked-only",)]:
        code, _ = run_report(tmp_path, str(annotated), extra=("--against", str(gold), *extra))
        assert code == 0
        lines[extra] = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("item recall"))
    # 通话记录 occurs in both paragraphs, so it is scored either way; 手机号码 is right
    assert lines[()].startswith("item recall 1.000 (micro 1.000), precision 0.500")
    assert lines[("--marked-only",)] == lines[()]

    # an item only in the unread paragraph counts without --marked-only, not with it (lists off:
    # they would grow 手机号码 over 通话记录 in the first paragraph; 收集 its ACTION, as a contact
    # item with none is the company's own)
    annotated.write_text(json.dumps({"id": "p", "text": text, "spans": [
        {"start": 2, "end": 4, "label": "ACTION", "score": 0.9}, {"start": 4, "end": 8, "label": "DATA", "score": 0.9},
        {"start": text.rindex("通话记录"), "end": len(text), "label": "DATA", "score": 0.9}]},
        ensure_ascii=False) + "\n", encoding="utf-8")
    for extra, precision in [((), "0.500"), (("--marked-only",), "1.000")]:
        code, _ = run_report(tmp_path, str(annotated), extra=("--against", str(gold), "--no-lists", *extra))
        assert code == 0
        assert f"precision {precision}" in capsys.readouterr().out
    assert main(["report", str(annotated), "--out", str(tmp_path / "x"), "--marked-only"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "privspan report: error: --marked-only scores against gold: give --against GOLD")


def test_a_list_in_a_parenthesis_ends_at_its_bracket_and_the_last_item_at_a_list_end():
    text = "转化为文字类个人信息（姓名、性别、身份证号、地址）保存。"
    assert grown_texts(text, ["姓名"]) == ["姓名、性别、身份证号、地址"]
    assert grown_texts(text, ["地址"]) == ["姓名、性别、身份证号、地址"]
    # data/items.toml's list_ends: 在内 ends the last item (IP地址, not IP地址在内的日志信息)
    assert grown_texts("收集包括手机号码、IP地址在内的日志信息用于统计。", ["手机号码"]) == ["手机号码、IP地址"]


def test_a_list_of_canonical_items_no_span_marks_is_data_but_not_in_a_definition_of_personal_information():
    from pipeline.report.lists import unmarked

    def found(text: str, marked: Tuple[str, ...] = ()) -> List[str]:
        spans = [Span(text.index(m), text.index(m) + len(m), "DATA") for m in marked]
        return [text[s.start:s.end] for s in unmarked(text, spans, load())]

    listed = "(一) 我们向您收集哪些信息\n•基本信息 姓名、家庭地址、电话号码、天气预报、职业、民族。"
    # from the first to the last canonical item: 天气预报 (no category) between them comes along
    assert found(listed) == ["姓名、家庭地址、电话号码、天气预报、职业、民族"]
    # but the run neither begins nor ends with it, and a generic piece (其他信息) ends a run
    assert found("•基本信息 天气预报、姓名、家庭地址、其他信息、职业、民族、天气预报。") == ["姓名、家庭地址", "职业、民族"]
    # a run the tagger marked is the tagger's; the rest of its clause is still read
    assert found("•基本信息 姓名、家庭地址、其他信息、职业、民族。", ("职业",)) == ["姓名、家庭地址"]
    assert found(listed, ("职业",)) == []
    assert found("个人信息：是指以电子方式记录的信息，包括姓名、出生日期、身份证件号码、住址。") == []
    assert found("2. 敏感个人信息：是一旦泄露的个人信息，包括生物识别、宗教信仰、金融账户、行踪轨迹。") == []
    # the law's examples after a definition that names its term last, or after 其中
    assert found("极易导致歧视性待遇等的信息为个人敏感信息，主要包括：身份证件号码、金融账户、行踪轨迹。") == []
    assert found("其中，个人生物识别信息包括个人基因、指纹、声纹、掌纹、虹膜等。") == []
    assert found("我们收集的这些信息为个人信息，包括姓名、电话号码。") == ["姓名、电话号码"]
    assert found("您的个人信息包括姓名、手机号码、住址。") == ["姓名、手机号码、住址"]
    assert found("设备信息是指以下信息：IMEI、MAC地址、IP地址。") == ["IMEI、MAC地址、IP地址"]


def test_make_report_is_what_the_command_runs(tmp_path, run):
    from pipeline.report.make import OUTPUTS, ReportOptions, make_report

    result = make_report([str(FIXTURE)], tmp_path / "f", ReportOptions(title="t"))
    assert result.messages == [] and not result.failed and result.unfinished == 0
    assert [p["id"] for p in entries(tmp_path / "f")] == ["alpha", "b"]
    assert result.report == json.loads((tmp_path / "f" / "report.json").read_text(encoding="utf-8"))
    assert result.report["corpus"]["policies"] == 2
    assert all((tmp_path / "f" / name).exists() for name in OUTPUTS)
    code, out, _ = run("report", FIXTURE, "--out", tmp_path / "c", "--title", "t")
    assert code == 0 and out.splitlines()[:-1] == result.lines
    for name in ("report.json", "policies.jsonl"):
        assert (tmp_path / "c" / name).read_text(encoding="utf-8") == \
            (tmp_path / "f" / name).read_text(encoding="utf-8")
    nothing = make_report([str(tmp_path / "absent.jsonl")], tmp_path / "g", ReportOptions())
    assert nothing.report == {} and nothing.failed
    assert nothing.messages == [f"{tmp_path / 'absent.jsonl'}: error: no such file or folder"]


@pytest.mark.parametrize("text, canonical, category, sensitive", [
    ("您的IMEI信息", "imei", "个人常用设备信息", False),  # 您的 off, a 信息 tail
    ("国际移动设备识别码", "imei", "个人常用设备信息", False),  # spelt out: not identity information
    ("DNS地址", "network_info", "个人常用设备信息", False),  # 地址 makes no address of it
    ("银行账户", "bank_account", "个人财产信息", True),  # 账户 makes no network identity of it
    ("手机号码", "phone_number", "个人基本资料", False),  # 手机 makes no device of it
    ("护照", "passport", "个人身份信息", True),
    ("身份证正面照片", "id_card_photo", "个人身份信息", True),
    ("好友列表", "friend_list", "联系人信息", True),
    ("Wi-Fi信息", "wifi_info", "个人位置信息", False),
    ("天气", None, OTHER, False),
])
def test_a_canonical_items_whole_term_comes_before_any_keyword(text, canonical, category, sensitive):
    table = load()
    found = table.canonical_of(text)
    assert (found.id if found else None, *table.assign(text)) == (canonical, category, sensitive)


def test_an_unknown_item_under_a_known_head_takes_the_heads_category():
    table = load()
    assert table.assign("天气") == (OTHER, False)
    assert table.assign_item("天气", "位置信息") == ("个人位置信息", False)
    assert table.assign_item("天气", "个人信息") == (OTHER, False)  # a generic head says nothing
    assert table.assign_item("姓名", "位置信息") == ("个人基本资料", False)  # a known item keeps its own


def test_the_canonical_table_is_checked_against_the_categories(tmp_path):
    from pipeline.report.categories import CANONICAL_FILE, DATA_FILE, Categories

    table = Categories()
    # each item is in a row of A.1, or in `other` where A.1 has none (what users publish, a vehicle's data)
    assert len(table.canonical) >= 300 and all(i.category in table.by_name or i.category == OTHER
                                               for i in table.canonical.values())
    assert {i.id for i in table.canonical.values() if i.category == OTHER} == {
        "photo", "album", "images", "video", "audio", "published_content", "comments",
        "license_plate", "vin", "vehicle_info"}
    # so are such items by their words, and they take no head's category
    assert table.assign("上传的相册内容") == (OTHER, False) and table.assign_item("相册", "设备信息") == (OTHER, False)
    assert table.assign_item("Wi-Fi名称", "位置信息")[0] == "个人位置信息"
    bad = tmp_path / "canonical.toml"
    bad.write_text(CANONICAL_FILE.read_text(encoding="utf-8").replace('terms = ["IMEI",', 'terms = ["IMEI", "OAID",'),
                   encoding="utf-8")
    with pytest.raises(ValueError, match="term 'OAID' is of two items"):
        Categories(DATA_FILE, bad)


def test_coordinated_words_share_their_head_and_point_at_their_own_words(tmp_path):
    text = "我们会收集您的身份证正、反面照片和银行卡号。"
    spans = [Span(text.index("身份证"), text.index("和银行"), "DATA"), Span(text.index("银行卡号"), text.index("。"), "DATA")]
    found = [(i.text, text[i.start:i.end]) for i in items_of(text, spans, load())]
    assert found == [("身份证正面照片", "身份证正"), ("身份证反面照片", "反面照片"), ("银行卡号", "银行卡号")]
    # two pieces of different spans, or a word that is no pair, are left as they are
    apart = [Span(text.index("身份证"), text.index("、"), "DATA"), Span(text.index("反面"), text.index("和银行"), "DATA")]
    assert [i.text for i in items_of(text, apart, load())] == ["身份证正", "反面照片"]
    plain = "我们会收集您的姓名、手机号码。"
    assert [i.text for i in items_of(plain, [Span(7, 14, "DATA")], load())] == ["姓名", "手机号码"]
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"id": "p", "text": text, "spans": [s.to_dict() for s in spans]},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["report", str(source), "--out", str(tmp_path / "r")]) == 0
    (entry,) = entries(tmp_path / "r")
    rows = {e["text"]: e for e in entry["data_items"]}
    assert rows["身份证正面照片"]["canonical"] == rows["身份证反面照片"]["canonical"] == "id_card_photo"
    assert rows["身份证正面照片"]["sensitive"] and [text[a:b] for a, b in rows["身份证反面照片"]["at"]] == ["反面照片"]


def test_a_word_joined_to_an_item_shares_its_head_or_front_unless_it_is_an_item_of_its_own():
    def items(text: str) -> list:
        span = Span(text.index("收集") + 2, text.index("。"), "DATA")
        return [(i.text, text[i.start:i.end]) for i in items_of(text, [span], load())]

    assert items("我们会收集硬件及操作系统信息。") == [("硬件信息", "硬件"), ("操作系统信息", "操作系统信息")]
    assert items("我们会收集通信/通话记录。")[0] == ("通信记录", "通信")
    # a canonical item, a kind of the next (…及相关设备信息) or an item joined by 和/或 stays itself
    assert [t for t, _ in items("我们会收集姓名和手机号码。")] == ["姓名", "手机号码"]
    assert [t for t, _ in items("我们会收集版本及相关设备信息。")] == ["版本", "相关设备信息"]
    assert [t for t, _ in items("我们会收集时间戳和/或点击流数据。")][0] == "时间戳"
    # a head is a noun, not a clause
    assert [t for t, _ in items("我们会收集去标识化/匿名化后的信息。")][0] == "去标识化"
    # the other way: a word alone shares the front of the item before it
    assert items("我们会收集访问日期和时间。") == [("访问日期", "访问日期"), ("访问时间", "时间")]
    assert [t for t, _ in items("我们会收集操作系统及版本。")] == ["操作系统", "操作系统版本"]
    assert [t for t, _ in items("我们会收集日期和时间。")] == ["日期", "时间"]
    # a bare word of a list shares the head noun of the list's last item, or of its 等…
    assert items("我们会收集设备、网络、渠道信息。") == [("设备信息", "设备"), ("网络信息", "网络"), ("渠道信息", "渠道信息")]
    assert [t for t, _ in items("我们会收集浏览、搜索记录。")] == ["浏览记录", "搜索记录"]
    assert [t for t, _ in items("我们会收集交易、支付、预订等信息。")] == ["交易信息", "支付信息", "预订信息"]
    # but not an attribute of the item before it, nor an item of its own
    assert [t for t, _ in items("我们会收集接入方式、类型、状态、网络质量数据。")] == ["接入方式", "类型", "状态", "网络质量数据"]
    assert [t for t, _ in items("我们会收集订单号码、支付信息。")] == ["订单号码", "支付信息"]
    # 在内的 closes a list and starts its head
    assert [t for t, _ in items("我们会收集包括银行卡号、有效期在内的银行卡支付必要信息。")] == [
        "银行卡号", "有效期", "银行卡支付必要信息"]


def test_an_item_of_no_category_counts_only_where_its_sentence_handles_or_lists_data():
    """Only the user's data: text no keyword, term or head places (a heading, a clause of a
    disclaimer) is no item unless its sentence has an ACTION or names data of a category."""
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    parsed = parse("<应急响应流程>\n我们[收集]<飞行里程>。\n包括：<设备型号>、<类型和状态>。\n请<谨慎操作>。")
    policy = Document("p", parsed.text, parsed.spans)
    listed = {row["text"]: row["category"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]}
    assert listed == {"飞行里程": OTHER, "设备型号": "个人常用设备信息", "类型": OTHER, "状态": OTHER}


def test_text_that_is_no_users_data_is_no_item_whatever_its_sentence():
    """items.toml's not_data: protection measures, processes, incident reports, purposes and
    conditions, even in a sentence with an ACTION and a category's item beside them."""
    from pipeline.report.build import report_policy
    from pipeline.report.items import not_data
    from pipeline.report.practices import load_verbs

    parsed = parse("我们[使用]<SSL>、<加密>保护<手机号码>，并[上报]<个人信息安全事件的处置情况>；"
                   "<涉及实名认证的>，[提供]<身份证号码>，<以便于我们处理您的订单>。")
    policy = Document("p", parsed.text, parsed.spans)
    listed = [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]]
    assert listed == ["手机号码", "身份证号码"]
    assert not not_data("订单信息") and not not_data("流程记录") and not_data("ssl") and not_data("注册地址")


def test_the_laws_examples_in_a_definition_of_personal_information_are_no_items():
    from pipeline.report.build import report_policy
    from pipeline.report.items import defines_personal_information
    from pipeline.report.practices import load_verbs

    assert defines_personal_information("敏感个人信息：敏感个人信息是一旦泄露或者非法使用的个人信息")
    assert defines_personal_information("2、个人信息是指以电子方式记录的信息")
    assert defines_personal_information("例如，个人敏感信息包括身份证件号码")
    assert not defines_personal_information("您的个人信息包括姓名")
    assert not defines_personal_information("该等数据包括IP地址")
    assert not defines_personal_information("设备信息是指设备型号")
    # the standard's defined terms, and a policy's own wording of the subject (stop 41)
    assert defines_personal_information("用户画像是指通过收集、汇聚、分析个人信息，对其职业、健康做出分析")
    assert defines_personal_information("7、自动化决策：指通过计算机程序自动分析个人的经济、健康、信用状况")
    assert defines_personal_information("本政策所称的个人敏感信息是指一旦泄露的个人信息，具体包括身份证件号码")
    assert not defines_personal_information("我们会根据您的用户画像是否完整提示您")
    parsed = parse("敏感个人信息是一旦泄露的个人信息，包括<宗教信仰>、<行踪轨迹>。我们[收集]<行踪轨迹>。")
    policy = Document("p", parsed.text, parsed.spans)
    # 行踪轨迹 stays: the policy also says it collects it
    assert [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]] == ["行踪轨迹"]
    # a glossary's list of the law's categories, over its ；-parts, up to the sentence's end
    assert defines_personal_information("本隐私政策中可能涉及到的个人信息包括但不限于：个人基本信息")
    assert not defines_personal_information("本政策中的服务包括视频播放")
    parsed = parse("本隐私政策中可能涉及到的个人信息包括：个人身份信息（包括<身份证>、<护照>）；"
                   "个人上网记录（包括<点击记录>）。我们[收集]<手机号码>；<护照>。")
    policy = Document("p", parsed.text, parsed.spans)
    assert [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]] == [
        "护照", "手机号码"]
    # more shapes of a glossary (stop 42): a numbered entry, an example in the sentence, a
    # category of the law's, the policy's own examples; but not data said to be no personal information
    assert defines_personal_information("（2）敏感个人信息：一旦泄露或者非法使用，容易导致…的个人信息，包括生物识别")
    assert defines_personal_information("10.2个人敏感信息\n\n包括身份证件号码、个人生物识别信息")
    assert defines_personal_information("…的个人信息，例如，敏感个人信息包括身份证件号码、银行帐号")
    assert defines_personal_information("具体而言，个人信息中属于敏感个人信息的有：身份证件号码、金融账户")
    assert defines_personal_information("个人信息示例：个人基本资料（包括个人姓名、生日）")
    assert not defines_personal_information("我们会使用你的传感器信息（单纯的传感器数据不属于个人信息）")
    assert not defines_personal_information("个人信息：我们会收集您的手机号码")
    # a glossary entry under a line that is the term alone (10.2个人敏感信息 / 包括…)
    parsed = parse("十、关键词说明\n10.2个人敏感信息\n\n包括<身份证件号码>、<银行账号>。\n我们[收集]<手机号码>。")
    policy = Document("p", parsed.text, parsed.spans)
    assert [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]] == ["手机号码"]


def test_a_way_to_reach_the_user_is_no_item_unless_the_policy_also_handles_it_as_data():
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    parsed = parse("我们会通过<短信>、<电话>的方式[通知]您，或以<电子邮件>形式[告知]您。"
                   "我们[收集]您的联系方式（<电话>、<邮箱>及其他联系方式）。")
    policy = Document("p", parsed.text, parsed.spans)
    listed = [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]]
    # 电话 is a channel once and data once; 联系方式 names no channel
    assert listed == ["电话", "邮箱"]


def test_a_term_the_sentence_decides_names_its_item_where_every_sentence_of_it_does():
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    def meant(text: str, item: str) -> tuple:
        parsed = parse(text)
        rows = report_policy(Document("p", parsed.text, parsed.spans), load(), load_verbs()).entry["data_items"]
        return {r["text"]: (r["canonical"], r["category"], r["sensitive"]) for r in rows}[item]

    assert meant("我们会[读取]剪切板中的<口令>、<链接>。", "口令")[::2] == ("share_code", False)
    # a row per text: where one sentence of it is not the clipboard's, 口令 stays a password
    assert meant("我们会[读取]剪切板中的<口令>、<链接>。我们[收集]您的<密码>、<口令>。", "口令")[::2] == ("password", True)
    assert meant("我们[收集]您的<密码>、<口令>。", "口令")[::2] == ("password", True)
    # an address book's entries are its contacts' (a cue of two words, both there) …
    assert meant("如您开启导入通讯录功能，我们会[收集]您联系人的<姓名>和<电话号码>。", "电话号码") == (
        "contacts", "联系人信息", True)
    assert meant("我们会[读取]通讯录，快速填充您授权的<相关手机号>。", "相关手机号")[0] == "contacts"
    # … not the user's own number beside a permission list, nor an order's contact
    assert meant("我们会[申请]<通讯录>、<联系方式>权限。", "联系方式")[0] == "contact_info"
    assert meant("下单时您需[提供]联系人信息（<姓名>、<电话号码>）。", "电话号码")[0] == "phone_number"
    assert meant("绑卡时我们会[收集]您的<银行卡号>、<有效期>。", "有效期")[0] == "card_security_code"


def test_in_a_banks_policy_an_account_is_a_bank_account():
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    bank = "我行重视您的信息。我行遵守法律。我行会加密。我行会通知您。我行[收集]您的<账号>、<签约账号>、<微信账号>、<账户预留手机号>。"
    for text, expected in ((bank, "个人财产信息"), (bank.replace("我行", "我们"), "网络身份标识信息")):
        parsed = parse(text)
        rows = {r["text"]: r for r in report_policy(Document("p", parsed.text, parsed.spans), load(), load_verbs()).entry["data_items"]}
        assert (rows["账号"]["category"], rows["签约账号"]["category"]) == (expected, expected), text
        # another service's account, and a phone number, stay what they are
        assert rows["微信账号"]["category"] == "网络身份标识信息"
        assert rows["账户预留手机号"]["category"] != "个人财产信息"
    assert rows["账号"]["sensitive"] is False


def test_the_companys_own_contact_lines_are_no_items_and_the_users_contact_data_is():
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    parsed = parse("<联系邮箱>：privacy@example.com\n<邮编>：518054\n我们[收集]<手机号码>。\n"
                   "<基本信息>：<电话号码>、<身份证号码>\n")
    policy = Document("p", parsed.text, parsed.spans)
    listed = [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]]
    # 电话号码 stays: its line names other data (a list of what is collected)
    assert listed == ["手机号码", "基本信息", "电话号码", "身份证号码"]


def unglued(markup: str) -> List[Tuple[str, str]]:
    """(text, the words it points at) of each item of the markup after glued_verbs."""
    from pipeline.report.items import glued_verbs

    parsed = parse(markup)
    found = glued_verbs(items_of(parsed.text, parsed.spans, load()), load())
    return [(i.text, parsed.text[i.start:i.end]) for i in found]


def test_a_verb_glued_in_front_of_a_canonical_item_is_taken_off_and_a_data_name_keeps_its_verb():
    assert unglued("<采集声音>、<获取手机识别码>、<收集信息>、<使用记录>、<共享昵称>") == [
        ("声音", "声音"), ("手机识别码", "手机识别码"), ("收集信息", "收集信息"), ("使用记录", "使用记录"),
        ("昵称", "昵称")]
    # a right's verb (更改您的密码) and a preposition (通过GPS) come off as well
    found = unglued("<更改您的密码>、<通过GPS>、<删除记录>")
    assert [text for text, _ in found] == ["您的密码", "GPS", "删除记录"]  # 您的 goes as the row is shown


def test_words_glued_before_or_after_a_canonical_item_come_off_unless_the_item_is_no_data():
    assert unglued("<会将您的手机号码>、<身份认证信息除外>、<网络信息可能会被>、<生日会>、<以便于我们处理您的订单>") == [
        ("手机号码", "手机号码"), ("身份认证信息", "身份认证信息"), ("网络信息", "网络信息"), ("生日会", "生日会"),
        ("以便于我们处理您的订单", "以便于我们处理您的订单")]
    # a clause's little words and a user's acts come off; 具体 and 使用 name data with what follows
    found = unglued("<由于生日>、<播放录音>、<Android如IMEI>、<具体位置信息>、<使用行为信息>")
    assert [text for text, _ in found] == ["生日", "录音", "IMEI", "具体位置信息", "使用行为信息"]
    # …时 is a condition, no data; but a canonical item before it is that item
    assert [text for text, _ in unglued("<联系电话时>、<转发时>")] == ["联系电话", "转发时"]
    from pipeline.report.items import not_data
    assert not_data("转发时") and not not_data("联系电话")


def test_an_item_named_only_in_numbered_headings_or_as_not_collected_is_no_item():
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs

    parsed = parse("（四）参加<互动活动>\n我们[收集]您参加<互动活动>的<中奖记录>。\n"
                   "3、<支付结算>\n在基本模式下，我们不会[收集]<设备MAC地址>。\n1. 必要的<实名信息>\n"
                   "我们不会[共享]您的<手机号码>。\n")
    policy = Document("p", parsed.text, parsed.spans)
    listed = [row["text"] for row in report_policy(policy, load(), load_verbs()).entry["data_items"]]
    # 互动活动 is named outside its heading too; sharing denied says the number is held
    assert listed == ["互动活动", "中奖记录", "手机号码"]


def test_the_cells_of_a_table_row_are_items_of_their_own():
    assert items("<配送服务供应商\t收件人姓名、地址>") == [("配送服务供应商", None), ("收件人姓名", None), ("地址", None)]


def test_item_readings_score_what_was_read_and_count_what_changed():
    from pipeline.measure.item_readings import against_item_readings

    readings = [
        {"policy": "p", "item_text": "IMEI", "category": "个人常用设备信息", "sensitive": False, "item": "right",
         "category_ok": True, "sensitive_ok": True},
        {"policy": "p", "item_text": "银行账户", "category": "网络身份标识信息", "sensitive": False, "item": "right",
         "category_ok": False, "sensitive_ok": False},
        {"policy": "p", "item_text": "联系电话", "category": "个人基本资料", "sensitive": False, "item": "not_data",
         "category_ok": None, "sensitive_ok": None},
        {"policy": "p", "missed": "麦克风", "at": 0},
        {"policy": "p", "missed": "通讯录", "at": 9},
        {"policy": "p", "missed": "相机/摄像头", "at": 20},
        {"policy": "p", "missed": "指纹/声纹", "at": 30},
    ]
    entry = {"id": "p", "data_items": [
        {"text": "IMEI", "category": "个人常用设备信息", "sensitive": False, "canonical": "imei"},
        {"text": "银行账户", "category": "个人财产信息", "sensitive": True, "canonical": "bank_account"},
        {"text": "联系电话", "category": "个人基本资料", "sensitive": False, "canonical": "phone_number"},
        {"text": "麦克风权限", "category": "个人常用设备信息", "sensitive": False, "canonical": None},
        {"text": "摄像头", "category": "个人常用设备信息", "sensitive": False, "canonical": "camera"},
        {"text": "个人信息", "category": GENERIC, "sensitive": False, "canonical": None}]}
    other = {"id": "unread policy", "data_items": entry["data_items"]}
    scores = against_item_readings([entry, other], readings, load())
    assert (scores.listed, dict(scores.read), scores.unread) == (
        5, {"right": 2, "not_data": 1}, ["p: 麦克风权限", "p: 摄像头"])
    assert scores.precision == 2 / 3
    # the bank account's category changed since read: not judged; its sensitivity, read wrong, is right now
    assert dict(scores.category) == {"ok": 1, "changed": 1} and dict(scores.sensitive) == {"ok": 2}
    # IMEI and the camera (摄像头, unread) clear kinds named, 麦克风 found in 麦克风权限, 相机/摄像头
    # found by either name; 通讯录 and 指纹/声纹 still missed
    assert (scores.found, scores.missed) == (3, ["p: 通讯录", "p: 指纹/声纹"])


def test_a_clear_item_listed_as_data_when_read_and_no_longer_listed_is_missed():
    def reading(text: str, judged: str) -> dict:
        return {"policy": "p", "item_text": text, "category": "个人常用设备信息", "sensitive": False, "item": judged,
                "category_ok": True, "sensitive_ok": True}

    readings = [reading("IMEI", "right"), reading("MAC地址", "cut"), reading("IDFA", "not_data"),
                reading("通讯录", "right")]
    entry = {"id": "p", "data_items": [  # IMEI dropped since; 通讯录 still listed under another canonical id
        {"text": "MAC地址", "category": "个人常用设备信息", "sensitive": False, "canonical": "mac_address"},
        {"text": "通讯录", "category": "联系人信息", "sensitive": True, "canonical": None}]}
    scores = against_item_readings([entry], readings, load())
    # IDFA was not data when read: its going is no loss
    assert (scores.found, scores.missed) == (1, ["p: imei (listed when read)"])


def test_item_readings_count_the_wrong_categories_the_readers_disagree_on():
    from pipeline.measure.item_readings import against_item_readings

    def reading(policy: str, text: str, ok: bool) -> dict:
        return {"policy": policy, "item_text": text, "category": "个人通信信息", "sensitive": False, "item": "right",
                "category_ok": ok, "sensitive_ok": True}

    def entry(policy: str, *texts: str) -> dict:
        return {"id": policy, "data_items": [{"text": t, "category": "个人通信信息", "sensitive": False,
                                              "canonical": {"相册": "album", "短信": "sms"}[t]} for t in texts]}

    readings = [reading("p", "相册", True), reading("q", "相册", False), reading("q", "短信", False)]
    scores = against_item_readings([entry("p", "相册"), entry("q", "相册", "短信")], readings, load())
    # the album's category is right in p and wrong in q: disputed; the SMS's wrong everywhere: not
    assert (dict(scores.category), scores.disputed) == ({"ok": 1, "wrong": 2}, 1)


def test_each_set_of_readings_is_scored_alone_and_a_reading_of_items_only_scores_no_category():
    readings = [
        {"policy": "b", "item_text": "姓名", "category": "个人基本资料", "sensitive": False, "item": "right",
         "category_ok": True, "sensitive_ok": True},
        {"set": "test", "policy": "b", "item_text": "姓名", "category": "个人基本资料", "sensitive": False,
         "item": "cut", "category_ok": None, "sensitive_ok": None}]
    sets = by_set(readings)
    assert list(sets) == ["dev", "test"]  # a line that names no set is dev's
    entry = {"id": "b", "data_items": [{"text": "姓名", "category": "个人基本资料", "sensitive": False,
                                        "canonical": "name"}]}
    test = format_item_readings(against_item_readings([entry], sets["test"], load()), "test")
    assert test == ["items against readings (test): 1 of 1 listed items read (0 not read); right 0, cut wrongly 1, "
                    "not data 0: precision 0.000",
                    "category and sensitivity (test): not judged by these readings",
                    "clear items (test): the readers listed none missed, so no recall"]
    dev = format_item_readings(against_item_readings([entry], sets["dev"], load()), "dev")
    assert dev[1].startswith("category right (dev) 1 of 1") and dev[2] == (
        "clear items (dev): 1 found, 0 missed: recall 1.000")


def test_report_scores_the_items_against_readings(tmp_path, capsys):
    readings = tmp_path / "readings.jsonl"
    readings.write_text(json.dumps({"policy": "b", "item_text": "姓名", "category": "个人基本资料", "sensitive": False,
                                    "item": "right", "category_ok": True, "sensitive_ok": True}, ensure_ascii=False)
                        + "\n", encoding="utf-8")
    code, _ = run_report(tmp_path, str(FIXTURE), extra=("--item-readings", str(readings)))
    assert code == 0
    out = capsys.readouterr().out
    assert "items against readings: 1 of 3 listed items read (2 not read); right 1" in out
    assert "clear items: 3 found, 0 missed: recall 1.000" in out  # 身份证号码, 人脸信息, 姓名
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    code, _ = run_report(tmp_path, str(FIXTURE), extra=("--item-readings", str(tmp_path / "bad.jsonl")))
    assert code == 1 and f"{tmp_path / 'bad.jsonl'}: error: cannot read the readings" in capsys.readouterr().err


SDK_TABLE = """| SDK名称 | 类型 | 开发商 | 收集信息 |
|---|---|---|---|
| 极光推送 | 推送 | 深圳市和讯华谷信息技术有限公司 | 设备信息、IP地址 |
| AR试妆 | 框架 | 北京字节跳动科技有限公司 | 相机 |
"""
SDK_BLOCKS = """我们不会出售您的设备信息。
SDK名称：百度地图SDK
信息类型：位置信息
所属公司：北京百度网讯科技有限公司
SDK名称：微信SDK
信息类型：设备标识信息
"""


def test_each_sdk_of_a_table_or_a_block_is_the_receiver_of_its_items():
    from pipeline.formats.markdown import visible_text
    from pipeline.report.build import report_policy
    from pipeline.report.practices import load_verbs
    from pipeline.report.sdk import SdkLists

    # a Markdown page's table as annotate reads it, the cells parted by tabs, and a text's blocks
    text = visible_text(SDK_TABLE) + "\n" + SDK_BLOCKS
    assert text.splitlines()[1] == "极光推送\t推送\t深圳市和讯华谷信息技术有限公司\t设备信息、IP地址"
    sdks = SdkLists(text)
    assert [name for _, _, name in sdks.stretches] == ["极光推送", "AR试妆", "百度地图SDK", "微信SDK"]
    assert sdks.at(text.index("我们不会出售")) is None  # the table has ended
    assert SdkLists(SDK_TABLE).at(SDK_TABLE.index("相机")) == "AR试妆"  # the table as Markdown's text: cells by |

    spans = [Span(text.index(item), text.index(item) + len(item), "DATA")
             for item in ("设备信息、IP地址", "相机", "位置信息", "设备标识信息")]
    spans.append(Span(text.rindex("设备信息"), text.rindex("设备信息") + 4, "DATA"))  # not sold: no SDK's
    rows = {row["text"]: row["receivers"] for row in
            report_policy(Document("p", text, spans), load(), load_verbs()).entry["data_items"]}
    assert rows == {"设备信息": ["极光推送"], "IP地址": ["极光推送"], "相机": ["AR试妆"], "位置信息": ["百度地图SDK"],
                    "设备标识信息": ["微信SDK"]}
