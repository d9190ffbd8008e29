"""A span categorizer model whose cost per candidate span does not grow with its length.

spaCy's SpanCategorizer.v1 copies every token vector of every candidate (extract_spans)
and pools them. With clause-long candidates (up to 40 tokens, ~14 per token) that copy
dominates time and memory. Here the hidden layer is applied to token vectors once and a
span's hidden vector is assembled from its edges:

    h(s, e) = relu(layernorm(A x_s + B x_(e-1) + mean(C x_s .. C x_(e-1))
                             + D x_(s-1) + E x_e + L[len] + b))

where the mean comes from a prefix sum, so each candidate costs O(hidden), not
O(length * width). The tokens just outside the span (当 and 时 around 当{…}时) are
features of their own: on CA4P-483 they added a point of test F. Labels are then scored
from h by the usual logistic layer. The layer norm matters: without it the ReLUs died
within a few hundred steps and nothing was predicted.

Prediction on the CPU computes the same scores another way (_predict): the terms that
depend on one edge are summed per token, and candidates go through layer norm, relu and
scorer a chunk at a time, never as whole-batch arrays.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

import numpy

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import LayerNorm, Model, NumpyOps, chain, list2ragged, with_getitem
from thinc.layers.chain import forward as chain_forward, init as chain_init
from thinc.types import Floats2d, Ragged


@registry.architectures("privspan.EdgeSpanCategorizer.v1")
def build_edge_spancat(
    tok2vec: Model[List[Doc], List[Floats2d]],
    scorer: Model[Floats2d, Floats2d],
    hidden_size: int = 128,
    max_length: int = 64,
) -> Model[Tuple[List[Doc], Ragged], Floats2d]:
    """tok2vec -> edge/mean/length span features -> layer norm, relu -> scorer."""
    embed = with_getitem(0, chain(tok2vec, list2ragged()))
    edges = span_edges(hidden_size, max_length)
    # The layers of chain(embed, edges, norm, relu, scorer), in its order, so its weights
    # load either way; only prediction differs (see _predict).
    model = Model("edge_spancat", _spancat_forward, init=chain_init,
                  layers=[embed, edges, LayerNorm(nI=hidden_size), _relu(), scorer],
                  dims={"nI": None, "nO": None}, attrs={"chunk": PREDICT_CHUNK})
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("reducer", edges)
    model.set_ref("scorer", scorer)
    return model


# Candidates scored at a time in prediction: their hidden rows (4 MB at width 128) stay
# in cache through layer norm, relu and scorer. Whole-batch arrays of 500k candidates
# cost 250 MB each and made prediction memory-bound.
PREDICT_CHUNK = 8192


def _spancat_forward(model: Model, inputs: Tuple[List[Doc], Ragged],
                     is_train: bool) -> Tuple[Floats2d, Callable]:
    if not is_train and isinstance(model.ops, NumpyOps):
        return _predict(model, inputs), lambda dY: ([], inputs[1])
    # chain()'s own forward; also prediction on a GPU, where whole-batch arrays are no problem.
    return chain_forward(model, inputs, is_train)


def _predict(model: Model, inputs: Tuple[List[Doc], Ragged]) -> Floats2d:
    """The training forward's scores, computed chunk by chunk from per-token tables."""
    embed, edges, norm, _, scorer = model.layers
    tokens, spans = embed.predict(inputs)
    tables = _edge_tables(edges, tokens, spans)
    n = tables.starts.shape[0]
    out = None
    chunk = model.attrs["chunk"]
    buffer = numpy.empty((min(chunk, n), edges.get_dim("nO")), dtype="f")
    for begin in range(0, n, chunk):
        rows = slice(begin, min(begin + chunk, n))
        hidden = tables.assemble(rows, buffer[:rows.stop - rows.start])
        hidden = norm.predict(hidden)
        numpy.maximum(hidden, 0, out=hidden)
        scores = scorer.predict(hidden)
        if out is None:
            out = numpy.empty((n, scores.shape[1]), dtype="f")
        out[rows] = scores
    if out is None:
        out = numpy.zeros((0, scorer.get_dim("nO")), dtype="f")
    return model.ops.asarray2f(out)


def span_edges(hidden_size: int, max_length: int) -> Model[Tuple[Ragged, Ragged], Floats2d]:
    return Model(
        "span_edges",
        _forward,
        init=_init,
        dims={"nI": None, "nO": hidden_size},
        params={"W": None, "b": None, "L": None},
        attrs={"max_length": max_length},
    )


def _init(model: Model, X: Optional[Tuple[Ragged, Ragged]] = None, Y=None) -> None:
    if X is not None:
        model.set_dim("nI", X[0].dataXd.shape[1])
    nI, nO = model.get_dim("nI"), model.get_dim("nO")
    ops = model.ops
    # Start, end, mean, before and after projections stacked: one matmul per batch.
    scale = (2.0 / (nI + nO)) ** 0.5
    shape = (5 * nO, nI)
    model.set_param("W", ops.asarray2f(ops.xp.random.normal(0, scale, shape).astype("f")))
    model.set_param("b", ops.alloc1f(nO))
    model.set_param("L", ops.alloc2f(model.attrs["max_length"], nO))


def _forward(model: Model, inputs: Tuple[Ragged, Ragged], is_train: bool) -> Tuple[Floats2d, Callable]:
    tokens, spans = inputs
    ops, xp = model.ops, model.ops.xp
    X = tokens.dataXd
    W, b, L = model.get_param("W"), model.get_param("b"), model.get_param("L")
    nO = model.get_dim("nO")
    n_tokens = X.shape[0]

    # Candidate edges as offsets into the batch's token rows.
    doc_starts = xp.concatenate([xp.zeros(1, dtype="i"), xp.cumsum(tokens.lengths)[:-1]]).astype("i")
    doc_of_span = xp.repeat(xp.arange(len(spans.lengths)), spans.lengths)
    idx = spans.dataXd.reshape((-1, 2)).astype("i")
    starts = idx[:, 0] + doc_starts[doc_of_span]
    ends = idx[:, 1] + doc_starts[doc_of_span]
    lengths = (ends - starts).astype("f")
    length_ids = xp.minimum(ends - starts, model.attrs["max_length"]) - 1

    # A zero row past the last token stands for "outside the doc" before/after a span.
    H = xp.zeros((n_tokens + 1, 5 * nO), dtype="f")
    H[:n_tokens] = X @ W.T
    A, B, C = H[:, :nO], H[:, nO:2 * nO], H[:n_tokens, 2 * nO:3 * nO]
    prefix = xp.zeros((n_tokens + 1, nO), dtype="f")
    xp.cumsum(C, axis=0, out=prefix[1:])
    Y = A[starts] + B[ends - 1] + (prefix[ends] - prefix[starts]) / lengths[:, None] + L[length_ids] + b
    doc_ends = doc_starts + tokens.lengths
    before = xp.where(starts > doc_starts[doc_of_span], starts - 1, n_tokens)
    after = xp.where(ends < doc_ends[doc_of_span], ends, n_tokens)
    Y += H[before, 3 * nO:4 * nO] + H[after, 4 * nO:]

    def backprop(d_pre: Floats2d) -> Tuple[Ragged, Ragged]:
        d_mean = d_pre / lengths[:, None]
        dH = xp.zeros((n_tokens + 1, 5 * nO), dtype="f")
        xp.add.at(dH[:, :nO], starts, d_pre)
        xp.add.at(dH[:, nO:2 * nO], ends - 1, d_pre)
        xp.add.at(dH[:, 3 * nO:4 * nO], before, d_pre)
        xp.add.at(dH[:, 4 * nO:], after, d_pre)
        # d prefix[k] for k in 0..n; C[j] feeds every prefix[k] with k > j.
        d_prefix = xp.zeros((n_tokens + 1, nO), dtype="f")
        xp.add.at(d_prefix, ends, d_mean)
        xp.add.at(d_prefix, starts, -d_mean)
        dH[:n_tokens, 2 * nO:3 * nO] = xp.cumsum(d_prefix[::-1], axis=0)[::-1][1:]
        dH = dH[:n_tokens]
        dL = xp.zeros_like(L)
        xp.add.at(dL, length_ids, d_pre)
        model.inc_grad("W", dH.T @ X)
        model.inc_grad("b", d_pre.sum(axis=0))
        model.inc_grad("L", dL)
        return Ragged(dH @ W, tokens.lengths), spans

    return ops.asarray2f(Y), backprop


@dataclass
class _EdgeTables:
    """span_edges' output for any rows of candidates, as sums of per-token rows.

    h = [A x_s + D x_(s-1) + b] + [B x_(e-1) + E x_e] + (P_e - P_s) / len + L[len]:
    the bracketed terms depend on one edge each, so they are summed once per token.
    """

    start_rows: numpy.ndarray  # row i: spans starting at token i (batch offsets)
    end_rows: numpy.ndarray  # row j: spans ending before token j, 1..n
    prefix: numpy.ndarray  # P, the prefix sums of C x
    L: numpy.ndarray
    starts: numpy.ndarray  # per candidate
    ends: numpy.ndarray
    length_ids: numpy.ndarray
    inverse_lengths: numpy.ndarray

    def assemble(self, rows: slice, out: numpy.ndarray) -> numpy.ndarray:
        starts, ends = self.starts[rows], self.ends[rows]
        scratch = numpy.empty_like(out)
        numpy.take(self.prefix, ends, axis=0, out=out)
        numpy.take(self.prefix, starts, axis=0, out=scratch)
        out -= scratch
        out *= self.inverse_lengths[rows, None]
        for table, index in ((self.start_rows, starts), (self.end_rows, ends), (self.L, self.length_ids[rows])):
            numpy.take(table, index, axis=0, out=scratch)
            out += scratch
        return out


def _edge_tables(edges: Model, tokens: Ragged, spans: Ragged) -> _EdgeTables:
    to_numpy = edges.ops.to_numpy
    X = to_numpy(tokens.dataXd)
    W, b, L = (to_numpy(edges.get_param(name)) for name in ("W", "b", "L"))
    nO, n_tokens = edges.get_dim("nO"), X.shape[0]
    lengths = to_numpy(tokens.lengths)
    doc_starts = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]]).astype("i")
    doc_ends = doc_starts + lengths
    A, B, C, D, E = numpy.split(X @ W.T, 5, axis=1)
    # The token before a span counts unless the span starts its doc; the token after it,
    # unless the span ends its doc.
    before = numpy.zeros_like(D)
    before[1:] = D[:-1]
    before[doc_starts[doc_starts < n_tokens]] = 0
    start_rows = A + before + b
    after = numpy.zeros((n_tokens + 1, nO), dtype="f")
    after[:n_tokens] = E
    after[doc_ends] = 0
    end_rows = numpy.zeros((n_tokens + 1, nO), dtype="f")
    end_rows[1:] = B + after[1:]
    prefix = numpy.zeros((n_tokens + 1, nO), dtype="f")
    numpy.cumsum(C, axis=0, out=prefix[1:])
    idx = to_numpy(spans.dataXd).reshape((-1, 2)).astype("i")
    doc_of_span = numpy.repeat(numpy.arange(len(lengths)), to_numpy(spans.lengths))
    starts = idx[:, 0] + doc_starts[doc_of_span]
    ends = idx[:, 1] + doc_starts[doc_of_span]
    length_ids = numpy.minimum(ends - starts, edges.attrs["max_length"]) - 1
    return _EdgeTables(start_rows, end_rows, prefix, L, starts, ends, length_ids,
                       (1.0 / (ends - starts)).astype("f"))


def _relu() -> Model[Floats2d, Floats2d]:
    def forward(model: Model, X: Floats2d, is_train: bool) -> Tuple[Floats2d, Callable]:
        active = X > 0
        return X * active, lambda dY: dY * active

    return Model("relu", forward)
