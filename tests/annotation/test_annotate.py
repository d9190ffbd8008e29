"""privspan annotate: exact text round trips, offsets, encodings, HTML and Markdown in, HTML out,
bad input."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pipeline.cli import annotate as annotate_module
from pipeline.annotation.predict import pieces
from pipeline.measure.benchmark import synthetic_policy
from pipeline.cli import main
from pipeline.formats.html import visible_text
from pipeline.formats.brackets import parse

ROOT = Path(__file__).resolve().parents[2]
# Markup characters, a backslash, CRLF line ends and a blank line: all must come back as is.
TEXT = ("我们会收集您的手机号码(用于注册)和<设备信息>，以及 a\\b [x] {y}。\r\n"
        "\r\n"
        "第三方SDK会获取您的位置信息；\r\n")


@pytest.fixture(scope="session")
def model(tiny_model: Path) -> Path:
    """The smoke-trained pipeline: weak, but a real one."""
    return tiny_model


@pytest.fixture(scope="session")
def loaded(model):
    return annotate_module.load_pipeline(str(model))


@pytest.fixture(autouse=True)
def loaded_once(loaded, load_once):
    load_once(loaded, annotate_module)



def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_brackets_round_trip_exactly_and_agree_with_jsonl(run, model, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    source = tmp_path / "in" / "policy.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    # Threshold 0 keeps every candidate: many nested and crossing spans to write.
    code, _, err = run("annotate", model, source, "--out", tmp_path / "out", "--threshold", "0",
                       "--verbose", "--quiet")
    assert code == 0
    markup = (tmp_path / "out" / "policy.txt").read_bytes().decode("utf-8")
    parsed = parse(markup)
    assert parsed.text == TEXT
    assert parsed.problems == []
    code, out, _ = run("annotate", model, source, "--format", "jsonl", "--threshold", "0")
    spans = {(s["start"], s["end"], s["label"]) for s in records(out)[0]["spans"]}
    written = {(s.start, s.end, s.label) for s in parsed.spans}
    assert written and written <= spans
    left_out = len(spans) - len(written)  # crossing ones cannot be brackets
    assert left_out > 0
    assert f"{source}: {left_out} span(s) left out: they cross a higher-scored span, " \
           "which brackets cannot write" in err.splitlines()


def test_jsonl_offsets_index_the_text_as_read(run, model, tmp_path, capsys):
    source = tmp_path / "policy.txt"
    source.write_bytes(TEXT.encode("utf-8"))
    code, out, _ = run("annotate", model, source, "--format", "jsonl", "--threshold", "0")
    [record] = records(out)
    assert code == 0
    assert record["id"] == "policy"
    assert record["text"] == TEXT
    assert record["spans"]
    for span in record["spans"]:
        piece = TEXT[span["start"]:span["end"]]
        assert span["text"] == piece == piece.strip()
        assert "\n" not in piece
        assert 0.0 <= span["score"] <= 1.0
        assert span["label"] in {"ACTOR", "ACTION", "DATA", "CONTEXT"}
    assert record["spans"] == sorted(record["spans"], key=lambda s: (s["start"], s["end"], s["label"]))


def test_threshold_overrides_the_pipeline(run, model, tmp_path, capsys):
    source = tmp_path / "policy.txt"
    source.write_text(TEXT, encoding="utf-8")
    every = records(run("annotate", model, source, "--format", "jsonl", "--threshold", "0")[1])[0]["spans"]
    # Halfway between two neighbouring scores near the median, so rounding cannot blur it.
    scores = sorted({s["score"] for s in every})
    threshold = (scores[len(scores) // 2] + scores[len(scores) // 2 + 1]) / 2
    kept = records(run("annotate", model, source, "--format", "jsonl", "--threshold", threshold)[1])[0]["spans"]
    assert 0 < len(kept) < len(every)
    assert kept == [s for s in every if s["score"] > threshold]


def test_gb18030_and_bom_inputs(run, model, tmp_path, capsys):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(TEXT.encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(TEXT.encode("utf-8-sig"))
    code, out, err = run("annotate", model, gbk, bom, "--format", "jsonl", "--verbose", "--quiet")
    assert code == 0
    assert [r["text"] for r in records(out)] == [TEXT, TEXT]
    assert f"{gbk}: encoding gb18030" in err.splitlines()
    assert f"{bom}: encoding utf-8-sig" in err.splitlines()


PAGE = """<!DOCTYPE html><html><head><title>标题</title><style>p { color: red }</style></head>
<body><h1>隐私  政策</h1><!-- 注释 -->
<p>我们会 &lt;收集&gt;
   您的&amp;信息<br>以及&nbsp;位置</p><script>document.write("<p>收集</p>")</script>
<ul><li>姓名</li><li>手机号</li></ul></body></html>"""
PAGE_TEXT = "隐私 政策\n我们会 <收集> 您的&信息\n以及\xa0位置\n姓名\n手机号"


def test_visible_text_of_html():
    assert visible_text(PAGE) == PAGE_TEXT
    assert visible_text("<pre>  a\n   b</pre><p>c</p>") == "  a\n   b\nc"


def test_html_input_annotates_the_visible_text(run, model, tmp_path, capsys):
    source = tmp_path / "page.html"
    source.write_text(PAGE, encoding="utf-8")
    code, out, _ = run("annotate", model, source, "--format", "jsonl")
    assert code == 0
    assert records(out)[0]["text"] == PAGE_TEXT


MARKDOWN = ("\ufeff---\r\ntitle: 隐私政策\r\n---\r\n# 隐私政策\r\n\r\n"
            "我们会**收集**您的[手机号码](https://example.com)<br>以及位置\r\n\r\n"
            "| 信息 | 用途 |\r\n|---|---|\r\n| 位置 | 导航 |\r\n")
MARKDOWN_TEXT = "隐私政策\n我们会收集您的手机号码\n以及位置\n信息\t用途\n位置\t导航"


def test_markdown_input_annotates_the_visible_text(run, model, tmp_path, capsys):
    source = tmp_path / "policy.md"
    source.write_bytes(MARKDOWN.encode("gb18030"))
    code, out, _ = run("annotate", model, source, "--format", "jsonl", "--threshold", "0")
    [record] = records(out)
    assert code == 0
    assert record["id"] == "policy" and record["text"] == MARKDOWN_TEXT
    assert all(MARKDOWN_TEXT[s["start"]:s["end"]] == s["text"] for s in record["spans"])


def test_markdown_files_in_folders_are_read(run, model, tmp_path, capsys):
    (tmp_path / "app" / "docs").mkdir(parents=True)
    (tmp_path / "app" / "docs" / "privacy.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "app" / "PRIVACY.markdown").write_text("# 政策\n\n- 姓名\n- 手机号\n", encoding="utf-8")
    (tmp_path / "app" / "notes.txt").write_text("我们收集信息\n", encoding="utf-8")
    code, out, _ = run("annotate", model, tmp_path / "app", "--format", "jsonl")
    assert code == 0
    assert [(r["id"], r["text"]) for r in records(out)] == [
        ("PRIVACY", "政策\n姓名\n手机号"), ("privacy", MARKDOWN_TEXT), ("notes", "我们收集信息\n")]


def test_html_output_escapes_the_policy(run, model, tmp_path, capsys):
    source = tmp_path / "x.jsonl"
    text = "第三方SDK <script>alert('收集')</script> & 信息\n我们会收集您的手机号码。"
    source.write_text(json.dumps({"id": "<i>p</i>", "text": text}), encoding="utf-8")
    code, out, _ = run("annotate", model, source, "--format", "html", "--threshold", "0.1", "--quiet")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in out
    assert "<script>" not in out
    assert "&lt;script&gt;alert('收集')&lt;/script&gt;" in out
    assert " &amp; " in out
    assert "<h2>&lt;i&gt;p&lt;/i&gt;</h2>" in out
    assert '<div class="text"' in out and 'class="legend"' in out
    assert "<title>x.jsonl</title>" in out and str(tmp_path) not in out  # the file's name, not its path


def test_out_dir_names_one_file_per_input(run, model, tmp_path, capsys, monkeypatch):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a" / "page.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "a" / "docs.jsonl").write_text(
        json.dumps({"id": 1, "text": "我们收集信息"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "b", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("gb18030"))))
    out = tmp_path / "out"
    code, stdout, _ = run("annotate", model, tmp_path / "a", tmp_path / "b" / "same.txt", "-",
                          "--format", "jsonl", "--out", out, "--quiet")
    assert code == 0 and stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "docs.jsonl", "page.jsonl", "same-2.jsonl", "same.jsonl", "stdin.jsonl"]
    assert [r["id"] for r in records((out / "docs.jsonl").read_text(encoding="utf-8"))] == ["1", "b"]
    assert records((out / "stdin.jsonl").read_text(encoding="utf-8"))[0]["text"] == TEXT


def test_stdin_to_stdout_round_trips(run, model, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8-sig"))))
    code, out, err = run("annotate", model, "-", "--threshold", "0.3")
    assert code == 0 and err == ""
    assert parse(out).text == TEXT


# Spans nested and side by side, and escaped brackets: literal text that must stay escaped.
MARKUP = ("当{您注册时}，(我们)会[收集]您的<手机号码>\\(以下简称\\[账号\\]\\)。\r\n"
          "\r\n"
          "(第三方SDK)会[获取]<您的{位置}信息>；\r\n")


def test_markup_input_annotates_the_clean_text(run, model, tmp_path, capsys):
    source = tmp_path / "gold.txt"
    source.write_text(MARKUP, encoding="utf-8")
    clean = parse(MARKUP).text
    assert parse(MARKUP).problems == [] and "\\" not in clean
    code, _, err = run("annotate", model, source, "--markup-input", "--threshold", "0", "--out",
                       tmp_path / "out", "--quiet")
    assert code == 0 and err == ""
    markup = (tmp_path / "out" / "gold.txt").read_bytes().decode("utf-8")
    assert parse(markup).text == clean
    # Only the brackets that are text in the input come back escaped.
    assert markup.count("\\") == MARKUP.count("\\") == 4
    assert parse(markup).spans
    code, out, _ = run("annotate", model, source, "--markup-input", "--format", "jsonl")
    assert code == 0 and records(out)[0]["text"] == clean
    # Without the flag the markup is the text to annotate, brackets and backslashes too.
    code, out, _ = run("annotate", model, source, "--format", "jsonl")
    assert code == 0 and records(out)[0]["text"] == MARKUP


def test_markup_problems_are_located_lines_and_nothing_is_skipped(run, model, tmp_path, capsys,
                                                                   monkeypatch):
    seed = ROOT / "corpus" / "seed_kuaishou.txt"
    gold = parse(seed.read_text(encoding="utf-8"), str(seed))
    assert gold.errors and len(gold.problems) > len(gold.errors)  # an error and warnings
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "j", "text": "向我们[提供]信息"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("我们(收集]信息".encode("utf-8"))))
    code, out, err = run("annotate", model, seed, "-", other, "--markup-input", "--format", "jsonl",
                         "--quiet")
    assert code == 0
    assert err.splitlines() == [str(p) for p in gold.problems] + [
        "<stdin>:1:3: error: unclosed: '(' (ACTOR) is not closed before the end of the line; kept as text",
        "<stdin>:1:6: warning: stray: ']' does not close the innermost open bracket ('('); kept as text",
    ]
    assert [r["text"] for r in records(out)] == [gold.text, "我们(收集]信息", "向我们[提供]信息"]


def test_output_never_overwrites_its_input(run, model, tmp_path, capsys):
    source = tmp_path / "policy.txt"
    source.write_text(TEXT, encoding="utf-8")
    code, _, err = run("annotate", model, source, "--out", tmp_path)
    assert code == 1
    assert err.splitlines() == [f"{source}: error: the output {source} would overwrite the input; "
                                "choose another --out folder"]
    assert source.read_bytes() == TEXT.encode("utf-8")


def test_bad_inputs_are_one_line_each_and_good_ones_still_written(run, model, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"PK\x03\x04\x00\x00")
    undecodable = tmp_path / "latin.txt"
    undecodable.write_bytes(b"caf\xe9 \xff\xfe")
    empty = tmp_path / "empty.txt"
    empty.write_text(" \r\n\n", encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": "ok", "text": "我们收集信息"}\n{"id": "x", "text": \n["list"]\n'
                     '{"id": "blank", "text": "  "}\n{"text": "no id"}\n', encoding="utf-8")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out"
    code, _, err = run("annotate", model, binary, good, missing, undecodable, empty, lines,
                       "--format", "jsonl", "--out", out, "--quiet")
    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"{binary}: error: binary file (NUL bytes), not text",
        f"{missing}: error: no such file or folder",
        f"{undecodable}: error: undecodable bytes at byte 3 (neither UTF-8 nor GB18030)",
        f"{empty}: error: empty document, nothing to annotate",
        f"{lines}:2: error: bad JSONL line: Expecting value (column 21)",
        f'{lines}:3: error: bad JSONL record: needs an "id" (string or number) and a "text" (string)',
        f"{lines}:4 (id blank): error: empty document, nothing to annotate",
        f'{lines}:5: error: bad JSONL record: needs an "id" (string or number) and a "text" (string)',
    ]
    assert sorted(p.name for p in out.iterdir()) == ["good.jsonl", "lines.jsonl"]
    assert records((out / "good.jsonl").read_text(encoding="utf-8"))[0]["text"] == TEXT
    assert [r["id"] for r in records((out / "lines.jsonl").read_text(encoding="utf-8"))] == ["ok"]


def test_a_missing_model_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.undo()  # the real loader
    code = main(["annotate", str(tmp_path / "no-model"), str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 1
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{tmp_path / 'no-model'}: error: cannot load the pipeline: ")


def test_long_paragraphs_are_cut_at_sentence_ends():
    sentence = "我们会收集您的手机号码。"  # 12 characters
    line = sentence * 200
    text = "前言\r\n\n" + line + "\n"
    cut = list(pieces(text, max_chars=100))
    assert cut[0] == (0, "前言\r")
    assert all(len(piece) <= 100 and piece.endswith("。") for _, piece in cut[1:])
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in cut)
    assert "".join(piece for _, piece in cut[1:]) == line
    assert [len(p) for _, p in pieces("字" * 250, max_chars=100)] == [100, 100, 50]


def test_two_processes_give_the_same_spans(run, model, tmp_path, capsys):
    source = tmp_path / "policy.txt"
    source.write_text(TEXT * 3, encoding="utf-8")
    one = run("annotate", model, source, "--format", "jsonl", "--threshold", "0")[1]
    two = run("annotate", model, source, "--format", "jsonl", "--threshold", "0",
              "--n-process", "2", "--batch-size", "2")[1]
    assert records(two) == records(one) and records(one)[0]["spans"]


def test_benchmark_reports_every_figure(model, tmp_path, capsys):
    text = tmp_path / "policy.txt"
    text.write_text(TEXT * 20, encoding="utf-8")
    code = main(["benchmark", str(model), str(text), "--policy-mb", "0.01", "--profile", "--repeat", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"texts: 1 (1 given document(s)), {len(TEXT) * 20:,} characters" in out
    assert "best of 2 round(s) each" in out
    for figure in ("jieba segmentation alone", "annotate, 1 process", "annotate, --n-process 2",
                   "1 process / jieba", "2 processes / 1 process", "spancat predict"):
        assert figure in out
    policy = synthetic_policy([TEXT * 20], 0.01)
    assert 9_996 < len(policy.encode("utf-8")) <= 10_000
    assert f"0.01 MB policy, 1 process : {len(policy):,} characters in " in out
