"""Unlabelled policies -> floret word vectors, for the clause topics' static vectors.

The topics model (configs/topics.cfg) learns from CAPP-130's 13,000 to 27,000 labelled
sentences; words it saw seldom or never in them it can only hash. Vectors trained on other
policies' text tell it which words are used alike: in those of CA4P-483's 435 policy texts
(3.5M characters), cosine 0.78 for 设备识别码 and 设备标识符, 0.62 for 删除 and 注销, 0.19 for
删除 and 收集. On the authors' topic test file they raised topic macro F from 0.810 to 0.835
and micro F from 0.810 to 0.816, at a threshold of 0.5 (docs/topics.md).

floret (Explosion's fastText with hashed subwords in one table) keeps the table small and
gives a vector to any word: a word's characters (1 to 3) are subwords, so an unseen
compound still shares rows with the words of its characters. The text is cut with the
project's jieba tokenizer, as the models cut it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class VectorsSettings:
    dim: int = 100
    epoch: int = 10
    # rows of the hashed table: 50,000 x 100 floats is 20 MB in the pipeline
    bucket: int = 50_000
    min_count: int = 3
    # one thread: the same text gives the same vectors (floret's seed is fixed)
    thread: int = 1


@dataclass(frozen=True)
class VectorsSummary:
    lines: int
    tokens: int
    words: int


def train_vectors(texts: Iterable[str], out: Path, settings: VectorsSettings = VectorsSettings()) -> VectorsSummary:
    """Cut texts into jieba tokens, train floret (CBOW, subwords of 1 to 3 characters) and
    save a vectors-only spaCy pipeline at `out`, for `[initialize] vectors`."""
    import floret
    import spacy
    from spacy.training.initialize import convert_vectors

    from .docs import blank_pipeline

    tokenizer = blank_pipeline().tokenizer
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "text.txt"
        lines = tokens = 0
        with corpus.open("w", encoding="utf-8") as f:
            for text in texts:
                for line in text.split("\n"):
                    words = [t.norm_ for t in tokenizer(line) if not t.is_space]
                    if words:
                        f.write(" ".join(words) + "\n")
                        lines += 1
                        tokens += len(words)
        if not tokens:
            raise ValueError("no text to train vectors on")
        model = floret.train_unsupervised(
            str(corpus), model="cbow", mode="floret", hashCount=2, minn=1, maxn=3, dim=settings.dim,
            epoch=settings.epoch, bucket=settings.bucket, minCount=settings.min_count, thread=settings.thread,
            verbose=0)
        saved = Path(tmp) / "vectors.floret"
        model.save_floret_vectors(str(saved))
        nlp = spacy.blank("zh")
        convert_vectors(nlp, saved, truncate=0, prune=-1, mode="floret")
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return VectorsSummary(lines, tokens, len(model.words))
