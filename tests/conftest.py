"""Shared fixtures: where the CA4P-483 pool lives on this machine."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def ca4p_dir() -> Path:
    """The pool beside this checkout (never part of it), or where PRIVSPAN_CA4P points."""
    from pipeline.formats.ca4p import is_ca4p_folder

    path = Path(os.environ.get("PRIVSPAN_CA4P") or ROOT.parent / "shared" / "ca4p483")
    if not is_ca4p_folder(path):
        pytest.skip(f"CA4P-483 pool not found at {path} (set PRIVSPAN_CA4P to its folder)")
    return path


SEED = ROOT / "corpus" / "seed_kuaishou.txt"
# A word jieba splits by default (快手/小店): set as a user word, it shows whether the
# tokenizer's dictionary travels with a trained pipeline.
USER_WORD = "快手小店"


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory) -> Path:
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("seed_corpus")
    assert main(["corpus", str(SEED), "--out", str(out), "--dev", "0.2", "--test", "0.1"]) == 0
    return out


@pytest.fixture(scope="session")
def tiny_model(seed_corpus: Path, tmp_path_factory) -> Path:
    """A smoke-trained pipeline: plain `spacy train` on the project's config, no --code."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("tiny_model")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "spancat.cfg"),
         "--output", str(out), "--paths.train", str(seed_corpus / "train.spacy"),
         "--paths.dev", str(seed_corpus / "dev.spacy"), "--training.max_steps", "30",
         "--training.eval_frequency", "10", "--initialize.tokenizer.user_words", f'["{USER_WORD}"]'],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "model-last"


@pytest.fixture
def load_once(monkeypatch):
    """load_once(nlp, module): `module.load_pipeline` gives `nlp`, loaded once, at the
    threshold it was saved with unless the call names one (as `--threshold` does): a fresh
    load's settings, at no cost."""
    from pipeline.annotation.load import span_categorizer

    def patch(nlp, module) -> None:
        saved = span_categorizer(nlp).cfg["threshold"]

        def load(name, threshold=None, decoding=None):
            assert not decoding, "a test that changes the decoder loads its own pipeline"
            span_categorizer(nlp).cfg["threshold"] = saved if threshold is None else threshold
            return nlp

        monkeypatch.setattr(module, "load_pipeline", load)

    return patch
