"""The report's spans made in the pipeline: the decoder's report group, grown by the lexicon
built at initialisation and by lists; saved with the pipeline; read by `report`."""
from __future__ import annotations

import json
from pathlib import Path

import numpy
import spacy
from spacy.tokens import SpanGroup
from spacy.training import Example

from pipeline.cli import main
from pipeline.formats.brackets import parse
from pipeline.gold.docs import blank_pipeline

GOLD = ["[收集]<IMEI>和<MAC地址>。", "我们[收集]您的<IMEI>、<MAC地址>。"]
TEXT = "我们收集您的IMEI、MAC地址，以及手机号码。目录：IMEI"


def report_pipeline():
    nlp = blank_pipeline()
    nlp.add_pipe("privspan_decoder", config={"threshold": 0.5, "report_key": "report", "report_threshold": 0.2})
    nlp.add_pipe("privspan_report_spans", config={"spans_key": "report"})
    return nlp


def examples(nlp):
    out = []
    for n, markup in enumerate(GOLD):
        parsed = parse(markup)
        reference = nlp.make_doc(parsed.text)
        reference.user_data.update({"doc_id": f"gold{n}", "line": 1,
                                    "gold_chars": [(s.start, s.end, s.label) for s in parsed.spans]})
        out.append(Example(nlp.make_doc(parsed.text), reference))
    return out


def predicted(nlp, spans, text=TEXT):
    """The doc as the span categorizer leaves it: `spans` are (text, label, score)."""
    doc = nlp.make_doc(text)
    group = SpanGroup(doc, name="sc", spans=[doc.char_span(text.index(t), text.index(t) + len(t), label=label)
                                             for t, label, _ in spans])
    group.attrs["scores"] = numpy.asarray([[score] for _, _, score in spans], dtype="f")
    doc.spans["sc"] = group
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


def texts(group):
    return [(span.text, span.label_) for span in group]


def test_the_report_group_holds_lower_scores_the_lexicons_items_and_whole_lists(tmp_path: Path):
    nlp = report_pipeline()
    nlp.initialize(lambda: examples(nlp))
    assert nlp.get_pipe("privspan_report_spans").entries == ["MAC地址", "IMEI"]
    doc = predicted(nlp, [("收集", "ACTION", 0.9), ("手机号码", "DATA", 0.3)])
    # the model's spans at its own threshold
    assert texts(doc.spans["sc"]) == [("收集", "ACTION")]
    # the report's: 手机号码 at the lower threshold, IMEI from the lexicon (in the sentence with an
    # ACTION only: not in the table of contents) with MAC地址, and the list they make, grown as lists.py grows it
    assert texts(doc.spans["report"]) == [("收集", "ACTION"), ("您的IMEI、MAC地址", "DATA"), ("IMEI", "DATA"),
                                          ("IMEI、MAC地址", "DATA"), ("MAC地址", "DATA"), ("手机号码", "DATA")]

    # the lexicon is saved with the pipeline, and a plain spacy.load has it
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.get_pipe("privspan_report_spans").entries == ["MAC地址", "IMEI"]
    again = predicted(loaded, [("收集", "ACTION", 0.9), ("手机号码", "DATA", 0.3)])
    assert texts(again.spans["report"]) == texts(doc.spans["report"])


def test_the_lexicon_and_lists_are_settings():
    nlp = blank_pipeline()
    nlp.add_pipe("privspan_decoder", config={"report_key": "report"})
    nlp.add_pipe("privspan_report_spans", config={"lexicon": False, "lists": False})
    nlp.initialize(lambda: examples(nlp))
    doc = predicted(nlp, [("收集", "ACTION", 0.9), ("IMEI", "DATA", 0.9)])
    assert texts(doc.spans["report"]) == texts(doc.spans["sc"]) == [("收集", "ACTION"), ("IMEI", "DATA")]


def test_data_named_as_permissions_are_report_spans_in_a_sentence_that_asks_for_them():
    nlp = blank_pipeline()
    nlp.add_pipe("privspan_decoder", config={"report_key": "report"})
    nlp.add_pipe("privspan_report_spans", config={"lexicon": False})
    nlp.initialize(lambda: examples(nlp))
    text = "我们会请求你授权相机、相册、麦克风权限。你可以开启相机拍照。联系我们：麦克风"
    asked = [("请求", "ACTION", 0.9)]
    # the tagger marked none of them; the words of a sentence that asks for no permission are none
    doc = predicted(nlp, asked, text)
    assert texts(doc.spans["report"]) == [("请求", "ACTION"), ("相机", "DATA"), ("相册", "DATA"), ("麦克风权限", "DATA")]
    # a sentence that says the app reads the device asks as much
    doc = predicted(nlp, [], "我们需要访问您的剪切板，读取其中的分享码。")
    assert texts(doc.spans["report"]) == [("剪切板", "DATA")]
    doc = predicted(nlp, [], "如您选择开启导入通讯录功能，我们会加密。")
    assert texts(doc.spans["report"]) == [("通讯录", "DATA")]
    # photos are the photo permission's data (iOS names it 照片), and so are pictures uploaded
    doc = predicted(nlp, [], "当您上传图片时，我们会申请您设备的照片权限。")
    assert texts(doc.spans["report"]) == [("图片", "DATA"), ("照片", "DATA")]
    # where the tagger marked one, its list grows over the rest as before
    doc = predicted(nlp, [("相册", "DATA", 0.9)], text)
    assert texts(doc.spans["report"]) == [("相机、相册、麦克风权限", "DATA"), ("相册", "DATA")]
    nlp.get_pipe("privspan_report_spans").permissions = False
    # without the permission rule, the canonical items are still a list nothing marked (相册、麦克风
    # 权限, 相机 glued to 授权 before them), grown over the list as a tagger's span is
    doc = predicted(nlp, asked, text)
    assert texts(doc.spans["report"]) == [("请求", "ACTION"), ("相机、相册、麦克风权限", "DATA"), ("相册、麦克风权限", "DATA")]
    nlp.get_pipe("privspan_report_spans").lists = False
    doc = predicted(nlp, asked, text)
    assert texts(doc.spans["report"]) == [("请求", "ACTION")]


def test_annotate_writes_the_report_spans_and_the_report_reads_them(tmp_path: Path, capsys):
    text = "为保障服务运行，我们会收集您的硬件型号、操作系统版本号、IP地址等信息。"
    at = text.index("IP地址")
    record = {"id": "p", "text": text,
              "spans": [{"start": at, "end": at + 4, "label": "DATA", "score": 0.9}],
              # what the pipeline's report group held: here, a lower-scored ACTION and the list
              "report": [{"start": text.index("收集"), "end": text.index("收集") + 2, "label": "ACTION"},
                         {"start": text.index("硬件型号"), "end": at + 4, "label": "DATA"}]}
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["report", str(source), "--out", str(tmp_path / "out"), "--no-lists"]) == 0
    with (tmp_path / "out" / "policies.jsonl").open(encoding="utf-8") as lines:
        (policy,) = [json.loads(line) for line in lines]
    assert [e["text"] for e in policy["data_items"]] == ["硬件型号", "操作系统版本号", "IP地址"]
    # and the items take the action of the report's ACTION span
    assert all(e["actions"] for e in policy["data_items"])

    # a bad report span is a located line and the rest of the record is kept
    record["report"].append({"start": 3, "end": 400, "label": "DATA"})
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["report", str(source), "--out", str(tmp_path / "bad")]) == 1
    err = capsys.readouterr().err
    assert f"{source}:1:" in err and "report[2]" in err
