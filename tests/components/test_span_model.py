"""The edge span model: what it computes and its gradients."""
from __future__ import annotations

import numpy
from thinc.types import Ragged

from pipeline.components.span_model import span_edges


def _edges_case():
    rng = numpy.random.default_rng(0)
    model = span_edges(hidden_size=5, max_length=3)
    tokens = Ragged(rng.normal(size=(7, 4)).astype("f"), numpy.array([4, 3], dtype="i"))
    # per-doc token offsets; lengths 1..4 (4 > max_length shares the last length row)
    spans = Ragged(numpy.array([[0, 1], [1, 4], [0, 4], [2, 3], [0, 3], [1, 2]], dtype="i"),
                   numpy.array([3, 3], dtype="i"))
    model.initialize(X=(tokens, spans))
    model.set_param("b", rng.normal(size=5).astype("f"))
    model.set_param("L", rng.normal(size=(3, 5)).astype("f"))
    return model, tokens, spans


def test_edge_features_are_edges_mean_and_length():
    model, tokens, spans = _edges_case()
    Y, _ = model((tokens, spans), is_train=False)
    W, b, L = model.get_param("W"), model.get_param("b"), model.get_param("L")
    A, B, C, D, E = numpy.split(tokens.dataXd @ W.T, 5, axis=1)
    # second doc (batch rows 4..6), its span (1, 2): row 5, with row 4 before and row 6 after
    numpy.testing.assert_allclose(Y[5], A[5] + B[5] + C[5] + D[4] + E[6] + L[0] + b, rtol=1e-5, atol=1e-6)
    # first doc (rows 0..3), its span (1, 4): rows 1..3, length 3, nothing after it in its doc
    numpy.testing.assert_allclose(Y[1], A[1] + B[3] + C[1:4].mean(axis=0) + D[0] + L[2] + b,
                                  rtol=1e-5, atol=1e-6)
    # first doc's span (0, 4) is the whole doc: nothing before, nothing after
    numpy.testing.assert_allclose(Y[2], A[0] + B[3] + C[0:4].mean(axis=0) + L[2] + b, rtol=1e-5, atol=1e-6)


def test_edge_gradients_match_finite_differences():
    model, tokens, spans = _edges_case()
    X = tokens.dataXd.copy()
    G = numpy.random.default_rng(1).normal(size=(6, 5)).astype("f")
    _, backprop = model((tokens, spans), is_train=True)
    dX = backprop(G)[0].dataXd

    def loss(x):
        return float((model((Ragged(x, tokens.lengths), spans), is_train=False)[0] * G).sum())

    numeric = numpy.zeros_like(X)
    for index in numpy.ndindex(X.shape):
        up, down = X.copy(), X.copy()
        up[index] += 1e-2
        down[index] -= 1e-2
        numeric[index] = (loss(up) - loss(down)) / 2e-2
    # the layer is linear in X, so central differences are exact up to float32 rounding
    numpy.testing.assert_allclose(dX, numeric, atol=2e-2)


def test_prediction_in_chunks_gives_the_training_forward_scores():
    from spacy.util import registry

    from pipeline.gold.docs import blank_pipeline
    from pipeline.components.span_model import build_edge_spancat
    from pipeline.components.suggester import build_clause_suggester

    nlp = blank_pipeline()
    docs = [nlp(text) for text in ("当您选择使用第三方帐号登录时，我们收集您的手机号码", "", "信息",
                                   "为了安全，我们可能会向关联方提供设备信息。")]
    tok2vec = registry.resolve({"t": {
        "@architectures": "spacy.HashEmbedCNN.v2", "width": 16, "depth": 2, "embed_size": 300,
        "window_size": 1, "maxout_pieces": 2, "subword_features": True, "pretrained_vectors": None}})["t"]
    scorer = registry.resolve({"s": {"@layers": "spacy.LinearLogistic.v1", "nO": 3, "nI": None}})["s"]
    model = build_edge_spancat(tok2vec, scorer, hidden_size=8, max_length=4)
    spans = build_clause_suggester(max_ngram=3, max_clause=10)(docs)
    model.initialize(X=(docs, spans))
    # layer norm's scale and shift away from 1 and 0, so that a mix-up of rows would show
    norm = model.layers[2]
    rng = numpy.random.default_rng(0)
    norm.set_param("G", rng.normal(size=8).astype("f"))
    norm.set_param("b", rng.normal(size=8).astype("f"))
    model.attrs["chunk"] = 5  # fewer than the candidates, so several chunks and a short last one
    trained, _ = model((docs, spans), is_train=True)
    assert trained.shape == (spans.dataXd.shape[0], 3)
    numpy.testing.assert_allclose(model.predict((docs, spans)), trained, rtol=1e-5, atol=1e-6)
