"""CA4P-483 reader: conservation of annotation records, offsets, and located problems."""
from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.formats.ca4p import Ca4pResult, is_ca4p_folder, read_ca4p
from pipeline.problems import InputError
from pipeline.schema import CA4P_CLASSES, get_scheme
from pipeline.records import Span, split_units

# ---------------------------------------------------------------- a small hand-made pool

HEAD = '<!DOCTYPE html >\n<html class="anndoc">\n  <body>\n'
# Entities in the text make sure offsets count unescaped characters.
TEXT = "我们收集您的手机号&邮箱<地址>。\n我们可能与第三方共享\n您的位置，以便改进服务。\n"


def page(*blocks: str) -> str:
    pres = "".join(f'    <pre id="s1v{i}">{html.escape(b, quote=False)}</pre>\n'
                   for i, b in enumerate(blocks))
    return HEAD + pres + "  </body>\n</html>\n"


def record(class_id: str, text: str, start: int, end: int) -> dict:
    return {"classId": class_id, "classId_name": CA4P_CLASSES.get(class_id, ""),
            "text": text, "start": start, "end": end, "fields": "", "sub_annotations": []}


def at(class_id: str, text: str, occurrence: str | None = None) -> dict:
    start = TEXT.index(occurrence or text)
    return record(class_id, text, start, start + len(text))


GOOD = [
    at("e_24", "我们"),
    at("e_22", "收集"),
    at("e_23", "收集"),           # same extent as e_22: one ACTION under the project scheme
    at("e_21", "手机号&邮箱<地址>"),
    at("e_26", "第三方"),         # receiver: no bracket in the project scheme
    at("e_21", "您的位置"),
    at("e_25", "共享\n您的位置"),  # crosses a line break
    at("e_27", "改进服务"),
    record("", "我们收集您的手机号", 0, 9),
    record("e_3", "我们收集", 0, 4),
    record("e_21", "", 5, 5),     # empty
    record("e_24", "我们", 4, 6),  # offsets do not match the text
]


@pytest.fixture
def fake_pool(tmp_path: Path) -> Path:
    raw, ann = tmp_path / "raw_data", tmp_path / "annotation_data"
    raw.mkdir()
    ann.mkdir()
    files = {
        "0001": (page(TEXT), GOOD),
        "0002": (page("一", "二"), [record("e_21", "一", 0, 1)]),  # two <pre>: unreadable
        "0003": (page("三"), None),                                  # json broken below
        "0004": (page("四"), "missing"),
        "0005": (None, [record("e_21", "五", 0, 1), record("", "", 0, 0)]),
        "0007": (page("空"), []),
    }
    for stem, (markup, records) in files.items():
        if markup is not None:
            (raw / f"{stem}.html").write_text(markup, encoding="utf-8")
        if isinstance(records, list):
            (ann / f"{stem}.json").write_text(json.dumps(records), encoding="utf-8")
    (ann / "0003.json").write_text('[{"classId": "e_21",\n  "start": }]', encoding="utf-8")
    (raw / "0006.html").write_bytes(b"<pre id='x'>\xff\xfe</pre>")
    (ann / "0006.json").write_text("[]", encoding="utf-8")
    return tmp_path


def assert_conserved(result: Ca4pResult) -> None:
    assert result.read == result.written + sum(result.dropped.values())
    assert result.written == sum(len(doc.spans) for doc in result.documents)


def test_folder_detection(tmp_path: Path, fake_pool: Path) -> None:
    assert is_ca4p_folder(fake_pool)
    assert not is_ca4p_folder(tmp_path / "raw_data")
    with pytest.raises(InputError, match="not a CA4P-483 folder"):
        read_ca4p(fake_pool / "raw_data")


def test_fake_pool_project_scheme(fake_pool: Path) -> None:
    result = read_ca4p(fake_pool)
    assert_conserved(result)
    assert [doc.id for doc in result.documents] == ["0001", "0007"]
    doc = result.documents[0]
    assert doc.text == TEXT
    assert result.read == len(GOOD) + 1 + 2
    assert result.span_annotations == 10 + 1 + 1
    assert result.dropped == Counter({
        "not a span class": 2, "duplicate": 1, "receiver (no bracket)": 1, "empty": 1,
        "bad offsets": 1, "no policy text": 1 + 2})
    expected = {(r["start"], r["end"], r["text"]) for r in GOOD[:8] if r["classId"] != "e_26"}
    assert {(s.start, s.end, doc.text[s.start:s.end]) for s in doc.spans} == expected
    assert Span(2, 4, "ACTION") in doc.spans
    assert {s.label for s in doc.spans} == set(get_scheme("project").labels)
    assert result.documents[1].spans == []


def test_fake_pool_ca4p_scheme(fake_pool: Path) -> None:
    result = read_ca4p(fake_pool, scheme="ca4p")
    assert_conserved(result)
    doc = result.documents[0]
    assert {s.label for s in doc.spans} == set(CA4P_CLASSES.values())
    assert "receiver (no bracket)" not in result.dropped
    assert "duplicate" not in result.dropped  # COLLECT and SHARE stay two spans
    for span, rec in zip(doc.spans, sorted(GOOD[:8], key=lambda r: (r["start"], r["end"]))):
        assert doc.text[span.start:span.end] == rec["text"]


def test_fake_pool_problems_are_located(fake_pool: Path) -> None:
    problems = {Path(p.path).name: p for p in read_ca4p(fake_pool).problems}
    assert sorted(problems) == ["0001.html", "0002.html", "0003.json", "0004.html",
                                "0005.json", "0006.html"]
    assert all(p.is_error for p in problems.values())
    mismatch = problems["0001.html"]
    assert (mismatch.kind, mismatch.line) == ("offsets", 4)  # the <pre> line of the html
    assert "0001.json annotation #11" in mismatch.message
    assert (problems["0002.html"].kind, problems["0002.html"].line) == ("pre", 5)
    assert (problems["0003.json"].kind, problems["0003.json"].line) == ("json", 2)
    assert problems["0004.html"].message == "no annotation_data/0004.json; policy skipped"
    assert problems["0005.json"].message == "no raw_data/0005.html; its 2 annotation(s) dropped"
    assert problems["0006.html"].kind == "encoding"
    assert str(mismatch).startswith(f"{mismatch.path}:4:")


# ---------------------------------------------------------------- the full pool

@pytest.fixture(scope="module")
def pool(ca4p_dir: Path) -> dict:
    results = {}
    for scheme in ("project", "ca4p"):
        results[scheme] = read_ca4p(ca4p_dir, scheme)
    return results


def test_pool_conservation(pool: dict) -> None:
    project, ca4p = pool["project"], pool["ca4p"]
    for result in (project, ca4p):
        assert_conserved(result)
        assert result.problems == []
        assert len(result.documents) == 435
        assert result.read == 50830
        assert result.span_annotations == 39948
        assert result.dropped["not a span class"] == 10882
    # The pool has no two span records of the same extent, so no duplicate even after
    # COLLECT/SHARE and CONDITION/PURPOSE merge.
    assert project.dropped == Counter({"not a span class": 10882, "receiver (no bracket)": 2807})
    assert project.written == 37141
    assert ca4p.dropped == Counter({"not a span class": 10882})
    assert ca4p.written == 39948


def test_pool_labels(pool: dict) -> None:
    for scheme, result in pool.items():
        labels = Counter(s.label for doc in result.documents for s in doc.spans)
        assert set(labels) == set(get_scheme(scheme).labels)
    assert len(get_scheme("ca4p").labels) == 7
    assert Counter(s.label for d in pool["ca4p"].documents for s in d.spans)["RECEIVER"] == 2807


def test_pool_spans_match_annotation_text(pool: dict, ca4p_dir: Path) -> None:
    for doc in pool["ca4p"].documents[:20]:
        records = json.loads((ca4p_dir / "annotation_data" / f"{doc.id}.json").read_text("utf-8"))
        texts = {(r["start"], r["end"], CA4P_CLASSES.get(r["classId"])): r["text"] for r in records}
        for span in doc.spans:
            assert doc.text[span.start:span.end] == texts[(span.start, span.end, span.label)]


def test_pool_documents_sorted(pool: dict) -> None:
    ids = [doc.id for doc in pool["project"].documents]
    assert ids == sorted(set(ids))


@pytest.mark.parametrize("scheme, crossing", [("project", 83), ("ca4p", 85)])
def test_split_units_keeps_every_span(pool: dict, scheme: str, crossing: int) -> None:
    result = pool[scheme]
    multiline = sum("\n" in doc.text[s.start:s.end] for doc in result.documents for s in doc.spans)
    # The 85 of the issue are the ca4p scheme; 2 of them are receivers, gone under "project".
    assert multiline == crossing
    kept = 0
    for doc in result.documents:
        span_texts = Counter(doc.text[s.start:s.end] for s in doc.spans)
        units = split_units(doc)
        kept += sum(len(unit.spans) for unit in units)
        assert Counter(u.text[s.start:s.end] for u in units for s in u.spans) == span_texts
    assert kept == result.written
