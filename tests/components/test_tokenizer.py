import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import List

import jieba
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.vocab import Vocab

from pipeline.components.tokenizer import JiebaTokenizer

TEXT = "请提供收货人姓名和快手小店地址"
# What jieba does on TEXT without user words; the tests below only mean
# something if these are split, so check that assumption explicitly.
DEFAULT_TOKENS = ["请", "提供", "收货人", "姓名", "和", "快手", "小店", "地址"]
NO_HMM_TOKENS = ["请", "提供", "收货人", "姓名", "和", "快", "手", "小店", "地址"]

TOKENIZER_CFG = {"@tokenizers": "privspan.JiebaTokenizer.v1"}


def texts(doc) -> List[str]:
    return [t.text for t in doc]


def blank(hmm: bool = True, user_words: List[str] | None = None) -> Language:
    config = {
        "nlp": {"tokenizer": {**TOKENIZER_CFG, "hmm": hmm}},
        "initialize": {"tokenizer": {"user_words": user_words}},
    }
    nlp = spacy.blank("zh", config=config)
    nlp.initialize()
    return nlp


def run_fresh(code: str, cwd: Path) -> dict:
    # A fresh interpreter proves nothing depends on state this test process
    # built up (registered functions, loaded jieba dictionaries).
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def nlp() -> Language:
    return blank()


@pytest.fixture(scope="module")
def custom_nlp() -> Language:
    return blank(hmm=False, user_words=["收货人姓名"])


def test_default_segmentation(nlp):
    assert isinstance(nlp.tokenizer, JiebaTokenizer)
    assert texts(nlp(TEXT)) == DEFAULT_TOKENS
    assert jieba.lcut(TEXT) == DEFAULT_TOKENS


@pytest.mark.parametrize(
    "text,tokens",
    [
        ("", []),
        (" ", [(" ", "")]),
        ("  ", [("  ", "")]),
        ("\r\n", [("\r\n", "")]),
        ("收集  信息\r\n", [("收集", " "), (" ", ""), ("信息", ""), ("\r\n", "")]),
        (" 前后 ", [(" ", ""), ("前后", " ")]),
        (
            "\n\n第一条\u3000概述 😀👍🏽 Cookie ID",
            [
                ("\n\n", ""),
                ("第一条", ""),
                ("\u3000", ""),
                ("概述", " "),
                ("😀", ""),
                ("👍", ""),
                ("🏽", " "),
                ("Cookie", " "),
                ("ID", ""),
            ],
        ),
    ],
)
def test_tricky_text_round_trips(nlp, text, tokens):
    doc = nlp(text)
    assert doc.text == text
    assert [(t.text, t.whitespace_) for t in doc] == tokens


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.one_of(
            # Lone surrogates cannot come from decoded text, and spaCy's
            # StringStore rejects them.
            st.characters(blacklist_categories=("Cs",)),
            st.sampled_from(list("收货人姓名快手小店，。 \u3000\r\n\tAb1😀")),
        ),
        max_size=40,
    ),
    hmm=st.booleans(),
)
def test_any_text_round_trips(nlp, custom_nlp, text, hmm):
    doc = (nlp if hmm else custom_nlp)(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text
    assert all(t.text for t in doc)


def test_hmm_setting_is_used(custom_nlp):
    assert custom_nlp.tokenizer.hmm is False
    assert texts(custom_nlp("快手")) == ["快", "手"]


def test_user_words_change_segmentation(custom_nlp):
    assert texts(custom_nlp(TEXT)) == [
        "请", "提供", "收货人姓名", "和", "快", "手", "小店", "地址"
    ]  # fmt: skip


def test_user_words_do_not_interfere(nlp, custom_nlp):
    other = JiebaTokenizer(Vocab(), user_words=["快手小店"])
    assert texts(other(TEXT)) == ["请", "提供", "收货人", "姓名", "和", "快手小店", "地址"]
    assert texts(custom_nlp(TEXT))[2] == "收货人姓名"
    assert texts(nlp(TEXT)) == DEFAULT_TOKENS
    # The global jieba.dt must stay untouched too.
    assert jieba.lcut(TEXT) == DEFAULT_TOKENS


def test_initialize_replaces_user_words():
    tok = JiebaTokenizer(Vocab(), user_words=["收货人姓名"])
    assert texts(tok(TEXT))[2] == "收货人姓名"
    tok.initialize(user_words=["快手小店"])
    assert tok.user_words == ["快手小店"]
    assert texts(tok(TEXT)) == ["请", "提供", "收货人", "姓名", "和", "快手小店", "地址"]
    tok.initialize()
    assert tok.user_words == ["快手小店"]


def test_bytes_round_trip():
    tok = JiebaTokenizer(Vocab(), hmm=False, user_words=["收货人姓名", "快手小店"])
    data = tok.to_bytes()
    loaded = JiebaTokenizer(Vocab()).from_bytes(data)
    assert loaded.hmm is False
    assert loaded.user_words == ["收货人姓名", "快手小店"]
    skipped = JiebaTokenizer(Vocab()).from_bytes(data, exclude=["cfg"])
    assert skipped.hmm is True
    assert skipped.user_words == []


def test_pickle_keeps_settings(custom_nlp):
    custom_nlp("预加载")  # so the unpicklable jieba.Tokenizer is present
    loaded = pickle.loads(pickle.dumps(custom_nlp.tokenizer))
    assert loaded.hmm is False
    assert loaded.user_words == ["收货人姓名"]
    assert texts(loaded(TEXT)) == texts(custom_nlp(TEXT))


def test_disk_round_trip_in_fresh_process(custom_nlp, tmp_path):
    expected = texts(custom_nlp(TEXT))
    assert expected != DEFAULT_TOKENS and expected != NO_HMM_TOKENS
    custom_nlp.to_disk(tmp_path / "model")

    loaded = spacy.load(tmp_path / "model")
    assert loaded.tokenizer.hmm is False
    assert loaded.tokenizer.user_words == ["收货人姓名"]
    assert texts(loaded(TEXT)) == expected

    code = (
        "import json, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'model')!r})\n"
        f"print(json.dumps({{'tokens': [t.text for t in nlp({TEXT!r})]}}))\n"
    )
    assert run_fresh(code, tmp_path)["tokens"] == expected


def test_entry_point_resolves_without_importing_pipeline(tmp_path):
    code = (
        "import json, sys, spacy\n"
        "assert 'pipeline' not in sys.modules\n"
        "nlp = spacy.blank('zh', config={'nlp': {'tokenizer': "
        f"{{'@tokenizers': {TOKENIZER_CFG['@tokenizers']!r}, 'hmm': False}}}}}})\n"
        "tok = nlp.tokenizer\n"
        "print(json.dumps({'cls': type(tok).__module__ + '.' + type(tok).__name__,"
        f" 'tokens': [t.text for t in nlp({TEXT!r})]}}))\n"
    )
    result = run_fresh(code, tmp_path)
    assert result["cls"] == "pipeline.components.tokenizer.JiebaTokenizer"
    assert result["tokens"] == NO_HMM_TOKENS
