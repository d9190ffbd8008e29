"""The decoder: what the pipeline's spans are, and that every way in gets the same ones."""
from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.tokens import SpanGroup

from pipeline.annotation.load import load_pipeline, span_categorizer
from pipeline.annotation.predict import MAX_CHARS
from pipeline.cli import main
from pipeline.components.decoder import flat
from pipeline.gold.docs import blank_pipeline
from pipeline.measure.evaluate import decoding, predict


def decoded(text: str, spans, scores, **settings):
    nlp = blank_pipeline()
    decoder = nlp.add_pipe("privspan_decoder", config=settings)
    doc = nlp.make_doc(text)
    group = SpanGroup(doc, name="sc", spans=[doc.char_span(a, b, label=label) for a, b, label in spans])
    group.attrs["scores"] = numpy.asarray(scores, dtype="f").reshape(-1, 1)
    doc.spans["sc"] = group
    out = decoder(doc).spans["sc"]
    return [(s.start_char, s.end_char, s.label_, round(float(x), 2))
            for s, x in zip(out, out.attrs["scores"])]


def test_whitespace_is_trimmed_and_a_span_reached_twice_keeps_its_best_score():
    text = "我们\u3000收集\u3000您的手机号"  # an ideographic space is a token of its own
    assert decoded(text, [(0, 3, "ACTOR"), (0, 2, "ACTOR"), (3, 5, "ACTION")], [0.7, 0.9, 0.6]) == [
        (0, 2, "ACTOR", 0.9), (3, 5, "ACTION", 0.6)]
    # trim = false leaves the span categorizer's spans as they are
    assert decoded(text, [(0, 3, "ACTOR")], [0.7], trim=False) == [(0, 3, "ACTOR", 0.7)]


def test_flat_keeps_the_best_scored_of_overlapping_spans_and_cut_at_cuts_lists():
    text = "收集姓名、性别用于注册"
    spans = [(0, 11, "CONTEXT"), (2, 7, "DATA"), (7, 11, "CONTEXT")]
    assert decoded(text, spans, [0.5, 0.9, 0.8], flat=True) == [(2, 7, "DATA", 0.9), (7, 11, "CONTEXT", 0.8)]
    assert decoded(text, [(2, 7, "DATA")], [0.9], cut_at="、") == [(2, 4, "DATA", 0.9), (5, 7, "DATA", 0.9)]
    # among equal scores the span categorizer's order decides
    assert sorted(flat({(0, 4, "A"): 0.5, (2, 6, "B"): 0.5})) == [(0, 4, "A")]


def test_the_threshold_and_decoder_settings_are_load_time_config(tiny_model: Path):
    nlp = load_pipeline(str(tiny_model), threshold=0.25, decoding={"flat": True, "cut_at": "、"})
    assert nlp.get_pipe("decoder").threshold == nlp.config["components"]["decoder"]["threshold"] == 0.25
    # the span categorizer keeps what the report's group needs (0.15) ...
    assert span_categorizer(nlp).cfg["threshold"] == 0.15
    assert decoding(nlp) == "flat, cut at 、"
    # ... and goes lower with a threshold under it
    low = load_pipeline(str(tiny_model), threshold=0.05)
    assert span_categorizer(low).cfg["threshold"] == low.config["components"]["spancat"]["threshold"] == 0.05
    # the pipeline on disk is untouched: a plain load has the saved settings
    plain = spacy.load(tiny_model)
    assert plain.get_pipe("decoder").threshold == 0.4 and decoding(plain) == "spans"


def test_the_threshold_keeps_the_spans_group_and_the_report_group_its_own():
    text = "我们收集您的手机号"
    spans, scores = [(0, 2, "ACTOR"), (2, 4, "ACTION"), (6, 9, "DATA")], [0.9, 0.5, 0.2]
    assert [s[:3] for s in decoded(text, spans, scores, threshold=0.4)] == [(0, 2, "ACTOR"), (2, 4, "ACTION")]
    nlp = blank_pipeline()
    nlp.add_pipe("privspan_decoder", config={"threshold": 0.6, "report_key": "report", "report_threshold": 0.2})
    doc = nlp.make_doc(text)
    group = SpanGroup(doc, name="sc", spans=[doc.char_span(a, b, label=label) for a, b, label in spans])
    group.attrs["scores"] = numpy.asarray(scores, dtype="f").reshape(-1, 1)
    doc.spans["sc"] = group
    doc = nlp(doc)
    assert [s.text for s in doc.spans["sc"]] == ["我们"]
    assert [s.text for s in doc.spans["report"]] == ["我们", "收集", "手机号"]


@pytest.fixture(scope="module")
def test_paragraphs(ca4p_dir: Path):
    """The paragraphs of the CA4P-483 test policies, as `privspan corpus` splits them by default."""
    from pipeline.formats.ca4p import read_ca4p
    from pipeline.gold.corpus import assign_splits
    from pipeline.records import split_units

    units = [u for d in read_ca4p(ca4p_dir).documents for u in split_units(d)]
    test = assign_splits(units, 0.1, 0.1, 0).units["test"]
    # annotate reads a document by its lines, and a line over MAX_CHARS by its sentences
    return [u for u in test if len(u.text) <= MAX_CHARS and "\n" not in u.text]


@pytest.mark.slow
def test_spacy_load_annotate_and_evaluate_give_the_same_spans(tiny_model: Path, test_paragraphs,
                                                              tmp_path: Path):
    # a low threshold, saved, so that the smoke-trained model finds spans at all
    model = tmp_path / "model"
    load_pipeline(str(tiny_model), threshold=0.05, decoding={"report_threshold": 0.05}).to_disk(model)
    assert len(test_paragraphs) > 2000
    texts = tmp_path / "test.jsonl"
    texts.write_text("".join(json.dumps({"id": u.id, "text": u.text}, ensure_ascii=False) + "\n"
                             for u in test_paragraphs), encoding="utf-8")

    nlp = spacy.load(model)
    loaded = [[(s.start_char, s.end_char, s.label_, round(float(x), 4))
               for s, x in zip(doc.spans["sc"], doc.spans["sc"].attrs["scores"])]
              for doc in nlp.pipe(u.text for u in test_paragraphs)]
    assert main(["annotate", str(model), str(texts), "--format", "jsonl", "--out", str(tmp_path / "out"),
                 "--quiet"]) == 0
    lines = (tmp_path / "out" / "test.jsonl").read_text(encoding="utf-8").splitlines()
    annotated = [[(s["start"], s["end"], s["label"], s["score"]) for s in json.loads(line)["spans"]]
                 for line in lines]
    # and the report's spans
    reported = [[(s["start"], s["end"], s["label"]) for s in json.loads(line)["report"]] for line in lines]
    assert reported == [[(s.start_char, s.end_char, s.label_) for s in doc.spans["report"]]
                        for doc in nlp.pipe(u.text for u in test_paragraphs)]
    assert sum(map(len, reported)) >= sum(map(len, loaded))  # the same spans, and lists grown
    scored, _, _ = predict(nlp, test_paragraphs)

    def spans(found):
        return [[span[:3] for span in doc] for doc in found]

    assert sum(map(len, loaded)) > 1000
    assert spans(annotated) == spans(loaded)
    assert [[(s.start, s.end, s.label) for s in doc] for doc in scored] == spans(loaded)
    # float32 sums run in another order in another batch: scores agree to 1e-4, not in every bit
    assert numpy.allclose([x[3] for doc in annotated for x in doc], [x[3] for doc in loaded for x in doc],
                          atol=2e-4)
