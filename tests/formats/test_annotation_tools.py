"""Label Studio, doccano and Prodigy: their files written and read, offsets as each tool counts
them (emoji and U+20000 take two UTF-16 code units), bad records one located line each,
convert, corpus and annotate with them, and brackets -> each format -> brackets unchanged."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.formats import brackets, doccano, jsonl, labelstudio, prodigy
from pipeline.formats.registry import format_of
from pipeline.formats.tasks import Offsets
from pipeline.gold.docs import blank_pipeline
from pipeline.records import Document, Span
from pipeline.schema import LABELS, SCHEMES

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAVED = FIXTURES / "pipeline-0.1.0"  # a tiny trained pipeline: annotate without training
PROJECT = SCHEMES["project"]
# 😀 and 𠀀 (U+20000, CJK Extension B) are one code point each, two UTF-16 code units.
TEXT = "我们会收集您的手机号码😀，用于注册𠀀账号。"
SPANS = [Span(0, 2, "ACTOR"), Span(3, 5, "ACTION"), Span(7, 11, "DATA"), Span(13, 20, "CONTEXT")]


@pytest.fixture(scope="module")
def tokenizer():
    return blank_pipeline().tokenizer


def _not_notes(err: str) -> list:
    """stderr's lines less the notes (a corpus of a few documents is a demo's)."""
    return [line for line in err.splitlines() if not line.startswith("note: ")]



def written(export) -> int:
    return sum(len(r.spans) for r in export.documents)


def texts(export) -> list:
    return [[(s.label, r.text[s.start:s.end]) for s in r.spans] for r in export.documents]


def test_utf16_offsets_count_characters_beyond_the_bmp_twice():
    units = Offsets(TEXT, utf16=True)
    assert units.length == len(TEXT.encode("utf-16-le")) // 2 == len(TEXT) + 2
    assert [units.to_tool(i) for i in (11, 12, 17, 18, 21)] == [11, 13, 18, 20, 23]
    assert units.to_index(13) == 12 and units.to_index(20) == 18
    assert units.to_index(12) is None and units.to_index(19) is None  # inside 😀, inside 𠀀
    assert units.to_index(24) is None
    points = Offsets(TEXT)
    assert points.length == len(TEXT) and points.to_index(12) == 12


# Label Studio

def test_labelstudio_export_keeps_the_latest_annotation_that_was_not_cancelled():
    path = FIXTURES / "labelstudio_export.json"
    export = labelstudio.read(path, path.read_text(encoding="utf-8"), PROJECT)
    assert export.problems == [] and export.bad == 0
    # Task 1: two annotators, the later one's four spans (its CONTEXT holds U+20000 after 😀).
    # Task 2: the later annotation was cancelled, so the earlier one counts.
    # Task 3: no annotation. Task 4: an old export in UTF-16 code units, told by value.text.
    assert texts(export) == [
        [("ACTOR", "我们"), ("ACTION", "收集"), ("DATA", "手机号码"), ("CONTEXT", "用于注册𠀀账号")],
        [("CONTEXT", "当您使用快手小店时"), ("ACTOR", "第三方SDK"), ("ACTION", "获取"), ("DATA", "位置信息")],
        [("ACTOR", "我们"), ("ACTION", "收集"), ("DATA", "设备信息")],
    ]
    assert [r.id for r in export.documents] == [
        "labelstudio_export-1", "labelstudio_export-2", "labelstudio_export-4"]
    assert export.skipped == {"no annotation": 1}
    assert export.dropped == {"earlier annotation of the task": 3}
    assert export.read == 14 == written(export) + sum(export.dropped.values())
    assert [r.where for r in export.documents][0] == f"{path}:2:3"


def test_labelstudio_only_cancelled_annotations_skip_the_task():
    tasks = [{"data": {"text": "我们"}, "annotations": [
        {"id": 1, "was_cancelled": True, "result": [_ls_result(0, 2, "我们", "ACTOR")]}]}]
    export = labelstudio.read(Path("x.json"), json.dumps(tasks), PROJECT)
    assert export.documents == [] and export.skipped == {"only cancelled annotations": 1}
    assert export.read == 1 and export.dropped == {"cancelled annotation": 1}


def test_labelstudio_tasks_are_written_in_code_points_with_scores_as_predictions():
    scores = [0.9, 0.8, 0.7, 0.6]
    gold = labelstudio.write(Document("p", TEXT, SPANS))
    predicted = labelstudio.write(Document("p", TEXT, SPANS, dict(zip(SPANS, scores))), "zh_privspan-0.1.0")
    assert gold["data"] == predicted["data"] == {"text": TEXT, "doc_id": "p"}
    [annotation] = gold["annotations"]
    [prediction] = predicted["predictions"]
    assert "predictions" not in gold and "annotations" not in predicted
    assert prediction["model_version"] == "zh_privspan-0.1.0" and prediction["score"] == 0.75
    assert [r["score"] for r in prediction["result"]] == scores
    for result in annotation["result"] + prediction["result"]:
        value = result["value"]
        assert (result["type"], result["from_name"], result["to_name"]) == (
            "labels", labelstudio.FROM_NAME, labelstudio.TO_NAME)
        assert TEXT[value["start"]:value["end"]] == value["text"]
    assert annotation["result"][3]["value"] == {"start": 13, "end": 20, "text": "用于注册𠀀账号",
                                                "labels": ["CONTEXT"]}
    assert len({r["id"] for r in annotation["result"]}) == 4


def test_labelstudio_config_names_match_the_results_and_list_the_schemes_labels():
    for scheme in SCHEMES.values():
        view = ET.fromstring(labelstudio.label_config(scheme.labels))
        assert view.tag == "View"
        [labels] = view.iter("Labels")
        [text] = view.iter("Text")
        assert (labels.get("name"), labels.get("toName")) == (labelstudio.FROM_NAME, labelstudio.TO_NAME)
        assert (text.get("name"), text.get("value")) == (labelstudio.TO_NAME, "$text")
        assert [label.get("value") for label in labels.iter("Label")] == list(scheme.labels)


def _ls_result(start, end, text, label):
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def test_labelstudio_bad_records_are_one_located_line_each_and_good_ones_kept():
    good = {"data": {"text": TEXT}, "annotations": [{"result": [_ls_result(0, 2, "我们", "ACTOR")]}]}
    bad = {"data": {"text": TEXT}, "annotations": [{"result": [
        _ls_result(0, 2, "我们", "ACTOR"),
        _ls_result(20, 99, "。", "DATA"),
        _ls_result(3, 5, "收集", "PURPOSE"),
        _ls_result(7, 11, "手机", "DATA"),
        {"type": "choices", "value": {"choices": ["ok"]}},
    ]}]}
    no_text = {"data": {"html": "<p>我们</p>"}, "annotations": [{"result": [_ls_result(0, 2, "我们", "ACTOR")]}]}
    content = labelstudio.tasks_json([good, bad, no_text])
    export = labelstudio.read(Path("export.json"), content, PROJECT)
    assert [str(p) for p in export.problems] == [
        "export.json:3:1: error: bad-span: task 2: annotations[0].result[1].value.end 99 is past "
        "the text (21 characters)",
        "export.json:3:1: error: bad-label: task 2: annotations[0].result[2].value.labels[0] "
        "'PURPOSE' is not a label of the project scheme (ACTOR, ACTION, DATA, CONTEXT)",
        "export.json:3:1: error: bad-span: task 2: annotations[0].result[3].value.text '手机' "
        "but the text has '手机号码' at annotations[0].result[3].value.start..annotations[0]."
        "result[3].value.end 7..11",
        "export.json:4:1: error: bad-record: task 3: data.text (a string) is missing: the task "
        "has no text",
    ]
    assert texts(export) == [[("ACTOR", "我们")], [("ACTOR", "我们")]]
    assert export.bad == 4
    assert export.read == 7 == written(export) + sum(export.dropped.values())
    assert export.dropped == {"bad offsets": 1, "unknown label": 1, "text disagrees with offsets": 1,
                              "not a text span (choices)": 1, "task without text": 1}


def test_labelstudio_file_that_is_not_a_list_is_one_line():
    export = labelstudio.read(Path("e.json"), '{"data": {}}', PROJECT)
    assert [str(p) for p in export.problems] == [
        "e.json:1:1: error: bad-record: a JSON list of tasks expected"]
    export = labelstudio.read(Path("e.json"), '[{"data": {"text": "a"}},\n {"data"', PROJECT)
    assert [str(p) for p in export.problems] == [
        "e.json:2:9: error: bad-record: not JSON: Expecting ':' delimiter"]
    assert len(export.skipped) == 1  # the task before the break is still read


# doccano

def test_doccano_export_reads_label_older_labels_and_entities_in_utf16_units():
    path = FIXTURES / "doccano_export.jsonl"
    export = doccano.read(path, path.read_text(encoding="utf-8"), PROJECT)
    assert export.problems == []
    assert texts(export) == [
        [("ACTOR", "我们"), ("ACTION", "收集"), ("DATA", "手机号码"), ("CONTEXT", "用于注册𠀀账号")],
        [("CONTEXT", "当您使用快手小店时"), ("ACTOR", "第三方SDK"), ("ACTION", "获取"), ("DATA", "位置信息")],
        [("ACTOR", "我们"), ("ACTION", "共享"), ("DATA", "设备信息")],
    ]
    assert [r.id for r in export.documents] == [
        "doccano_export-12", "doccano_export-5", "doccano_export-13"]
    assert export.read == written(export) == 11


def test_doccano_lines_are_written_in_utf16_units():
    line = json.loads(doccano.write(Document("p", TEXT, SPANS)))
    assert line == {"text": TEXT, "doc_id": "p",
                    "label": [[0, 2, "ACTOR"], [3, 5, "ACTION"], [7, 11, "DATA"], [14, 22, "CONTEXT"]]}
    utf16 = TEXT.encode("utf-16-le")
    assert utf16[14 * 2:22 * 2].decode("utf-16-le") == "用于注册𠀀账号"


def test_doccano_bad_lines_are_one_located_line_each_and_good_ones_kept():
    content = "\n".join([
        json.dumps({"text": TEXT, "label": [[0, 2, "ACTOR"], [12, 13, "DATA"], [3, 5, "WHO"]]}),
        "{not json",
        json.dumps({"label": [[0, 2, "ACTOR"]]}),
        json.dumps({"text": "我们", "entities": [{"start_offset": 0, "end_offset": 2, "label": "ACTOR"},
                                                 [0, 2, "ACTOR"]]}),
    ])
    export = doccano.read(Path("d.jsonl"), content, PROJECT)
    assert [str(p) for p in export.problems] == [
        "d.jsonl:1:1: error: bad-span: label[1][0] 12 falls between the two UTF-16 code units "
        "of one character",
        "d.jsonl:1:1: error: bad-label: label[2][2] 'WHO' is not a label of the project scheme "
        "(ACTOR, ACTION, DATA, CONTEXT)",
        "d.jsonl:2:1: error: bad-record: not JSON: Expecting property name enclosed in double "
        "quotes (column 2)",
        "d.jsonl:3:1: error: bad-record: text (a string) is missing: the line has no text",
        "d.jsonl:4:1: error: bad-record: entities[1] is not an object with start_offset, "
        "end_offset, label",
    ]
    assert texts(export) == [[("ACTOR", "我们")], [("ACTOR", "我们")]]
    assert export.read == 6 == written(export) + sum(export.dropped.values())


# Prodigy

def test_prodigy_export_keeps_accepted_tasks_only():
    path = FIXTURES / "prodigy_export.jsonl"
    export = prodigy.read(path, path.read_text(encoding="utf-8"), PROJECT)
    assert export.problems == []
    assert texts(export) == [
        [("ACTOR", "我们"), ("ACTION", "收集"), ("DATA", "手机号码"), ("CONTEXT", "用于注册𠀀账号")]]
    assert export.documents[0].id == "kuaishou-1"
    assert export.skipped == {"rejected task": 1, "ignored task": 1}
    assert export.read == 6 and export.dropped == {"rejected task": 2}


def test_prodigy_tokens_are_jiebas_cut_at_span_edges(tokenizer):
    text = "提供手机号码 a b"
    assert [t.text for t in tokenizer(text)] == ["提供", "手机号码", "a", "b"]
    # DATA on 手机 cuts 手机号码; ACTOR on "a " takes the space after "a" as a token of its own,
    # while the space after 号码, where CONTEXT ends, stays with 号码.
    spans = [Span(2, 4, "DATA"), Span(7, 9, "ACTOR"), Span(0, 6, "CONTEXT")]
    # a model's spans (scored): a draft, not an accepted answer
    task = json.loads(prodigy.write(Document("p", text, spans, {s: 0.9 for s in spans}), tokenizer))
    tokens = task["tokens"]
    assert [(t["text"], t["ws"]) for t in tokens] == [
        ("提供", False), ("手机", False), ("号码", True), ("a", False), (" ", False), ("b", False)]
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == text
    assert all(t["id"] == i and text[t["start"]:t["end"]] == t["text"] for i, t in enumerate(tokens))
    assert [(s["token_start"], s["token_end"]) for s in task["spans"]] == [(1, 1), (3, 4), (0, 2)]
    assert "answer" not in task and task["meta"] == {"doc_id": "p"}
    for span in task["spans"]:
        assert span["start"] == tokens[span["token_start"]]["start"]
        assert span["end"] == tokens[span["token_end"]]["end"]


def test_prodigy_bad_spans_are_one_located_line_each(tokenizer):
    content = "\n".join([
        json.dumps({"text": "我们收集", "answer": "accept", "spans": [
            {"start": 0, "end": 2, "label": "ACTOR"}, {"start": 2, "end": 9, "label": "ACTION"},
            {"start": 2, "end": 4, "label": "ACTION", "text": "收"}]}),
        json.dumps({"answer": "accept", "spans": []}),
    ])
    export = prodigy.read(Path("p.jsonl"), content, PROJECT)
    assert [str(p) for p in export.problems] == [
        "p.jsonl:1:1: error: bad-span: spans[1].end 9 is past the text (4 characters)",
        "p.jsonl:1:1: error: bad-span: spans[2].text '收' but the text has '收集' at "
        "spans[2].start..spans[2].end 2..4",
        "p.jsonl:2:1: error: bad-record: text (a string) is missing: the task has no text",
    ]
    assert texts(export) == [[("ACTOR", "我们")]]


# Which format a file holds

def test_the_registry_tells_the_formats_apart(tmp_path):
    def told(name: str, content: str):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        found = format_of(path)
        return found.name if found else None

    lines = {
        "prodigy": prodigy.write(Document("p", TEXT, SPANS), blank_pipeline().tokenizer),
        "doccano": doccano.write(Document("p", TEXT, SPANS)),
        "jsonl": jsonl.write(Document("p", TEXT, SPANS)),
    }
    for fmt, line in lines.items():
        assert told("x.jsonl", "not json\n" + line + "\n") == fmt
    assert told("x.json", labelstudio.tasks_json([labelstudio.write(Document("p", TEXT, SPANS))])) == "labelstudio"
    assert told("x.txt", "(我们)") == "brackets"
    assert told("x.json", "{}") is None and told("x.jsonl", '{"text": "a"}') is None
    for name in ("labelstudio_export.json", "doccano_export.jsonl", "prodigy_export.jsonl"):
        assert format_of(FIXTURES / name).name == name.split("_")[0]


# brackets -> each format -> brackets

_CHARS = st.one_of(st.sampled_from(list("我们收集手机号码😀𠀀 \n\t\\()[]<>{}ab，。")),
                   st.characters(blacklist_categories=("Cs",)))


@st.composite
def documents(draw):
    """A text and a set of spans that brackets can write: nested, never crossing."""
    text = draw(st.text(_CHARS, max_size=40))
    n = len(text)
    raw = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n), st.sampled_from(LABELS)), max_size=12))
    spans = [Span(min(a, b), max(a, b), label) for a, b, label in raw]
    kept, _ = brackets.writable(text, sorted(set(spans)))
    return text, sorted(kept)


def _through(fmt, text, spans, tokenizer):
    if fmt == "labelstudio":
        return labelstudio.read(Path("t.json"), labelstudio.tasks_json([labelstudio.write(Document("d", text, spans))]), PROJECT)
    if fmt == "doccano":
        return doccano.read(Path("t.jsonl"), doccano.write(Document("d", text, spans)), PROJECT)
    if fmt == "prodigy":
        return prodigy.read(Path("t.jsonl"), prodigy.write(Document("d", text, spans), tokenizer), PROJECT)
    return jsonl.read(Path("t.jsonl"), jsonl.write(Document("d", text, spans)), PROJECT)


@settings(max_examples=150, deadline=None)
@given(documents())
@example(("\ufeff", []))  # a text's own U+FEFF, not the file's BOM
def test_brackets_through_each_format_come_back_unchanged(tokenizer, document):
    text, spans = document
    markup, left_out = brackets.render(text, spans)
    assert left_out == []
    parsed = brackets.parse(markup)
    assert (parsed.text, parsed.spans) == (text, spans)
    for fmt in ("labelstudio", "doccano", "prodigy", "jsonl"):
        export = _through(fmt, parsed.text, parsed.spans, tokenizer)
        assert export.problems == [], fmt
        [record] = export.documents
        assert record.id == "d"
        assert brackets.render(record.text, record.spans)[0] == markup, fmt


# The commands

def test_convert_round_trips_the_seed_through_each_tool(run, tmp_path, capsys):
    seed = Path(__file__).resolve().parents[2] / "corpus" / "seed_kuaishou.txt"
    code, expected, _ = run("convert", seed, "--to", "brackets")
    assert code == 0
    for fmt, suffix in (("labelstudio", ".json"), ("doccano", ".jsonl"), ("prodigy", ".jsonl")):
        out = tmp_path / fmt / f"seed{suffix}"
        assert run("convert", seed, "--to", fmt, "--out", out)[0] == 0
        code, back, err = run("convert", out, "--to", "brackets")
        assert (code, err) == (0, "") and back == expected, fmt
        assert run("convert", out, "--from", fmt, "--to", "brackets")[1] == expected
    config = ET.parse(tmp_path / "labelstudio" / labelstudio.CONFIG_NAME).getroot()
    assert [label.get("value") for label in config.iter("Label")] == LABELS


def test_convert_reports_bad_records_and_writes_the_good_ones(run, tmp_path, capsys):
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps({"text": "我们", "label": [[0, 2, "ACTOR"], [0, 5, "DATA"]]}) + "\n"
                      + json.dumps({"text": "收集", "label": [[0, 2, "ACTION"]]}) + "\n", encoding="utf-8")
    code, out, err = run("convert", export, "--to", "jsonl")
    assert code == 1
    assert err.splitlines() == [
        f"{export}:1:1: error: bad-span: label[1][1] 5 is past the text (2 UTF-16 code units)"]
    assert [(r["text"], r["spans"]) for r in map(json.loads, out.splitlines())] == [
        ("我们", [{"start": 0, "end": 2, "label": "ACTOR", "text": "我们"}]),
        ("收集", [{"start": 0, "end": 2, "label": "ACTION", "text": "收集"}])]
    unknown = tmp_path / "x.json"
    unknown.write_text("{}", encoding="utf-8")
    code, _, err = run("convert", unknown, "--to", "jsonl")
    assert code == 1 and err == f"{unknown}: error: cannot tell its format from its suffix and content; give its format\n"


def test_convert_notes_skipped_tasks(run, capsys):
    code, out, err = run("convert", FIXTURES / "prodigy_export.jsonl", "--to", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1
    path = FIXTURES / "prodigy_export.jsonl"
    assert err.splitlines() == [f"{path}: note: 1 task(s) skipped: ignored task",
                                f"{path}: note: 1 task(s) skipped: rejected task"]


def test_corpus_from_each_tools_export_adds_up(run, tmp_path, capsys):
    for name, fmt, read, written, dropped, skipped in (
            ("labelstudio_export.json", "labelstudio", 14, 11, "; earlier annotation of the task: 3",
             "tasks skipped: 1; no annotation: 1"),
            ("doccano_export.jsonl", "doccano", 11, 11, "", None),
            ("prodigy_export.jsonl", "prodigy", 6, 4, "; rejected task: 2",
             "tasks skipped: 2; ignored task: 1; rejected task: 1")):
        for given_format in ("auto", fmt):
            code, out, err = run("corpus", FIXTURES / name, "--format", given_format,
                                 "--out", tmp_path / given_format / fmt, "--dev", "0")
            assert (code, _not_notes(err)) == (0, []), name
            assert f"annotations read: {read} = written {written} + dropped {read - written}{dropped}\n" in out
            assert (skipped in out.splitlines()) if skipped else "tasks skipped" not in out


def test_corpus_with_bad_records_keeps_the_good_ones_and_exits_1(run, tmp_path, capsys):
    export = tmp_path / "export.json"
    good = {"data": {"text": "我们收集您的手机号码"}, "annotations": [{"result": [_ls_result(0, 2, "我们", "ACTOR")]}]}
    bad = {"data": {"text": "我们收集您的手机号码"}, "annotations": [{"result": [
        _ls_result(2, 4, "收集", "ACTION"), _ls_result(6, 99, "手机号码", "DATA")]}]}
    export.write_text(labelstudio.tasks_json([good, bad]), encoding="utf-8")
    code, out, err = run("corpus", export, "--format", "labelstudio", "--out", tmp_path / "c",
                         "--dev", "0")
    assert code == 1
    assert _not_notes(err) == [f"{export}:3:1: error: bad-span: task 2: annotations[0].result[1]."
                                "value.end 99 is past the text (10 characters)"]
    assert "annotations read: 3 = written 2 + dropped 1; bad offsets: 1" in out
    assert "problems: 1 error(s), 0 warning(s)" in out
    code, _, err = run("corpus", export, "--format", "labelstudio", "--labels", "ca4p",
                       "--out", tmp_path / "d", "--dev", "0")
    assert "'ACTOR' is not a label of the ca4p scheme" not in err  # ACTOR is one of the seven
    assert "'ACTION' is not a label of the ca4p scheme" in err


def test_corpus_says_which_files_it_cannot_tell_apart(run, tmp_path, capsys):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "我们"}\n', encoding="utf-8")
    code, _, err = run("corpus", path, "--out", tmp_path / "c")
    assert code == 1
    assert err.splitlines()[0] == (f"{path}: error: cannot tell its format from its suffix and content; "
                                   "give its format")


def test_corpus_reads_the_projects_own_jsonl(run, tmp_path, capsys):
    """What `convert --to jsonl` and `annotate --format jsonl` write is gold to `corpus`."""
    seed = Path(__file__).resolve().parents[2] / "corpus" / "seed_kuaishou.txt"
    gold = tmp_path / "seed.jsonl"
    assert run("convert", seed, "--to", "jsonl", "--out", gold)[0] == 0
    for given_format in ("auto", "jsonl"):
        code, out, err = run("corpus", gold, "--format", given_format, "--out",
                             tmp_path / given_format, "--dev", "0")
        assert (code, _not_notes(err)) == (0, [])
        assert "annotations read: 124 = written 124 + dropped 0" in out


def test_convert_rejects_spans_outside_the_text_and_unknown_labels(run, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "我们收", "spans": [
        {"start": 2, "end": 9, "label": "NOPE"}, {"start": 0, "end": 2, "label": "NOPE"},
        {"start": 0, "end": 2, "label": "ACTOR", "text": "我们"}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    code, out, err = run("convert", path, "--to", "labelstudio")
    assert code == 1
    assert err.splitlines() == [
        f"{path}:1:1: error: bad-span: a: spans[0].end 9 is past the text (3 characters)",
        f"{path}:1:1: error: bad-label: a: spans[1].label 'NOPE' is not a label of the project "
        "scheme (ACTOR, ACTION, DATA, CONTEXT)"]
    [task] = json.loads(out)
    assert [r["value"]["labels"] for r in task["annotations"][0]["result"]] == [["ACTOR"]]


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "policy.txt"
    path.write_text("我们会收集您的手机号码😀和𠀀位置信息，用于注册。\n第三方SDK会获取您的设备信息。\n",
                    encoding="utf-8")
    return path


def test_annotate_for_labelstudio_writes_scored_predictions_and_the_config(run, policy, tmp_path, capsys):
    out = tmp_path / "out"
    # The saved pipeline is tiny: its scores are low, so a low threshold keeps some spans.
    code, _, err = run("annotate", SAVED, policy, "--format", "labelstudio", "--out", out,
                       "--threshold", "0.1", "--quiet")
    assert (code, err) == (0, "")
    [task] = json.loads((out / "policy.json").read_text(encoding="utf-8"))
    assert task["data"] == {"text": policy.read_text(encoding="utf-8"), "doc_id": "policy"}
    [prediction] = task["predictions"]
    assert prediction["result"] and prediction["model_version"].endswith("-0.0.0")
    for result in prediction["result"]:
        value = result["value"]
        assert task["data"]["text"][value["start"]:value["end"]] == value["text"]
        assert 0.1 <= result["score"] <= 1
    config = ET.parse(out / labelstudio.CONFIG_NAME).getroot()
    assert [label.get("value") for label in config.iter("Label")] == LABELS
    # Read back before anyone corrects it, the draft is no annotation.
    export = labelstudio.read(out / "policy.json", (out / "policy.json").read_text(encoding="utf-8"), PROJECT)
    assert export.documents == [] and export.skipped == {"predictions only, no annotation": 1}
    # stdout gets the tasks as one JSON list, and no config
    code, stdout, _ = run("annotate", SAVED, policy, "--format", "labelstudio", "--threshold", "0.1")
    assert json.loads(stdout) == [task]


def test_annotate_for_doccano_and_prodigy_writes_the_spans_to_correct(run, policy, tmp_path, capsys):
    code, out, _ = run("annotate", SAVED, policy, "--format", "jsonl", "--threshold", "0.1")
    expected = {(s["start"], s["end"], s["label"]) for s in json.loads(out)["spans"]}
    assert expected
    for fmt in ("doccano", "prodigy"):
        code, out, err = run("annotate", SAVED, policy, "--format", fmt, "--threshold", "0.1",
                             "--out", tmp_path / fmt, "--quiet")
        assert (code, err) == (0, "")
        content = (tmp_path / fmt / "policy.jsonl").read_text(encoding="utf-8")
        if fmt == "prodigy":  # not yet answered: accepted once corrected in Prodigy
            content = content.replace('"spans":', '"answer": "accept", "spans":')
        export = (doccano if fmt == "doccano" else prodigy).read(Path("x.jsonl"), content, PROJECT)
        assert export.problems == []
        assert {(s.start, s.end, s.label) for s in export.documents[0].spans} == expected
