"""A pipeline saved by an earlier privspan still loads and predicts the same.

`fixtures/pipeline-0.1.0` was trained (40 steps on the seed, a tiny width) by privspan
0.1.0 before its modules moved into subpackages; its config names only registered
functions (privspan.JiebaTokenizer.v1, privspan.EdgeSpanCategorizer.v1, ...), which the
entry points must still resolve. `pipeline-0.1.0.scores.json` holds what that code scored.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import numpy
import spacy

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAVED = FIXTURES / "pipeline-0.1.0"
PROBES = [
    "当您通过快手小店购买商品时，我们会收集您的手机号码、收货地址，用于配送。",
    "我们可能与第三方共享您的设备信息（IMEI、OAID）。",
]


def candidate_scores(path: Path) -> List[Dict[str, list]]:
    """Tokens, suggested candidates and the span categorizer's scores for each probe."""
    nlp = spacy.load(path)
    spancat = nlp.get_pipe("spancat")
    docs = [nlp.make_doc(text) for text in PROBES]
    docs = [nlp.get_pipe("tok2vec")(doc) for doc in docs]
    candidates, scores = spancat.predict(docs)
    out, row = [], 0
    for doc, n in zip(docs, candidates.lengths.tolist()):
        out.append({"tokens": [t.text for t in doc],
                    "candidates": candidates.dataXd[row:row + n].tolist(),
                    "scores": numpy.round(scores[row:row + n], 6).tolist()})
        row += n
    return out


def test_pipeline_saved_by_privspan_0_1_0_loads_and_scores_as_it_did():
    expected = json.loads((FIXTURES / "pipeline-0.1.0.scores.json").read_text(encoding="utf-8"))
    found = candidate_scores(SAVED)
    assert [p["tokens"] for p in found] == [p["tokens"] for p in expected]
    assert [p["candidates"] for p in found] == [p["candidates"] for p in expected]
    for got, want in zip(found, expected):
        numpy.testing.assert_allclose(got["scores"], want["scores"], atol=1e-5)
