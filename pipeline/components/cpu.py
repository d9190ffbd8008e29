"""Matrix products on the CPU through numpy's BLAS instead of thinc's bundled blis.

thinc's NumpyOps multiplies with blis. On this project's machines (x86-64, AMD EPYC) the
blis wheel runs a (15000 x 288) @ (288 x 288) product at ~25 GFLOPS on one core where
numpy's OpenBLAS runs it at ~95, and the tok2vec's Maxout layers are those products.
thinc already offers the switch (`NumpyOps(use_blis=False)` delegates `gemm` to numpy);
this callback flips it before spaCy builds any model, so training, `spacy.load` and
packaged pipelines all get it from the config alone.
"""
from __future__ import annotations

from typing import Callable, Type

from spacy.language import Language
from spacy.util import registry
from thinc.api import NumpyOps, get_current_ops, set_current_ops


@registry.callbacks("privspan.numpy_blas.v1")
def create_numpy_blas() -> Callable[[Type[Language]], Type[Language]]:
    """[nlp] before_creation: use numpy's BLAS for CPU matrix products; GPUs untouched."""

    def before_creation(lang_cls: Type[Language]) -> Type[Language]:
        ops = get_current_ops()
        # Exact type: a GPU or platform backend (CupyOps, AppleOps...) is left as it is.
        if type(ops) is NumpyOps and ops.use_blis:
            set_current_ops(NumpyOps(use_blis=False))
        return lang_cls

    return before_creation
