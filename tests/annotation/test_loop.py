"""The annotators' loop: `privspan diff` (two annotations compared: agreement per label,
added, removed, relabelled and re-cut spans, a page of each disagreement) and `privspan
select` (the paragraphs a model is least sure of, spread over policies, as a draft in each
tool's format)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.pipeline import SpanCategorizer

from pipeline.annotation.select import Paragraph, choose, paragraphs, uncertainty
from pipeline.formats import brackets, doccano, prodigy
from pipeline.formats.registry import read
from pipeline.measure.diff import compare
from pipeline.records import Document, Span
from pipeline.schema import SCHEMES

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAVED = FIXTURES / "pipeline-0.1.0"  # a tiny trained pipeline: its scores lie near 0.12..0.16
PROJECT = SCHEMES["project"]
# A (the reference) and B (the correction) of one text, with every kind of disagreement.
A_MARKUP = "(我们)[收集]您的<手机号>和<姓名>。\n{为了提供服务}我们会[使用]<位置信息>。\n"
B_MARKUP = "(我们)[收集]您的<手机号和姓名>。\n{为了提供服务}(我们)会(使用)<位置信息>。\n"



def write_jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --- diff ---------------------------------------------------------------------------------

def test_compare_sorts_each_disagreement_into_one_kind():
    a = [Span(0, 2, "ACTOR"), Span(3, 5, "ACTION"), Span(7, 10, "DATA"), Span(11, 13, "DATA"),
         Span(20, 24, "DATA")]
    b = [Span(0, 2, "ACTOR"), Span(3, 5, "ACTOR"), Span(7, 13, "DATA"), Span(30, 32, "CONTEXT")]
    changes = [(c.kind, c.a, c.b) for c in compare(a, b)]
    assert changes == [
        ("relabelled", Span(3, 5, "ACTION"), Span(3, 5, "ACTOR")),
        # 7..10 shares 3 characters with 7..13, 11..13 only 2: the first is the re-cut
        ("re-cut", Span(7, 10, "DATA"), Span(7, 13, "DATA")),
        ("removed", Span(11, 13, "DATA"), None),
        ("removed", Span(20, 24, "DATA"), None),
        ("added", None, Span(30, 32, "CONTEXT")),
    ]
    # overlapping with another label and other edges: removed and added, not re-cut
    assert [c.kind for c in compare([Span(0, 4, "DATA")], [Span(1, 4, "CONTEXT")])] == ["removed", "added"]
    assert compare(a, a) == []


def test_diff_counts_per_label(run, tmp_path, capsys):
    (tmp_path / "a.txt").write_text(A_MARKUP, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B_MARKUP, encoding="utf-8")
    code, out, err = run("diff", tmp_path / "a.txt", tmp_path / "b.txt", "--out", tmp_path / "d")
    assert code == 0, err
    figures = json.loads((tmp_path / "d" / "diff.json").read_text(encoding="utf-8"))
    assert figures["documents"]["matched"] == 1 and figures["documents"]["by_text"] == 1
    assert figures["changes"] == {
        "ACTOR": {"added": 1, "removed": 0, "relabelled": 0, "re-cut": 0},  # the second 我们
        "ACTION": {"added": 0, "removed": 0, "relabelled": 1, "re-cut": 0},  # 使用 -> ACTOR
        "DATA": {"added": 0, "removed": 1, "relabelled": 0, "re-cut": 1},  # 手机号 / 姓名
        "CONTEXT": {"added": 0, "removed": 0, "relabelled": 0, "re-cut": 0},
    }
    assert figures["relabelled"] == {"ACTION -> ACTOR": 1}
    assert figures["spans"] == {"a": 7, "b": 7, "same": 4}
    exact = {label: round(s["f"], 4) for label, s in figures["exact"]["per_label"].items()}
    overlap = {label: round(s["f"], 4) for label, s in figures["overlap"]["per_label"].items()}
    # ACTOR: A 1, B 3, 1 equal; ACTION: A 2, B 1, 1 equal; DATA: A 3, B 2, 1 equal, and by
    # overlap every DATA span of each side meets one of the other's.
    assert exact == {"ACTOR": 0.5, "ACTION": 0.6667, "DATA": 0.4, "CONTEXT": 1.0}
    assert overlap == {"ACTOR": 0.5, "ACTION": 0.6667, "DATA": 1.0, "CONTEXT": 1.0}
    assert round(figures["exact"]["f"], 4) == round(4 / 7, 4)
    assert len(figures["disagreements"]) == 4
    row = next(line for line in out.splitlines() if line.startswith("DATA"))
    assert row.split() == ["DATA", "40.0", "100.0", "3", "2", "1", "0", "1", "0", "1"]


def test_diff_matches_by_id_then_by_text_and_reports_the_rest(run, tmp_path, capsys):
    a = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "d1", "text": "我们收集信息。", "spans": [{"start": 0, "end": 2, "label": "ACTOR"}]},
        {"id": "d2", "text": "我们使用信息。", "spans": []},
        {"id": "d3", "text": "甲文本。", "spans": []},
        {"id": "d4", "text": "只在A里。", "spans": []}])
    b = write_jsonl(tmp_path / "b.jsonl", [
        {"id": "d1", "text": "我们收集信息。", "spans": [{"start": 2, "end": 4, "label": "ACTION"}]},
        {"id": "other", "text": "我们使用信息。", "spans": [{"start": 2, "end": 4, "label": "ACTION"}]},
        {"id": "d3", "text": "乙文本。", "spans": []},
        {"id": "d5", "text": "只在B里。", "spans": []}])
    code, out, err = run("diff", a, b, "--out", tmp_path / "d")
    assert code == 0, err
    docs = json.loads((tmp_path / "d" / "diff.json").read_text(encoding="utf-8"))["documents"]
    assert (docs["matched"], docs["by_id"], docs["by_text"]) == (2, 1, 1)
    assert docs["unmatched_a"] == ["d3", "d4"] and docs["unmatched_b"] == ["d3", "d5"]
    assert docs["same_id_other_text"] == ["d3"]
    assert "unmatched in A: 2 (d3, d4)" in out and "unmatched in B: 2 (d3, d5)" in out


def test_diff_reads_any_two_formats(run, tmp_path, capsys):
    seed = Path(__file__).parents[2] / "corpus" / "seed_kuaishou.txt"
    ls, dc = tmp_path / "tasks.json", tmp_path / "dc.jsonl"
    assert run("convert", seed, "--to", "labelstudio", "--out", ls)[0] == 0
    assert run("convert", seed, "--to", "doccano", "--out", dc)[0] == 0
    code, out, err = run("diff", ls, dc)
    assert code == 0, err
    assert "(1 by id, 0 by text)" in out
    assert next(line for line in out.splitlines() if line.startswith("all")).split()[1:3] == ["100.0", "100.0"]


def test_diff_page_escapes_text_and_outlines_the_disagreement(run, tmp_path, capsys):
    text = "<script>alert(1)</script> & 我们收集<b>信息"
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "x<1>", "text": text, "spans": [
        {"start": 28, "end": 30, "label": "ACTOR"}]}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "x<1>", "text": text, "spans": [
        {"start": 28, "end": 30, "label": "DATA"}]}])
    assert run("diff", a, b, "--out", tmp_path / "d")[0] == 0
    page = (tmp_path / "d" / "diff.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in page and "x&lt;1&gt;: relabelled" in page
    assert page.count('class="span diff"') == 2  # A's ACTOR and B's DATA, once each


def test_diff_bad_input_is_one_located_line_and_exit_1(run, tmp_path, capsys):
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "d1", "text": "我们。", "spans": []}])
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"id": "d1", "text": "我们。", "spans": []}\n{"id": "d2", "text": \n', encoding="utf-8")
    code, out, err = run("diff", a, bad)
    assert code == 1
    assert err.strip().splitlines() == [err.strip()] and err.startswith(f"{bad}:2:1: error: bad-record")
    assert "1 document(s) matched" in out  # the good record is still compared
    code, _, err = run("diff", a, tmp_path / "missing.jsonl")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "missing.jsonl" in err
    assert "Traceback" not in err


# --- select -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    """The saved pipeline with its threshold moved into its scores, so it finds spans and has
    candidates near the threshold."""
    out = tmp_path_factory.mktemp("model") / "m"
    shutil.copytree(SAVED, out)
    nlp = spacy.load(out, config={"components": {"spancat": {"threshold": 0.14}}})
    nlp.get_pipe("spancat").cfg["threshold"] = 0.14
    nlp.to_disk(out)
    return out


def pool(tmp_path: Path, policies: int = 3, per_policy: int = 4) -> Path:
    """Bracket files, one per policy, of `per_policy` paragraphs each."""
    folder = tmp_path / "pool"
    folder.mkdir()
    sentences = ["我们会收集您的手机号码和位置信息。", "为了向您提供服务，我们会使用您的设备信息。",
                 "您可以随时联系我们。", "我们不会向第三方共享您的个人信息，除非获得您的同意。",
                 "本政策适用于快手的全部产品。"]
    for p in range(policies):
        lines = [f"{sentences[(p + i) % len(sentences)]}第{p}{i}条。" for i in range(per_policy)]
        (folder / f"policy{p}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_choose_takes_the_most_uncertain_within_each_policys_share():
    found = [Paragraph(f"p{i % 3}:{i}", f"p{i % 3}", "x") for i in range(9)]
    scores = [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert choose(found, scores, 4, 1.0) == [0, 1, 2, 3]
    # a share of 0.5 of 4 is 2 per policy: p0 has 0 and 3, so 6 is passed over for 4
    assert choose(found, scores, 4, 0.5) == [0, 1, 2, 3]
    assert choose(found, scores, 6, 0.34) == [0, 1, 2, 3, 4, 5]  # 2 per policy
    assert choose(found, scores, 6, 0.17) == [0, 1, 2]  # 1 per policy: only 3 can be chosen
    # ties go by id
    tied = [Paragraph(i, "p", "x") for i in ("b", "c", "a")]
    assert choose(tied, [1.0, 1.0, 1.0], 2, 1.0) == [2, 0]


def test_paragraphs_keep_their_policy():
    docs = [Document("pol", "第一段。\n\n第二段。"), Document("one", "一段。"),
            Document("other:12", "一段，\n跨行的段。")]
    assert [(p.id, p.policy, p.text) for p in paragraphs(docs)] == [
        ("pol:1", "pol", "第一段。"), ("pol:3", "pol", "第二段。"), ("one:1", "one", "一段。"),
        ("other:12", "other", "一段，\n跨行的段。")]


def _stub_scores(monkeypatch, marker: str, value: float) -> None:
    """Every candidate of a doc containing `marker` scores `value` on its first label, others 0."""
    original = SpanCategorizer.predict

    def predict(self, docs):
        docs = list(docs)
        indices, scores = original(self, docs)
        fake = numpy.zeros_like(numpy.asarray(scores))
        start = 0
        for doc, length in zip(docs, numpy.asarray(indices.lengths).tolist()):
            if marker in doc.text:
                fake[start:start + length, 0] = value
            start += length
        return indices, fake

    monkeypatch.setattr(SpanCategorizer, "predict", predict)


def test_uncertainty_sums_closeness_to_the_threshold(model, monkeypatch):
    nlp = spacy.load(model)
    spancat = nlp.get_pipe("spancat")
    texts = ["我们会收集您的手机号码。", "为了向您提供服务，我们会使用您的设备信息。", "您可以随时联系我们。"]
    counts = [int(spancat.suggester([nlp.make_doc(t)]).lengths[0]) for t in texts]
    # the band is narrowed to 0.14 (the threshold): 0 and 0.28 are out of it; 0.175 is a
    # quarter of it away
    _stub_scores(monkeypatch, "服务", 0.14 + 0.035)
    assert uncertainty(nlp, texts, 0.2) == pytest.approx([0.0, 0.75 * counts[1], 0.0])
    _stub_scores(monkeypatch, "服务", 0.14)
    assert uncertainty(nlp, texts, 0.2) == pytest.approx([0.0, counts[1], 0.0])


def test_uncertainty_scores_the_same_candidates_annotate_keeps(model):
    """The scores are the model's own: the candidates at or over the threshold are the spans
    that the whole pipeline finds."""
    nlp = spacy.load(model)
    spancat = nlp.get_pipe("spancat")
    texts = ["我们会收集您的手机号码和位置信息。", "为了向您提供服务，我们会使用您的设备信息。"]
    docs = list(nlp.pipe(texts, disable=["spancat"]))
    indices, scores = spancat.predict(docs)
    kept = int((numpy.asarray(scores).max(axis=1) >= 0.14).sum())
    found = sum(len(doc.spans["sc"]) for doc in nlp.pipe(texts))
    assert found > 0 and kept == found
    assert all(u > 0 for u in uncertainty(nlp, texts, 0.2))


def test_select_prefers_uncertain_paragraphs_and_spreads_over_policies(run, tmp_path, capsys, model, monkeypatch):
    folder = pool(tmp_path)
    _stub_scores(monkeypatch, "联系", 0.14)  # 您可以随时联系我们: policy0 line 3, 1 line 2, 2 line 1
    out = tmp_path / "sel.jsonl"
    code, _, err = run("select", model, folder, "--n", "3", "--out", out, "--per-policy", "0.34")
    assert code == 0, err
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == ["policy0:3", "policy1:2", "policy2:1"]
    assert "chose 3 of 12 paragraph(s) from 3 of 3 policies (at most 1 each)" in err
    # a share of one per policy leaves room for 3 of --n 5 only
    code, _, err = run("select", model, folder, "--n", "5", "--out", out, "--per-policy", "0.2")
    assert code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert "warning: only 3 paragraph(s) could be chosen" in err


def test_select_writes_valid_tasks_in_each_format(run, tmp_path, capsys, model):
    folder = pool(tmp_path)
    ids = None
    for fmt, name in (("jsonl", "s.jsonl"), ("labelstudio", "s.json"), ("doccano", "d.jsonl"),
                      ("prodigy", "p.jsonl"), ("brackets", "s.txt")):
        out = tmp_path / fmt / name
        code, _, err = run("select", model, folder, "--n", "4", "--out", out, "--format", fmt,
                           "--per-policy", "1")
        assert code == 0, err
        content = out.read_text(encoding="utf-8")
        if fmt == "jsonl":
            records = [json.loads(line) for line in content.splitlines()]
            ids = [r["id"] for r in records]
            assert len(ids) == 4 and all("score" in s for r in records for s in r["spans"])
            assert sum(len(r["spans"]) for r in records) > 0  # the model's draft
        elif fmt == "labelstudio":
            tasks = json.loads(content)
            assert [t["data"]["doc_id"] for t in tasks] == ids
            assert all(t["predictions"][0]["result"] is not None for t in tasks)
            assert (out.parent / "label_config.xml").exists()
        elif fmt == "doccano":
            export = doccano.read(out, content, PROJECT)
            assert not export.problems and [r.id for r in export.documents] == ids
        elif fmt == "prodigy":
            export = prodigy.read(out, content, PROJECT)  # a draft: tasks not yet answered
            assert not export.problems and export.skipped == {"unanswered task": 4}
            assert all(json.loads(line)["tokens"] for line in content.splitlines())
        else:
            parsed = brackets.parse(content, str(out))
            assert not parsed.errors and len(content.splitlines()) == 4


def test_select_reads_a_spacy_corpus(run, tmp_path, capsys, model, seed_corpus):
    out = tmp_path / "s.jsonl"
    code, _, err = run("select", model, seed_corpus / "train.spacy", "--n", "3", "--out", out,
                       "--per-policy", "1")
    assert code == 0, err
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 3 and all(i.startswith("seed_kuaishou:") for i in ids)
    docs = read(seed_corpus / "train.spacy", PROJECT).documents
    assert set(ids) <= {d.record_id for d in docs}


def test_select_bad_input_is_one_located_line_and_exit_1(run, tmp_path, capsys, model):
    folder = pool(tmp_path, policies=1)
    code, _, err = run("select", model, folder, "--n", "0", "--out", tmp_path / "s.jsonl")
    assert code == 2 and err.splitlines()[-1] == "privspan select: error: argument --n: must be at least 1, not 0"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "我们收集信息。"}\nnot json\n', encoding="utf-8")
    code, _, err = run("select", model, bad, "--n", "1", "--out", tmp_path / "s.jsonl")
    assert code == 1 and err.splitlines()[0].startswith(f"{bad}:2:1: error: bad-record")
    assert (tmp_path / "s.jsonl").read_text(encoding="utf-8").count("\n") == 1  # the good one
    code, _, err = run("select", tmp_path / "no-model", folder, "--n", "1", "--out", tmp_path / "s.jsonl")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
